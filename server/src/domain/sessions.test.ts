import { beforeEach, describe, expect, it } from 'vitest';
import { createEmbeddedStore } from '../store/embedded.js';
import type { Store } from '../store/port.js';
import { ManualClock } from '../kernel/clock.js';
import { createSessionService, hashSessionToken, SESSION_IDLE_MS, SESSION_INDEXES, SESSION_TOUCH_MS, SESSIONS_COLLECTION, type SessionDoc } from './sessions.js';

const HOUR = 60 * 60_000;

describe('console sessions', () => {
  let store: Store;
  let clock: ManualClock;
  let sessions: ReturnType<typeof createSessionService>;

  beforeEach(async () => {
    clock = new ManualClock('2030-06-01T10:00:00.000Z');
    store = await createEmbeddedStore({ now: () => clock.now() });
    await store.ensureIndexes(SESSION_INDEXES);
    sessions = createSessionService({ store, clock });
  });

  it('hands out an opaque 256-bit token and stores only its SHA-256', async () => {
    const { token, session } = await sessions.create('acct_1');
    expect(token).toMatch(/^sess_[0-9A-Za-z]{43}$/);
    const stored = await store.collection<SessionDoc>(SESSIONS_COLLECTION).find({});
    expect(stored).toHaveLength(1);
    expect(stored[0]?._id).toBe(hashSessionToken(token));
    expect(JSON.stringify(stored)).not.toContain(token.slice(5));
    expect(session).toMatchObject({ account: 'acct_1', livemode: false });
    expect(session.expires_at.getTime() - clock.now().getTime()).toBe(SESSION_IDLE_MS);
    const second = await sessions.create('acct_1');
    expect(second.token).not.toBe(token);
  });

  it('resolves a token to its session and refuses unknown or malformed ones', async () => {
    const { token } = await sessions.create('acct_1');
    expect((await sessions.resolve(token))?.account).toBe('acct_1');
    for (const bad of [undefined, '', 'sess_short', `${token}x`, token.replace('sess_', 'sk_test_'), `sess_${'A'.repeat(43)}`]) {
      expect(await sessions.resolve(bad), String(bad)).toBeNull();
    }
  });

  it('ends a session 12 hours after its last use, even before the TTL sweep removes it', async () => {
    const { token } = await sessions.create('acct_1');
    // Not used in between: it ends exactly 12 h after sign-in.
    clock.advance(SESSION_IDLE_MS);
    expect(await sessions.resolve(token)).toBeNull();
    expect(await store.collection(SESSIONS_COLLECTION).count({})).toBe(1); // still stored: only the clock check refused it
  });

  it('slides the expiry forward on every use', async () => {
    const { token } = await sessions.create('acct_1');
    clock.advance(11 * HOUR);
    const used = await sessions.resolve(token);
    expect(used?.expires_at.toISOString()).toBe(new Date(clock.now().getTime() + SESSION_IDLE_MS).toISOString());
    clock.advance(11 * HOUR); // 22 h after sign-in, 11 h after last use
    expect(await sessions.resolve(token)).not.toBeNull();
    clock.advance(12 * HOUR);
    expect(await sessions.resolve(token)).toBeNull();
  });

  it('writes the new expiry at most once a minute', async () => {
    const { token, session } = await sessions.create('acct_1');
    clock.advance(SESSION_TOUCH_MS - 1);
    expect((await sessions.resolve(token))?.last_seen_at).toEqual(session.last_seen_at);
    clock.advance(1);
    expect((await sessions.resolve(token))?.last_seen_at).toEqual(clock.now());
  });

  it('ends a session on destroy, and only that one', async () => {
    const a = await sessions.create('acct_1');
    const b = await sessions.create('acct_1');
    await sessions.destroy(a.token);
    expect(await sessions.resolve(a.token)).toBeNull();
    expect(await sessions.resolve(b.token)).not.toBeNull();
    await expect(sessions.destroy('not-a-token')).resolves.toBeUndefined();
  });

  it('switches between test and live data, but not for an ended session', async () => {
    const { token, session } = await sessions.create('acct_1');
    expect((await sessions.setMode(session._id, true))?.livemode).toBe(true);
    expect((await sessions.resolve(token))?.livemode).toBe(true);
    clock.advance(SESSION_IDLE_MS);
    expect(await sessions.setMode(session._id, false)).toBeNull();
  });
});
