import { Hono, type Context } from 'hono';
import { jsx } from 'hono/jsx';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { DEMO_EMAIL, DEMO_PASSWORD } from '../../demo.js';
import type { AccountDoc } from '../../domain/accounts.js';
import { AppError } from '../../kernel/errors.js';
import type { RateLimitRule } from '../../domain/rate-limit.js';
import { userActor } from '../../domain/actors.js';
import { auditContext } from '../../http/audit-context.js';
import { recordSignUp } from '../../http/audit-sign-up.js';
import { STATUS } from '../../http/errors.js';
import { CreateAccountBody } from '../../http/schemas/accounts.js';
import type { ConsoleEnv } from '../context.js';
import { currentUser, formOf, refuse, renderConsole, requireSession, verifyCsrf, verifyLoginCsrf } from '../middleware.js';
import { noticeFrom } from '../notice.js';
import { checkPassword } from '../passwords.js';
import { LoginPage, SignupPage, WelcomePage, type SignupValues } from '../pages/auth.js';
import type { FieldErrors } from '../pages/fields.js';
import { MessageShell, type Flash } from '../pages/layout.js';
import { recordOwnSecurity } from '../security-audit.js';
import { safeNext } from '../security.js';
import { endSession, loginFormToken, rememberPublishableKey, startSession } from '../sessions.js';
import { finishPasswordSignIn } from '../sign-in.js';

/**
 * Sign-ups per client address per hour: the same counter and rule as `POST /v1/accounts`
 * (`signup:<address>`, app.ts `SIGNUPS_PER_HOUR`), so the console is no way around it.
 */
export const SIGNUP_RULE: RateLimitRule = { limit: 20, windowSeconds: 3600 };

const NOTICES: Record<string, Flash> = {
  signed_out: { tone: 'info', message: 'You are signed out.' },
  expired: { tone: 'info', message: 'Your session ended. Sign in again to continue.' },
  password_reset: { tone: 'ok', message: 'Your new password is set, and every browser was signed out. Sign in with it.' },
  two_factor_over: { tone: 'info', message: 'That sign-in timed out or had too many wrong codes. Sign in again.' },
};

/**
 * Where the mode switch lands: the same section in the other mode. An object page (one
 * event, one ticket) would not exist there, so it goes up to its list.
 */
function sectionOf(next: string): string {
  const section = /^\/console\/(events|developers)(?:[/?]|$)/.exec(next)?.[1];
  return section ? `/console/${section}` : '/console';
}

/**
 * The demo organizer's account, on a server that is not in production and has one
 * (`ensureDemo` creates it on a development server's first run); null otherwise.
 */
async function demoAccount(c: Context<ConsoleEnv>): Promise<AccountDoc | null> {
  if (c.var.deps.config.env === 'production') return null;
  return c.var.services.accounts.findByEmail(DEMO_EMAIL);
}

/**
 * A refused sign-in (wrong password, or too many tries), in the audit log of the account whose
 * email was typed. An email without an account has no log to go in, and nothing is shown to
 * the caller either way, so this reveals no more than the refusal already did.
 */
async function recordFailedSignIn(c: Context<ConsoleEnv>, email: string): Promise<void> {
  const account = await c.var.services.accounts.findByEmail(email);
  if (!account) return;
  const context = auditContext(c, { actor: userActor(account), owner: { account: account._id, livemode: false } });
  await c.var.services.auditLog.record(context, { action: 'session.sign_in_failed', target: { type: 'account', id: account._id } });
}

/**
 * Sign-in, sign-up, sign-out and the test / live switch.
 *
 * @example
 * router.route('/', authRoutes());
 */
