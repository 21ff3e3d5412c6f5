import { expect } from 'vitest';
import { totpCode, totpStep } from '../../src/domain/totp.js';
import type { OutboxJob } from '../../src/delivery/outbox.js';
import type { TestApp } from './app.js';

/**
 * The token of the newest verification link queued for an address (the mail is still pending,
 * so the token is still in its job): what the link in that mail carries.
 */
export async function pendingVerificationToken(t: TestApp, email: string): Promise<string> {
  const [job] = await t.store.collection<OutboxJob>('outbox').find({ kind: 'email_verification', to: email.toLowerCase() }, { sort: { created_at: -1 } });
  const token = job?.payload.token;
  expect(token, `a verification link queued for ${email}`).toEqual(expect.stringMatching(/^emv_/));
  return token as string;
}

/**
 * Makes an organizer ready for live mode as the product asks: the sign-up's verification link
 * opened, and two-step sign-in enrolled with a code computed for the test clock. Returns the
 * authenticator secret, for tests that sign in again.
 *
 * @example
 * const { account } = await t.signUp();
 * await readyForLive(t, account.id);
 */
export async function readyForLive(t: TestApp, accountId: string): Promise<{ totpSecret: string | null }> {
  const user = await t.services.users.byId(accountId);
  expect(user, accountId).not.toBeNull();
  if (!(await t.services.emailVerification.isVerified(user!))) {
    // Console sign-ups have a link queued already; accounts made through the API ask for one.
    if ((await t.store.collection('outbox').count({ kind: 'email_verification', to: user!.email })) === 0) await t.services.emailVerification.send(user!.id);
    await t.services.emailVerification.confirm(await pendingVerificationToken(t, user!.email));
    // The link was opened: its mail is not something the test that called this counts.
    await t.store.collection('outbox').deleteMany({ kind: 'email_verification', to: user!.email });
  }
  if ((await t.services.twoFactor.status(user!.id)).enabled) return { totpSecret: null };
  const { secret } = await t.services.twoFactor.startEnrolment(user!.id, user!.email);
  await t.services.twoFactor.confirmEnrolment(user!.id, totpCode(secret, totpStep(t.clock.now())));
  return { totpSecret: secret };
}

/** {@link readyForLive} for the account of an API key. */
export async function readyForLiveByKey(t: TestApp, key: string): Promise<{ totpSecret: string | null }> {
  const auth = await t.services.accounts.authenticateKey(key);
  expect(auth, 'a working key').not.toBeNull();
  return readyForLive(t, auth!.account._id);
}

/** {@link readyForLive} for the account signed in with a console session token (the `tts_session` cookie). */
export async function readyForLiveBySession(t: TestApp, sessionToken: string | undefined): Promise<{ totpSecret: string | null }> {
  const session = await t.services.sessions.resolve(sessionToken);
  expect(session, 'a live console session').not.toBeNull();
  return readyForLive(t, session!.account);
}
