import { toPaise } from '@trendy-tickets/sdk';
import { Hono } from 'hono';
import { jsx } from 'hono/jsx';
import { grantOf } from '../../domain/actors.js';
import type { EventDoc } from '../../domain/events.js';
import { can } from '../../domain/permissions.js';
import type { PromoCodeInput } from '../../domain/promo-codes.js';
import { auditContext } from '../../http/audit-context.js';
import { AppError, notFound } from '../../kernel/errors.js';
import { idPattern } from '../../kernel/ids.js';
import { zonedWallTimeToInstant } from '../../kernel/zoned-time.js';
import type { ConsoleContext, ConsoleEnv } from '../context.js';
import { formOf, renderConsole } from '../middleware.js';
import { noticeFrom } from '../notice.js';
import type { Flash } from '../pages/layout.js';
import { PromoCodesPage } from '../pages/promo-codes.js';

const EVENT_ID = idPattern('evt');
const CODE_ID = idPattern('pc');

const NOTICES: Record<string, Flash> = {
  created: { tone: 'ok', message: 'Promo code created.' },
  saved: { tone: 'ok', message: 'Promo code saved.' },
  deactivated: { tone: 'ok', message: 'Promo code deactivated: buyers can no longer use it.' },
};

async function eventOf(c: ConsoleContext): Promise<EventDoc> {
  const id = c.req.param('id') ?? '';
  if (!EVENT_ID.test(id)) throw notFound('event', id);
  return c.var.services.events.get(c.var.user.owner, id);
}

function codeIdOf(c: ConsoleContext): string {
  const id = c.req.param('code') ?? '';
  if (!CODE_ID.test(id)) throw notFound('promo code', id);
  return id;
}

async function showCodes(c: ConsoleContext, event: EventDoc, flash?: Flash, status: 200 | 400 | 409 = 200) {
  const { user, services } = c.var;
  const grant = grantOf(user.actor);
  const page = await services.promoCodes.list(user.owner, event._id, { limit: 100 });
  const usage = can(grant, 'reports:read', { event: event._id }) ? await services.promoCodes.usage(user.owner, event._id) : null;
  const canEdit = can(grant, 'events:write', { event: event._id });
  return renderConsole(c, jsx(PromoCodesPage, { user, event, codes: page.data, usage, canEdit, flash: flash ?? noticeFrom(NOTICES, c) }), status);
}

const invalid = (message: string) => new AppError('VALIDATION_FAILED', message);

/** A whole number typed in a form, or null when left empty. */
function optionalCount(value: string | undefined, label: string): number | null {
  const text = (value ?? '').trim();
  if (text === '') return null;
  if (!/^\d{1,7}$/.test(text) || Number(text) < 1) throw invalid(`${label}: a whole number, at least 1.`);
  return Number(text);
}

/** The new-code form, read into what the domain takes: a fixed value is typed in rupees, a wall time is in the event's zone. */
function codeInputOf(form: Record<string, string>, event: EventDoc): PromoCodeInput {
  const code = (form.code ?? '').trim();
  if (!/^[A-Za-z0-9_-]{1,40}$/.test(code)) throw invalid('Code: 1–40 letters, digits, - or _.');
  const kind = form.kind === 'fixed' ? 'fixed' : 'percent';
  const typed = (form.value ?? '').trim();
  const value = kind === 'fixed' ? toPaise(typed) : /^\d{1,3}$/.test(typed) ? Number(typed) : null;
  if (value === null || value < 1) throw invalid(kind === 'fixed' ? 'Value: rupees off each ticket, e.g. 100.' : 'Value: a whole percent from 1 to 100.');
  const wall = (field: 'starts_at' | 'ends_at'): Date | null => {
    const text = form[field] ?? '';
    if (text === '') return null;
    const at = zonedWallTimeToInstant(text, event.timezone);
    if (!at) throw invalid(`${field === 'starts_at' ? 'Usable from' : 'Usable until'}: not a date and time.`);
    return at;
  };
  const types = event.ticket_types.filter((t) => form[`type_${t.id}`] === 'on').map((t) => t.id);
  return {
    code,
    kind,
    value,
    ticket_types: types.length === 0 ? null : types,
    unlocks: event.ticket_types.filter((t) => t.hidden && form[`unlock_${t.id}`] === 'on').map((t) => t.id),
    max_uses: optionalCount(form.max_uses, 'Most uses'),
    max_per_order: optionalCount(form.max_per_order, 'Tickets discounted per order'),
    starts_at: wall('starts_at'),
    ends_at: wall('ends_at'),
  };
}

/**
 * An event's promo codes in the console: the list with uses and limit, creating, editing and
 * deactivating codes, and the usage report, through the same service as the API.
 *
 * @example
 * router.route('/', promoCodeConsoleRoutes());
 */
export function promoCodeConsoleRoutes() {
  const router = new Hono<ConsoleEnv>();

  /** Runs a change, showing the page again with the problem when the domain refuses it. */
  async function orShow(c: ConsoleContext, event: EventDoc, change: () => Promise<unknown>, notice: string) {
    try {
      await change();
    } catch (err) {
      if (!(err instanceof AppError) || (err.code !== 'VALIDATION_FAILED' && err.code !== 'CONFLICT')) throw err;
      const issues = Array.isArray(err.details) ? err.details : undefined;
      return showCodes(c, event, { tone: 'bad', message: err.message, issues }, err.code === 'CONFLICT' ? 409 : 400);
    }
    return c.redirect(`/console/events/${event._id}/promo-codes?notice=${notice}`, 303);
  }

  router.get('/console/events/:id/promo-codes', async function promoCodesPage(c) {
    return showCodes(c, await eventOf(c));
  });

  router.post('/console/events/:id/promo-codes', async function createPromoCode(c) {
    const event = await eventOf(c);
    const form = await formOf(c);
    return orShow(c, event, () => c.var.services.promoCodes.create(c.var.user.owner, event._id, codeInputOf(form, event), auditContext(c)), 'created');
  });

  router.post('/console/events/:id/promo-codes/:code', async function updatePromoCode(c) {
    const event = await eventOf(c);
    const id = codeIdOf(c);
    const form = await formOf(c);
    return orShow(
      c,
      event,
      async () => {
        const input = { max_uses: optionalCount(form.max_uses, 'Most uses'), active: form.active === 'on' };
        return c.var.services.promoCodes.update(c.var.user.owner, event._id, id, input, auditContext(c));
      },
      'saved',
    );
  });

  router.post('/console/events/:id/promo-codes/:code/deactivate', async function deactivatePromoCode(c) {
    const event = await eventOf(c);
    const id = codeIdOf(c);
    await c.var.services.promoCodes.update(c.var.user.owner, event._id, id, { active: false }, auditContext(c));
    return c.redirect(`/console/events/${event._id}/promo-codes?notice=deactivated`, 303);
  });

  return router;
}