export function authRoutes() {
  const router = new Hono<ConsoleEnv>();

  router.get('/console/login', async function loginPage(c) {
    const next = safeNext(c.req.query('next'));
    if (await currentUser(c)) return c.redirect(next, 302);
    const demo = (await demoAccount(c)) ? { email: DEMO_EMAIL, password: DEMO_PASSWORD } : null;
    return renderConsole(c, jsx(LoginPage, { csrf: loginFormToken(c), next, demo, flash: noticeFrom(NOTICES, c) }));
  });

  // The demo banner's button. A 404 wherever the banner is not shown, so production does not
  // even reveal the route; CSRF-checked like the sign-in form, so no other site can sign a
  // visitor into the demo account.
  router.post('/console/login/demo', verifyLoginCsrf(), async function demoLogin(c) {
    const account = await demoAccount(c);
    if (!account) return refuse(c, 404, 'Not found', ['There is no demo organizer on this server.'], 'NOT_FOUND');
    const form = await formOf(c);
    await startSession(c, account);
    return c.redirect(safeNext(form.next), 303);
  });

  router.post('/console/login', verifyLoginCsrf(), async function login(c) {
    const form = await formOf(c);
    const email = (form.email ?? '').trim().slice(0, 254);
    const next = safeNext(form.next);
    const page = (flash: Flash, status: ContentfulStatusCode) => renderConsole(c, jsx(LoginPage, { csrf: loginFormToken(c), next, email, flash }), status);
    if (!email || !form.password) return page({ tone: 'bad', message: 'Enter your email and password.' }, 400);
    try {
      const { account, member } = await checkPassword(c, email, form.password);
      return await finishPasswordSignIn(c, account, next, member);
    } catch (err) {
      if (!(err instanceof AppError) || (err.code !== 'UNAUTHENTICATED' && err.code !== 'RATE_LIMITED')) throw err;
      await recordFailedSignIn(c, email);
      if (err.retryAfterSeconds !== undefined) c.header('Retry-After', String(err.retryAfterSeconds));
      return page({ tone: 'bad', message: err.message }, STATUS[err.code]);
    }
  });

  router.get('/console/signup', async function signupPage(c) {
    if (await currentUser(c)) return c.redirect('/console', 302);
    return renderConsole(c, jsx(SignupPage, { csrf: loginFormToken(c), values: { name: '', email: '' }, errors: {} }));
  });

  router.post('/console/signup', verifyLoginCsrf(), async function signup(c) {
    const { services, deps } = c.var;
    const form = await formOf(c);
    const values: SignupValues = { name: form.name ?? '', email: form.email ?? '' };
    const page = (errors: FieldErrors, status: ContentfulStatusCode, flash?: Flash) =>
      renderConsole(c, jsx(SignupPage, { csrf: loginFormToken(c), values, errors, flash }), status);

    const decision = await services.limiter.hit(`signup:${c.get('clientKey')}`, SIGNUP_RULE);
    if (!decision.allowed) {
      c.header('Retry-After', String(decision.retryAfterSeconds));
      return page({}, 429, { tone: 'bad', message: 'Too many accounts were created from your network. Try again in an hour.' });
    }
    const parsed = CreateAccountBody.safeParse({ name: values.name, email: values.email, password: form.password ?? '' });
    if (!parsed.success) {
      const errors: FieldErrors = {};
      for (const issue of parsed.error.issues) errors[String(issue.path[0] ?? 'name')] ??= issue.message;
      return page(errors, 400);
    }
    try {
      const created = await services.accounts.signUp(parsed.data);
      // Live mode waits for the address to be proved (docs/account-security.md#email-verification).
      await services.emailVerification.send(created.account._id);
      await recordSignUp(c, created.account);
      const user = await startSession(c, created.account);
      rememberPublishableKey(c, false, created.publishableKey);
      return renderConsole(c, jsx(WelcomePage, { user, secretKey: created.secretKey, publishableKey: created.publishableKey, publicUrl: deps.config.publicUrl }));
    } catch (err) {
      if (err instanceof AppError && err.code === 'CONFLICT') return page({ email: err.message }, 409);
      throw err;
    }
  });

  router.post('/console/logout', requireSession(), verifyCsrf(), async function logout(c) {
    await endSession(c);
    return c.redirect('/console/login?notice=signed_out', 303);
  });

  router.post('/console/mode', requireSession(), verifyCsrf(), async function switchMode(c) {
    const form = await formOf(c);
    const livemode = form.mode === 'live';
    if (livemode && !c.var.user.session.livemode) {
      const user = await c.var.services.users.ofSession(c.var.user.session);
      const problem = user ? await c.var.services.liveModeGate.problem(user.id) : 'Sign in again.';
      if (problem) {
        const lines = [problem];
        return renderConsole(
          c,
          jsx(MessageShell, { title: 'Not yet: live mode', lines, user: c.var.user, link: { href: '/console/account/security', label: 'Go to Account security' } }),
          403,
        );
      }
    }
    if (!(await c.var.services.sessions.setMode(c.var.user.session._id, livemode))) return c.redirect('/console/login?notice=expired', 303);
    // Which data a person works on decides what their next clicks change: keep who switched, when it switched.
    if (livemode !== c.var.user.session.livemode) await recordOwnSecurity(c, 'session.mode_switched', { livemode: { before: c.var.user.session.livemode, after: livemode } });
    return c.redirect(sectionOf(safeNext(form.next)), 303);
  });

  return router;
}
