/**
 * A crash between reserving a refund's amount on its order and writing the refund's record must
 * not leave the amount reserved for ever (docs/domain-rules.md#refunds): after a grace time the
 * sweeper records such a refund as failed without asking the gateway, which gives the amount back.
 * The crash is a real one at that point: the refunds collection refuses the record's insert once.
 */
import { describe, expect, it } from 'vitest';
import type { Collection, Doc, Store } from '../../src/store/port.js';
import type { RefundDoc } from '../../src/domain/refunds.js';
import { REFUND_RECORD_GRACE_MS } from '../../src/domain/fulfilment.js';
import { ManualClock } from '../../src/kernel/clock.js';
import { createSqliteStore } from '../../src/store/sqlite.js';
import { buildTestApp, eventBody } from '../helpers/app.js';
import { buyer, payWithTestGateway, startOrder } from '../helpers/checkout.js';

/** The real store, whose refunds collection dies (throws) on the next insert while `crashing` is set, as a process killed there would. */
async function crashableStore(clock: ManualClock) {
  const inner = await createSqliteStore({ now: () => clock.now() });
  const state = { crashing: false };
  const store = new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop !== 'collection') return Reflect.get(target, prop, receiver);
      return <T extends Doc>(name: string): Collection<T> => {
        const real = target.collection<T>(name);
        if (name !== 'refunds') return real;
        return new Proxy(real, {
          get(collection, method, r) {
            if (method === 'insertOne' && state.crashing) {
              return async () => {
                state.crashing = false;
                throw new Error('the process died here');
              };
            }
            const value = Reflect.get(collection, method, r);
            return typeof value === 'function' ? value.bind(collection) : value;
          },
        });
      };
    },
  }) as Store;
  return { store, state };
}

describe('a refund reserved on its order without a record', () => {
  it('keeps its amount reserved through the grace time, then the sweeper gives it back without asking the gateway', async () => {
    const clock = new ManualClock('2030-06-01T10:00:00.000Z');
    const { store, state } = await crashableStore(clock);
    const t = await buildTestApp({ clock, store });
    const keys = await t.signUp();
    const event = (await t.call('POST', '/v1/events', { key: keys.sk, body: eventBody({ require_email_verification: false }) })).body;
    const started = await startOrder(t, keys.pk, event.id, [{ ticket_type: event.ticket_types[0].id, quantity: 2 }], buyer());
    const order = (await payWithTestGateway(t, keys.pk, started, started.payment.gateway_order_id)).body;
    const refund = (body?: Record<string, unknown>) => t.call('POST', `/v1/orders/${order.id}/refund`, { key: keys.sk, ...(body ? { body } : {}) });
    const gatewayRefunds = () => t.store.collection('test_gateway_refunds').find({});

    state.crashing = true;
    expect((await refund({ amount: 10_000 })).status).toBe(500);
    expect(await t.store.collection<RefundDoc>('refunds').find({ order: order.id })).toEqual([]);
    const reserved = (await t.call('GET', `/v1/orders/${order.id}`, { key: keys.sk })).body;
    expect(reserved).toMatchObject({ status: 'paid', refunded_amount: 10_000 });

    // Within the grace time the sweeper leaves it: the request might still be on its way.
    clock.advance(60_000);
    await t.services.repair.sweep();
    expect((await t.call('GET', `/v1/orders/${order.id}`, { key: keys.sk })).body.refunded_amount).toBe(10_000);

    clock.advance(REFUND_RECORD_GRACE_MS);
    await t.services.repair.sweep();
    const released = (await t.call('GET', `/v1/orders/${order.id}`, { key: keys.sk })).body;
    expect(released).toMatchObject({ status: 'paid', refunded_amount: 0 });
    expect(released.refunds).toEqual([expect.objectContaining({ amount: 10_000, status: 'failed' })]);
    expect(await gatewayRefunds()).toEqual([]);

    // The whole amount may be refunded again, once.
    expect((await refund()).body).toMatchObject({ status: 'refunded', refunded_amount: order.amount });
    expect(await gatewayRefunds()).toHaveLength(1);
  });
});
