import { toPaise } from '@trendy-tickets/sdk';
import { Hono } from 'hono';
import { jsx } from 'hono/jsx';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { auditContext } from '../../http/audit-context.js';
import { STATUS } from '../../http/errors.js';
import { AppError, notFound } from '../../kernel/errors.js';
import { idPattern } from '../../kernel/ids.js';
import type { ConsoleContext, ConsoleEnv } from '../context.js';
import { formOf, renderConsole } from '../middleware.js';
import { noticeFrom } from '../notice.js';
import type { Flash } from '../pages/layout.js';
import { OrderPage } from '../pages/order.js';

const ORDER_ID = idPattern('ord');

const NOTICES: Record<string, Flash> = {
  refunded: { tone: 'ok', message: 'Refunded. The buyer is told by email.' },
  pending: { tone: 'info', message: 'Refund asked for: the payment gateway has not finished it yet. This page shows when it does.' },
  cancelled: { tone: 'ok', message: 'Order cancelled. Its seats are back on sale.' },
  expired: { tone: 'info', message: 'The order had expired already; its seats were back on sale.' },
};

function orderIdOf(c: ConsoleContext): string {
  const id = c.req.param('id') ?? '';
  if (!ORDER_ID.test(id)) throw notFound('order', id);
  return id;
}

async function showOrder(c: ConsoleContext, extra: { flash?: Flash; values?: { amount?: string }; errors?: Record<string, string>; status?: ContentfulStatusCode } = {}) {
  const { user, services } = c.var;
  const order = await services.orders.retrieve({ owner: user.owner }, orderIdOf(c));
  const [event, tickets] = await Promise.all([services.events.get(user.owner, order.event), services.tickets.listForOrder(order._id)]);
  const flash = extra.flash ?? noticeFrom(NOTICES, c);
  return renderConsole(c, jsx(OrderPage, { user, order, event, tickets, flash, values: extra.values, errors: extra.errors }), extra.status ?? 200);
}

/**
 * An order in the console: its payment and refunds, and refunding a chosen amount or chosen
 * tickets through the same service as `POST /v1/orders/{id}/refund`.
 *
 * @example
 * router.route('/', orderRoutes());
 */
export function orderRoutes() {
  const router = new Hono<ConsoleEnv>();

  router.get('/console/orders/:id', (c) => showOrder(c));

  router.post('/console/orders/:id/refund', async function refundOrder(c) {
    const id = orderIdOf(c);
    const form = await formOf(c);
    const typed = (form.amount ?? '').trim();
    const tickets = Object.keys(form)
      .filter((key) => key.startsWith('ticket_') && form[key] === 'on')
      .map((key) => key.slice('ticket_'.length));
    const values = { amount: typed };
    if (typed && tickets.length > 0) return showOrder(c, { values, errors: { amount: 'Refund an amount or tickets, not both.' }, status: 400 });
    const amount = typed ? toPaise(typed) : undefined;
    if (amount === null || (amount !== undefined && amount < 100)) {
      return showOrder(c, { values, errors: { amount: 'Type an amount in rupees, at least ₹1, like 250 or 99.50.' }, status: 400 });
    }
    // Money sent back cannot be taken back: a slip of the Enter key must not refund anyone.
    if (form.confirm !== 'on') return showOrder(c, { values, errors: { confirm: 'Tick the box to confirm.' }, status: 400 });
    try {
      const input = amount !== undefined ? { amount } : tickets.length > 0 ? { tickets } : {};
      const order = await c.var.services.fulfilment.refund(c.var.user.owner, id, input, auditContext(c));
      const notice = order.refund?.status === 'pending' ? 'pending' : order.refund?.status === 'failed' ? null : 'refunded';
      if (notice === null) return showOrder(c, { flash: { tone: 'bad', message: order.refund?.failure_reason ?? 'The payment gateway refused the refund.' }, status: 409 });
      return c.redirect(`/console/orders/${id}?notice=${notice}`, 303);
    } catch (err) {
      if (!(err instanceof AppError) || err.code === 'NOT_FOUND' || STATUS[err.code] >= 500) throw err;
      const field = Array.isArray(err.details) ? err.details[0] : undefined;
      const message = field && typeof field === 'object' && 'message' in field ? `${err.message} (${String(field.message)})` : err.message;
      return showOrder(c, { values, flash: { tone: 'bad', message }, status: STATUS[err.code] });
    }
  });

  router.post('/console/orders/:id/cancel', async function cancelOrder(c) {
    const id = orderIdOf(c);
    if ((await formOf(c)).confirm !== 'on') return showOrder(c, { errors: { confirm: 'Tick the box to confirm.' }, status: 400 });
    try {
      const order = await c.var.services.orders.cancel({ owner: c.var.user.owner }, id, auditContext(c));
      return c.redirect(`/console/orders/${id}?notice=${order.status === 'expired' ? 'expired' : 'cancelled'}`, 303);
    } catch (err) {
      // Paid while the page was open: the page now offers a refund instead, and says why.
      if (!(err instanceof AppError) || err.code !== 'ORDER_NOT_PAYABLE') throw err;
      return showOrder(c, { flash: { tone: 'bad', message: err.message }, status: STATUS[err.code] });
    }
  });

  return router;
}
