import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { jsx } from 'hono/jsx';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from 'zod';
import type { AttendeeInput } from '../../domain/attendee-answers.js';
import type { WaitingListEntryDoc } from '../../domain/waiting-list.js';
import { AppError, type FieldIssue } from '../../kernel/errors.js';
import { MessagePage, renderPage } from '../../pages/layout.js';
import { ClaimOfferPage } from '../../pages/waiting-list-claim.js';
import type { AppEnv } from '../context.js';
import { STATUS } from '../errors.js';
import { requireSameOrigin } from '../middleware/same-origin.js';
import { asksDetails, asksPerTicket, type PostedForm, postedValues, readDetails } from '../schemas/checkout-details-form.js';
import { text } from '../schemas/common.js';
import { rememberOrder } from './checkout.js';

const MAX_FORM_BYTES = 4 * 1024;
const ClaimForm = z.object({ name: text(200) });

/** The ticket type of each offered ticket, in order: attendee `i` holds ticket `i`. */
const ticketsOf = (entry: WaitingListEntryDoc) => Array.from({ length: entry.quantity }, () => entry.ticket_type);

const message = (c: Context<AppEnv>, status: ContentfulStatusCode, title: string, lines: string[]) => renderPage(c, jsx(MessagePage, { title, lines, tone: 'bad' }), status);

/**
 * The claim link of a waiting-list offer (docs/waiting-list.md#claiming): a page without script
 * that shows the held seats and claims them, then pays the order (test mode: the test gateway).
 * An unknown link is 404; an offer that lapsed or was taken back is 410 with no form.
 *
 * @example
 * app.route('/', waitingListClaimRoutes());
 */
export function waitingListClaimRoutes() {
  const router = new Hono<AppEnv>();
  router.use('/waiting-list/claim/*', requireSameOrigin({ onRefuse: (c) => message(c, 403, 'Request refused', ['This form was sent from another website.']) }));
  router.use('/waiting-list/claim/*', bodyLimit({ maxSize: MAX_FORM_BYTES, onError: (c) => message(c, 413, 'Form too large', ['The form sent was too large.']) }));

  async function show(c: Context<AppEnv>, error?: { message: string; status: ContentfulStatusCode; issues?: FieldIssue[] }, posted: PostedForm = {}) {
    c.header('Referrer-Policy', 'no-referrer');
    c.header('Cache-Control', 'no-store');
    const token = c.req.param('token') ?? '';
    const found = await c.var.services.waitingOffers.findOffer(token);
    if (!found) return message(c, 404, 'Link not valid', ['This waiting-list link is not valid. Check the link in your email.']);
    if (found.state === 'gone') return message(c, 410, 'This offer has ended', ['The seats were held for you until the offer ran out, and have gone to the next person in line.']);
    const owner = { account: found.entry.account, livemode: found.entry.livemode };
    const order = found.state === 'claimed' && found.entry.order_id ? await c.var.services.orders.retrieve({ owner }, found.entry.order_id).catch(() => null) : null;
    const tickets = ticketsOf(found.entry);
    // An event that asks names or questions asks them here, as its checkout does.
    const details = asksDetails(found.event, tickets)
      ? { perTicket: asksPerTicket(found.event, tickets), typed: (name: string) => postedValues(posted, name), issues: error?.issues ?? [] }
      : undefined;
    const props = {
      entry: found.entry,
      event: found.event,
      action: `/waiting-list/claim/${encodeURIComponent(token)}`,
      order,
      details,
      ...(error ? { error: error.message } : {}),
    };
    return renderPage(c, jsx(ClaimOfferPage, props), error?.status ?? 200);
  }

  const failed = (err: unknown) => {
    if (!(err instanceof AppError)) throw err;
    return { message: err.message, status: STATUS[err.code], ...(Array.isArray(err.details) ? { issues: err.details as FieldIssue[] } : {}) };
  };

  router.get('/waiting-list/claim/:token', (c) => show(c));

  router.post('/waiting-list/claim/:token', async function claimOffer(c) {
    // Multiple-choice answers post one field per ticked option, so every value of a name is read.
    const posted = (await c.req.parseBody({ all: true }).catch(() => ({}))) as PostedForm;
    const parsed = ClaimForm.safeParse({ name: postedValues(posted, 'name')[0] ?? '' });
    if (!parsed.success) return show(c, { message: 'Enter your name.', status: 400 }, posted);
    const found = await c.var.services.waitingOffers.findOffer(c.req.param('token'));
    let details: AttendeeInput = {};
    if (found?.state === 'open' && asksDetails(found.event, ticketsOf(found.entry))) {
      const read = readDetails(posted, found.event, ticketsOf(found.entry));
      if (read.issues.length > 0) return show(c, { message: 'Please fix the form. The fields to fix are marked.', status: 400, issues: read.issues }, posted);
      details = read.details;
    }
    try {
      const { order, clientSecret } = await c.var.services.waitingOffers.claim(c.req.param('token'), { name: parsed.data.name, ...details });
      // This browser may now open the order's pages under /checkout, the widget's pay page among them.
      rememberOrder(c, order._id, clientSecret);
    } catch (err) {
      return show(c, failed(err), posted);
    }
    return c.redirect(`/waiting-list/claim/${encodeURIComponent(c.req.param('token'))}`, 303);
  });

  router.post('/waiting-list/claim/:token/pay', async function payClaimedOrder(c) {
    const found = await c.var.services.waitingOffers.findOffer(c.req.param('token'));
    if (found?.state !== 'claimed' || !found.entry.order_id) return show(c, { message: 'There is no order to pay on this link.', status: 409 });
    try {
      await c.var.services.testCheckout.payOrder({ owner: { account: found.entry.account, livemode: found.entry.livemode } }, found.entry.order_id, 'success');
    } catch (err) {
      return show(c, failed(err));
    }
    return c.redirect(`/waiting-list/claim/${encodeURIComponent(c.req.param('token'))}`, 303);
  });

  return router;
}
