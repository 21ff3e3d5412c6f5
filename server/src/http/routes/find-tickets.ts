import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { jsx } from 'hono/jsx';
import { z } from 'zod';
import { AppError } from '../../kernel/errors.js';
import { FindTicketsPage, type FindTicketsPageProps } from '../../pages/find-tickets.js';
import { renderPage } from '../../pages/layout.js';
import type { AppEnv } from '../context.js';
import { requireSameOrigin } from '../middleware/same-origin.js';

/** The form has one field; anything bigger is not this form. */
const MAX_FORM_BYTES = 2 * 1024;
/** As strict as the checkout's buyer email. */
const FindForm = z.object({ email: z.string().trim().max(254).email() });

function page(c: Context<AppEnv>, props: FindTicketsPageProps, status: 200 | 400 | 403 | 413 | 429 = 200) {
  c.header('Referrer-Policy', 'same-origin');
  return renderPage(c, jsx(FindTicketsPage, props), status);
}

/**
 * "Find my tickets" (docs/tickets.md#find-my-tickets): a public form at `/tickets/find` that
 * mails an address the links to its upcoming tickets, through the outbox. Mounted before the
 * ticket pages, whose `/tickets/*` answers unknown links.
 *
 * @example
 * app.route('/', findTicketsRoutes());
 */
export function findTicketsRoutes() {
  const router = new Hono<AppEnv>();
  router.use('/tickets/find', requireSameOrigin({ onRefuse: (c) => page(c, { error: 'This form was sent from another website, so it was refused. Try again here.' }, 403) }));
  router.use('/tickets/find', bodyLimit({ maxSize: MAX_FORM_BYTES, onError: (c) => page(c, { error: 'The form sent was too large.' }, 413) }));

  router.get('/tickets/find', (c) => page(c, {}));

  router.post('/tickets/find', async function findTickets(c) {
    const form = await c.req.parseBody().catch(() => ({}));
    const typed = typeof (form as Record<string, unknown>).email === 'string' ? String((form as Record<string, unknown>).email) : '';
    const parsed = FindForm.safeParse({ email: typed });
    if (!parsed.success) return page(c, { error: 'Enter a valid email address.', email: typed.slice(0, 254) }, 400);
    const { services } = c.var;
    try {
      await services.ticketFinder.request(parsed.data.email, c.get('clientKey'));
    } catch (err) {
      if (!(err instanceof AppError && err.code === 'RATE_LIMITED')) throw err;
      const minutes = Math.max(1, Math.ceil((err.retryAfterSeconds ?? 3600) / 60));
      c.header('Retry-After', String(err.retryAfterSeconds ?? 3600));
      return page(c, { error: `${err.message} You can ask again in ${minutes} min.`, email: parsed.data.email }, 429);
    }
    return page(c, { sent: true, email: parsed.data.email });
  });

  return router;
}
