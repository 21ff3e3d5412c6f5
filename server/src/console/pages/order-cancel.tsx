/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { FC } from 'hono/jsx';
import type { OrderDoc } from '../../domain/orders.js';
import { mayUse } from '../../http/route-permissions.js';
import type { ConsoleUser } from '../context.js';
import { Checkbox, type FieldErrors } from './fields.js';
import { CsrfField } from './layout.js';

/** Orders not paid yet: cancelling one frees its held seats (a paid one is refunded instead). */
const CANCELLABLE: readonly OrderDoc['status'][] = ['awaiting_verification', 'awaiting_payment'];

/**
 * The order page's "Cancel order", for an unpaid order and those who may change orders; the
 * same service as `POST /v1/orders/{id}/cancel`.
 *
 * @example
 * <CancelOrderSection user={user} order={order} />
 */
export const CancelOrderSection: FC<{ user: ConsoleUser; order: OrderDoc; errors?: FieldErrors | undefined }> = ({ user, order, errors }) => {
  const action = `/console/orders/${order._id}/cancel`;
  if (!CANCELLABLE.includes(order.status) || !mayUse(user.actor, 'POST', action)) return null;
  return (
    <section class="card" aria-labelledby="cancel-order-h">
      <h2 id="cancel-order-h">Cancel order</h2>
      <p class="muted small">The buyer has not paid. Cancelling frees the seats it holds; the buyer can no longer pay for it.</p>
      <form method="post" action={action}>
        <CsrfField token={user.csrf} />
        <Checkbox name="confirm" label="Yes, cancel this order" checked={false} required errors={errors} />
        <button type="submit" class="btn danger">
          Cancel order
        </button>
      </form>
    </section>
  );
};
