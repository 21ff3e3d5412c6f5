/**
 * The promo-code uses recount (docs/promo-codes.md#uses): a use taken on a code by a process that
 * died before storing its order comes back once the grace time has passed, with the drift logged;
 * a code whose uses agree with its orders is left as it is; and a redemption racing the recount
 * never loses its use, because the recount's one update is guarded by the value it read.
 */
import type { PromoCode } from '@trendy-tickets/sdk';
import { describe, expect, it } from 'vitest';
import { backgroundJobs } from '../../src/background.js';
import { ManualClock } from '../../src/kernel/clock.js';
import type { OrderDoc } from '../../src/domain/orders.js';
import { PROMO_RECOUNT_GRACE_MS, type PromoCodeDoc } from '../../src/domain/promo-codes.js';
import type { Collection, Doc, Store } from '../../src/store/port.js';
import { createSqliteStore } from '../../src/store/sqlite.js';
import { buildTestApp, eventBody, type TestApp } from '../helpers/app.js';
import { buyer } from '../helpers/checkout.js';

/** An organizer with a test event sold without email codes, and two promo codes on it of `maxUses` uses each. */
async function withCodes(t: TestApp, maxUses = 2) {
  const keys = await t.signUp();
  const created = await t.call('POST', '/v1/events', { key: keys.sk, body: eventBody({ require_email_verification: false, capacity: 1000 }) });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const event = created.body.id as string;
  const code = async (name: string) =>
    (await t.call<PromoCode>('POST', `/v1/events/${event}/promo_codes`, { key: keys.sk, body: { code: name, kind: 'percent', value: 20, max_uses: maxUses } })).body;
  const order = (promo: string) =>
    t.call('POST', '/v1/orders', { key: keys.pk, body: { event, items: [{ ticket_type: created.body.ticket_types[0].id, quantity: 1 }], buyer: buyer(), promo_code: promo } });
  const uses = async (promo: PromoCode) => (await t.call<PromoCode>('GET', `/v1/events/${event}/promo_codes/${promo.id}`, { key: keys.sk })).body.uses;
  /** What a process killed right after taking the use and before storing its order leaves behind. */
  const crashAfterTakingUse = async (promo: PromoCode) => {
    const doc = await t.store.collection<PromoCodeDoc>('promo_codes').findOne({ _id: promo.id });
    await t.services.promoCodes.redeem(doc as PromoCodeDoc);
  };
  return { event, earlybird: await code('EARLYBIRD'), friends: await code('FRIENDS'), order, uses, crashAfterTakingUse };
}

const recountJob = (t: TestApp) => backgroundJobs(t.services, t.logger).find((j) => j.name === 'promo-uses')!;

/** The real store, whose orders collection runs `beforeCount` once (then forgets it) when the next count is asked for. */
async function storeWithCountHook(clock: ManualClock) {
  const inner = await createSqliteStore({ now: () => clock.now() });
  const hook: { beforeCount: (() => Promise<void>) | null } = { beforeCount: null };
  const store = new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop !== 'collection') return Reflect.get(target, prop, receiver);
      return <T extends Doc>(name: string): Collection<T> => {
        const real = target.collection<T>(name);
        if (name !== 'orders') return real;
        return new Proxy(real, {
          get(collection, method, r) {
            const value = Reflect.get(collection, method, r);
            if (method === 'count' && typeof value === 'function') {
              return async (...args: unknown[]) => {
                const counted = await value.apply(collection, args);
                const before = hook.beforeCount;
                hook.beforeCount = null;
                if (before) await before();
                return counted;
              };
            }
            return typeof value === 'function' ? value.bind(collection) : value;
          },
        });
      };
    },
  }) as Store;
  return { store, hook };
}

describe('the promo-code uses recount', () => {
  it('gives back a use a crash took without storing its order once the grace time has passed, logs the drift, and leaves an agreeing code alone', async () => {
    const t = await buildTestApp();
    const { event, earlybird, friends, order, uses, crashAfterTakingUse } = await withCodes(t);
    expect((await order('EARLYBIRD')).status).toBe(201);
    expect((await order('FRIENDS')).status).toBe(201);
    await crashAfterTakingUse(earlybird);
    expect(await uses(earlybird)).toBe(2);
    expect((await order('EARLYBIRD')).body.error).toMatchObject({ code: 'PROMO_CODE_INVALID', details: { reason: 'used_up' } });

    // Within the grace time the order might still be on its way: nothing is touched.
    expect(await recountJob(t).run()).toEqual({ repaired: 0 });
    expect(await uses(earlybird)).toBe(2);

    t.clock.advance(PROMO_RECOUNT_GRACE_MS + 1);
    const friendsBefore = await t.store.collection<PromoCodeDoc>('promo_codes').findOne({ _id: friends.id });
    expect(await recountJob(t).run()).toEqual({ repaired: 1 });
    expect(await uses(earlybird)).toBe(1);
    const logged = t.logger.entries.find((e) => e.msg === 'promo code uses recounted');
    expect(logged?.level).toBe('warn');
    expect(logged?.drifts).toEqual([{ promo: earlybird.id, event, was: 2, counted: 1 }]);
    expect(await t.store.collection<PromoCodeDoc>('promo_codes').findOne({ _id: friends.id })).toEqual({ ...friendsBefore, recount_at: undefined });
    expect(await uses(friends)).toBe(1);

    expect((await order('EARLYBIRD')).status).toBe(201);
    t.clock.advance(PROMO_RECOUNT_GRACE_MS + 1);
    expect(await recountJob(t).run()).toEqual({ repaired: 0 });
    expect(await uses(earlybird)).toBe(2);
  });

  it('finishes the give-back of an order that ended without giving its use back, so the use comes back once', async () => {
    const t = await buildTestApp();
    const { earlybird, order, uses } = await withCodes(t);
    const placed = await order('EARLYBIRD');
    expect(placed.status).toBe(201);
    // A process killed after moving the order to expired and before giving its use back.
    await t.store.collection<OrderDoc>('orders').updateOne({ _id: placed.body.id }, { $set: { status: 'expired' } });

    t.clock.advance(PROMO_RECOUNT_GRACE_MS + 1);
    expect(await recountJob(t).run()).toEqual({ repaired: 0 });
    expect(await uses(earlybird)).toBe(0);
    expect((await t.store.collection<OrderDoc>('orders').findOne({ _id: placed.body.id }))?.discount?.returned).toBe(true);
  });

  it('never loses the use of a redemption that lands between its count and its update', async () => {
    const clock = new ManualClock('2030-06-01T10:00:00.000Z');
    const { store, hook } = await storeWithCountHook(clock);
    const t = await buildTestApp({ clock, store });
    const { earlybird, order, uses, crashAfterTakingUse } = await withCodes(t, 3);
    expect((await order('EARLYBIRD')).status).toBe(201);
    await crashAfterTakingUse(earlybird);
    clock.advance(PROMO_RECOUNT_GRACE_MS + 1);

    // A buyer's order with the code, taking its use and stored while the recount is between its count and its update.
    hook.beforeCount = async () => {
      expect((await order('EARLYBIRD')).status).toBe(201);
    };
    expect(await recountJob(t).run()).toEqual({ repaired: 0 });
    expect(await uses(earlybird)).toBe(3);

    clock.advance(PROMO_RECOUNT_GRACE_MS + 1);
    expect(await recountJob(t).run()).toEqual({ repaired: 1 });
    expect(await uses(earlybird)).toBe(2);
  });
});
