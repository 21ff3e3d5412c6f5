import { describe, expect, it } from 'vitest';
import { createEmbeddedStore } from '../store/embedded.js';
import { INDEXES } from '../indexes.js';
import { bcryptHasher, createAccountService, hashApiKey, publishableKeyHash } from './accounts.js';
import { ManualClock } from '../kernel/clock.js';
import type { AppError } from '../kernel/errors.js';

async function setup() {
  const store = await createEmbeddedStore({});
  await store.ensureIndexes(INDEXES);
  const accounts = createAccountService({ store, clock: new ManualClock(), hasher: bcryptHasher(4) });
  const { account, secretKey } = await accounts.signUp({ email: 'owner@example.com', password: 'correct horse battery', name: 'Owner' });
  return { accounts, account, secretKey };
}

describe('accounts.rollKey', () => {
  it('lets exactly one of ten simultaneous rolls win, and leaves its key the only active one', async () => {
    const { accounts, account, secretKey } = await setup();
    const outcomes = await Promise.allSettled(Array.from({ length: 10 }, () => accounts.rollKey(account._id, 'secret', 'test')));
    const won = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
    const lost = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(9);
    for (const err of lost) expect(err).toMatchObject({ code: 'CONFLICT' } satisfies Partial<AppError>);
    const active = (await accounts.listKeys(account._id)).filter((k) => k.kind === 'secret' && k.mode === 'test');
    expect(active.map((k) => k._id)).toEqual([won[0]!.key._id]);
    expect((await accounts.authenticateKey(won[0]!.raw))?.account._id).toBe(account._id);
    expect(await accounts.authenticateKey(secretKey)).toBeNull();
  });

  it('lets rolls one after another each succeed, each revoking the one before', async () => {
    const { accounts, account } = await setup();
    const first = await accounts.rollKey(account._id, 'secret', 'test');
    const second = await accounts.rollKey(account._id, 'secret', 'test');
    expect(await accounts.authenticateKey(first.raw)).toBeNull();
    expect((await accounts.authenticateKey(second.raw))?.key._id).toBe(second.key._id);
  });

  it('revokes keys made by sign-up and createKey, and leaves the other kind and mode alone', async () => {
    const { accounts, account, secretKey } = await setup();
    const extra = await accounts.createKey(account._id, 'secret', 'test');
    const live = await accounts.createKey(account._id, 'secret', 'live');
    const rolled = await accounts.rollKey(account._id, 'secret', 'test');
    expect(await accounts.authenticateKey(secretKey)).toBeNull();
    expect(await accounts.authenticateKey(extra.raw)).toBeNull();
    expect(await accounts.authenticateKey(live.raw)).not.toBeNull();
    const active = await accounts.listKeys(account._id);
    expect(active.map((k) => `${k.kind}_${k.mode}`).sort()).toEqual(['publishable_test', 'secret_live', 'secret_test']);
    expect(active.find((k) => k.kind === 'secret' && k.mode === 'test')?._id).toBe(rolled.key._id);
  });
});

describe('publishableKeyHash', () => {
  const pk = (i: number) => `pk_test_${String(i).padStart(36, '0')}`;

  it('gives a publishable key the hash it is stored under, asked once or many times', () => {
    expect(publishableKeyHash(pk(1))).toBe(hashApiKey(pk(1)));
    expect(publishableKeyHash(pk(1))).toBe(hashApiKey(pk(1)));
    for (let i = 0; i < 10_050; i += 1) publishableKeyHash(pk(i));
    expect(publishableKeyHash(pk(2))).toBe(hashApiKey(pk(2)));
  });

  it('will not take a secret or restricted key, which must not be kept in memory', () => {
    expect(() => publishableKeyHash('sk_test_000000000000000000000000000000000001')).toThrow('Only publishable keys');
    expect(() => publishableKeyHash('rk_test_000000000000000000000000000000000001')).toThrow('Only publishable keys');
  });

  it('still authenticates a publishable key read again, and refuses it once it is rolled', async () => {
    const { accounts, account } = await setup();
    const issued = await accounts.rollKey(account._id, 'publishable', 'test');
    expect((await accounts.authenticateKey(issued.raw))?.key._id).toBe(issued.key._id);
    expect((await accounts.authenticateKey(issued.raw))?.key._id).toBe(issued.key._id);
    await accounts.rollKey(account._id, 'publishable', 'test');
    expect(await accounts.authenticateKey(issued.raw)).toBeNull();
  });
});
