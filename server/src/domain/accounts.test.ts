import { describe, expect, it } from 'vitest';
import { createEmbeddedStore } from '../store/embedded.js';
import { INDEXES } from '../indexes.js';
import { bcryptHasher, createAccountService, type PasswordHasher } from './accounts.js';
import { ManualClock } from './clock.js';

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
  await accounts.signUp({ email: 'owner@example.com', password: 'correct horse battery', name: 'Owner' });
  return { accounts, hasher };
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
