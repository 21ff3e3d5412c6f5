import { describe, expect, it } from 'vitest';
import { createEmbeddedStore } from '../store/embedded.js';
import { INDEXES } from '../indexes.js';
import { bcryptHasher, createAccountService, type PasswordHasher } from './accounts.js';
import { ManualClock } from './clock.js';
import { AppError } from './errors.js';

/** Real bcrypt, counting how often a password is checked. */
function countingHasher(): PasswordHasher & { verifications: number } {
  const inner = bcryptHasher(4);
  const hasher = {
    verifications: 0,
    hash: inner.hash,
    async verify(password: string, hash: string) {
      hasher.verifications += 1;
      return inner.verify(password, hash);
    },
  };
  return hasher;
}

async function setup() {
  const store = await createEmbeddedStore({});
  await store.ensureIndexes(INDEXES);
  const hasher = countingHasher();
  const accounts = createAccountService({ store, clock: new ManualClock(), hasher });
  const { account, secretKey } = await accounts.signUp({ email: 'owner@example.com', password: 'correct horse battery', name: 'Owner' });
  return { accounts, hasher, account, secretKey };
}

describe('accounts.authenticate', () => {
  it('accepts the right password, case-insensitively on the email', async () => {
    const { accounts } = await setup();
    expect((await accounts.authenticate('Owner@Example.com', 'correct horse battery'))?.email).toBe('owner@example.com');
  });

  it('refuses a wrong password', async () => {
    const { accounts } = await setup();
    expect(await accounts.authenticate('owner@example.com', 'wrong horse battery')).toBeNull();
  });

  it('does the same bcrypt work for an unknown email as for a known one, so timing tells nothing', async () => {
    const { accounts, hasher } = await setup();
    await accounts.authenticate('owner@example.com', 'wrong horse battery');
    const forKnown = hasher.verifications;
    await accounts.authenticate('nobody@example.com', 'wrong horse battery');
    expect(hasher.verifications - forKnown).toBe(forKnown);
    expect(forKnown).toBe(1);
  });
});

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
