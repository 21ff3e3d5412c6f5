/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { FC } from 'hono/jsx';
import type { RefundSource } from '@trendy-tickets/sdk';
import type { EventDoc } from '../../domain/events.js';
import { refundSourceOf } from '../../domain/refund-source.js';
import { reservedRefunds, type OrderDoc, type OrderRefundLogDoc } from '../../domain/orders.js';
import type { TicketDoc } from '../../domain/tickets.js';
import { CancelOrderSection } from './order-cancel.js';
import { mayUse } from '../../http/route-permissions.js';
import type { ConsoleUser } from '../context.js';
import { rupees, when } from '../format.js';
import { Checkbox, Field } from './fields.js';
import { CsrfField, Shell, type Flash } from './layout.js';

const ORDER_WORDS: Partial<Record<OrderDoc['status'], string>> = { paid: 'Paid', partially_refunded: 'Partly refunded', refunded: 'Refunded' };
const REFUND_WORDS: Record<OrderRefundLogDoc['status'], string> = { pending: 'Pending', processed: 'Refunded', failed: 'Failed' };
const SOURCE_WORDS: Record<RefundSource, string> = {
  api: 'asked for through the API',
  console: 'asked for in the console',
  cancellation: 'by the event’s cancellation',
  automatic: 'automatically: the seats were gone',
  dashboard: 'made in Razorpay’s dashboard',
};

/** Props of {@link OrderPage}. */
export interface OrderPageProps {
  user: ConsoleUser;
  order: OrderDoc;
  event: EventDoc;
  tickets: TicketDoc[];
  flash?: Flash | undefined;
  /** What was typed in the refund form, shown again with its error. */
  values?: { amount?: string } | undefined;
  errors?: Record<string, string> | undefined;
}

/**
 * `/console/orders/:id`: an order's payment, its refunds with their status, and a form that
 * refunds a chosen amount or chosen tickets (or the rest), for those who may refund.
 *
 * @example
 * return renderConsole(c, <OrderPage user={user} order={order} event={event} tickets={tickets} />);
 */
export const OrderPage: FC<OrderPageProps> = ({ user, order, event, tickets, flash, values, errors }) => {
  const tz = event.timezone;
  const base = `/console/orders/${order._id}`;
  const remaining = Math.max(0, order.amount - reservedRefunds(order));
  const refunds = Object.values(order.refund_log ?? {}).sort((a, b) => a.requested_at.getTime() - b.requested_at.getTime());
  const open = tickets.filter((t) => t.status !== 'voided' && !t.refund);
  const mayRefund = mayUse(user.actor, 'POST', `${base}/refund`) && (order.status === 'paid' || order.status === 'partially_refunded') && remaining > 0;
  return (
    <Shell title={`Order · ${order.buyer.name}`} user={user} section="events" here={base} flash={flash}>
      <div class="page-head">
        <div>
          <h1>Order {order._id}</h1>
          <p class="sub">
            <span class={`badge ${order.status}`}>{ORDER_WORDS[order.status] ?? order.status}</span> {order.buyer.name} · <a href={`/console/events/${event._id}`}>{event.name}</a>
          </p>
        </div>
      </div>
      <section class="card" aria-labelledby="money-h">
        <h2 id="money-h">Payment</h2>
        <dl class="facts">
          <dt>Paid</dt>
          <dd>{rupees(order.amount)}</dd>
          <dt>Refunded or pending</dt>
          <dd>{rupees(reservedRefunds(order))}</dd>
          <dt>Left to refund</dt>
          <dd>{rupees(remaining)}</dd>
        </dl>
      </section>
      <section class="card" aria-labelledby="refunds-h">
        <h2 id="refunds-h">Refunds</h2>
        {refunds.length === 0 ? (
          <p class="muted">No refunds yet.</p>
        ) : (
          <ul class="refunds">
            {refunds.map((r) => {
              const source = refundSourceOf(r);
              return (
                <li>
                  <span class={`badge ${r.status === 'failed' ? 'dead' : r.status}`}>{REFUND_WORDS[r.status]}</span> {rupees(r.amount)}
                  {r.tickets.length > 0 ? ` · tickets ${r.tickets.join(', ')}` : ''} · {when(r.requested_at, tz)}
                  {source ? ` · ${SOURCE_WORDS[source]}` : ''}
                  {r.status === 'failed' && r.failure_reason ? <p class="small">{r.failure_reason}</p> : null}
                  {r.status === 'pending' ? <p class="small">Waiting for the payment gateway; it is asked again until it answers.</p> : null}
                </li>
              );
            })}
          </ul>
        )}
      </section>
      {mayRefund ? (
        <section class="card" aria-labelledby="refund-h">
          <h2 id="refund-h">Refund</h2>
          <p class="muted small">
            Refund an amount, or tick tickets to refund them (they stop admitting and their seats go back on sale). Leave both empty to refund the {rupees(remaining)} left.
          </p>
          <form method="post" action={`${base}/refund`}>
            <CsrfField token={user.csrf} />
            <Field name="amount" label="Amount in rupees" value={values?.amount ?? ''} inputmode="decimal" errors={errors} />
            {open.length > 0 ? (
              <fieldset>
                <legend>Tickets</legend>
                {open.map((t) => (
                  <label class="check">
                    <input type="checkbox" name={`ticket_${t._id}`} value="on" /> {t.holder.name} · {t.ticket_type_name} · <span class="mono">{t._id}</span>
                  </label>
                ))}
              </fieldset>
            ) : null}
            {errors?.tickets ? <p class="field-error">{errors.tickets}</p> : null}
            <Checkbox name="confirm" label="Yes, refund: the money goes back to the buyer and cannot be taken back" checked={false} required errors={errors} />
            <button type="submit" class="btn danger">
              Refund
            </button>
          </form>
        </section>
      ) : null}
      <CancelOrderSection user={user} order={order} errors={errors} />
    </Shell>
  );
};
