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

/**
 * {@link readyForLive} against a running server process, through its console as an organizer
 * would: sign in, ask for a verification link, open it from the development mailbox, and enrol
 * an authenticator app with a code for the wall clock (the process's clock).
 *
 * @example
 * await readyForLiveOverHttp(server.url, email, 'correct horse battery');
 */
export async function readyForLiveOverHttp(base: string, email: string, password: string): Promise<void> {
  const jar = new Map<string, string>();
  const send = async (method: 'GET' | 'POST', path: string, form?: Record<string, string>) => {
    const headers: Record<string, string> = { Cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') };
    if (method === 'POST') Object.assign(headers, { Origin: base, 'Content-Type': 'application/x-www-form-urlencoded' });
    const res = await fetch(`${base}${path}`, { method, headers, redirect: 'manual', ...(form ? { body: new URLSearchParams(form).toString() } : {}) });
    for (const line of res.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
    const text = await res.text();
    return { status: res.status, text, csrf: /name="_csrf" value="([^"]+)"/.exec(text)?.[1] ?? '' };
  };
  const login = await send('GET', '/console/login');
  expect((await send('POST', '/console/login', { _csrf: login.csrf, email, password, next: '/console' })).status).toBe(303);
  const page = await send('GET', '/console/account/security');
  expect((await send('POST', '/console/account/security/email', { _csrf: page.csrf })).status).toBe(303);
  // The server's mail worker puts the link in the development mailbox within a second or so.
  // Polled by hand rather than with expect.poll, which only works inside a test (this also runs in beforeAll).
  let path: string | undefined;
  const deadline = Date.now() + 15_000;
  while (path === undefined) {
    const mail = (await (await fetch(`${base}/dev/mailbox.json`)).json()) as Array<{ to: string; text: string }>;
    path = mail.map((m) => (m.to === email ? /https?:\/\/[^/\s]+(\/console\/verify-email\?token=emv_[0-9A-Za-z]{43})/.exec(m.text)?.[1] : undefined)).find(Boolean);
    if (path !== undefined) break;
    if (Date.now() > deadline) throw new Error(`no verification link for ${email} in ${base}/dev/mailbox.json within 15 s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const verify = await send('GET', path!);
  expect((await send('POST', '/console/verify-email', { _csrf: verify.csrf, token: path!.split('token=')[1]! })).status).toBe(200);
  const security = await send('GET', '/console/account/security');
  const started = await send('POST', '/console/account/security/two-factor/start', { _csrf: security.csrf });
  const secret = /id="totp-secret">([A-Z2-7 ]+)</.exec(started.text)?.[1]?.replace(/ /g, '') ?? '';
  const confirmed = await send('POST', '/console/account/security/two-factor/confirm', { _csrf: started.csrf, code: totpCode(secret, totpStep(new Date())) });
  expect(confirmed.status).toBe(200);
}
