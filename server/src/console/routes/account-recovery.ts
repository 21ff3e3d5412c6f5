import { recordSecurityOf } from '../security-audit.js';
import { Hono } from 'hono';
import { jsx } from 'hono/jsx';
import { AppError } from '../../kernel/errors.js';
import { STATUS } from '../../http/errors.js';
import { CreateAccountBody } from '../../http/schemas/accounts.js';
import type { ConsoleEnv } from '../context.js';
import { formOf, refuse, renderConsole, verifyLoginCsrf } from '../middleware.js';
import { ForgotPasswordPage, ResetPasswordPage, TwoFactorLoginPage, VerifyEmailPage } from '../pages/account-recovery.js';
import { MessageShell } from '../pages/layout.js';
import { safeNext } from '../security.js';
import { startSession, loginFormToken } from '../sessions.js';
import { challengeToken, clearChallenge } from '../sign-in.js';

/**
 * The first problem with a new password, in the sign-up form's words; null when it is fine.
 *
 * @example
 * passwordProblem('short'); // 'must be at least 10 characters'
 */
export function newPasswordProblem(password: string): string | null {
  const parsed = CreateAccountBody.shape.password.safeParse(password);
  return parsed.success ? null : (parsed.error.issues[0]?.message ?? 'is not allowed');
}

/** A link that no longer works: the domain's message, as a page with a way on. */
function deadLink(c: Parameters<typeof renderConsole>[0], err: AppError, link: { href: string; label: string }) {
  return renderConsole(c, jsx(MessageShell, { title: 'This link does not work', lines: [err.message], link }), STATUS[err.code]);
}

const isLinkError = (err: unknown): err is AppError => err instanceof AppError && (err.code === 'NOT_FOUND' || err.code === 'OTP_EXPIRED');

/**
 * The pages reached without a session: forgot password, the reset link, the email
 * verification link and the code step of a two-step sign-in (docs/account-security.md).
 *
 * @example
 * router.route('/', accountRecoveryRoutes());
 */
export function accountRecoveryRoutes() {
  const router = new Hono<ConsoleEnv>();

  router.get('/console/forgot-password', (c) => renderConsole(c, jsx(ForgotPasswordPage, { csrf: loginFormToken(c) })));

  router.post('/console/forgot-password', verifyLoginCsrf(), async function requestReset(c) {
    const form = await formOf(c);
    const email = (form.email ?? '').trim().slice(0, 254);
    if (!/^[^\s@]+@[^\s@]+$/.test(email)) {
      return renderConsole(c, jsx(ForgotPasswordPage, { csrf: loginFormToken(c), email, flash: { tone: 'bad', message: 'Enter the email you sign in with.' } }), 400);
    }
    try {
      await c.var.services.passwordReset.request(email, { client: c.get('clientKey') });
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'RATE_LIMITED') throw err;
      c.header('Retry-After', String(err.retryAfterSeconds ?? 3600));
      return renderConsole(c, jsx(ForgotPasswordPage, { csrf: loginFormToken(c), email, flash: { tone: 'bad', message: err.message } }), 429);
    }
    // The same page for every address: whether it has an account is told only in the mailbox.
    return renderConsole(c, jsx(ForgotPasswordPage, { csrf: loginFormToken(c), sent: true }));
  });

  router.get('/console/reset-password', async function resetForm(c) {
    const token = c.req.query('token') ?? '';
    try {
      const { email } = await c.var.services.passwordReset.check(token);
      return renderConsole(c, jsx(ResetPasswordPage, { csrf: loginFormToken(c), token, email, errors: {} }));
    } catch (err) {
      if (isLinkError(err)) return deadLink(c, err, { href: '/console/forgot-password', label: 'Ask for a new link' });
      throw err;
    }
  });

  router.post('/console/reset-password', verifyLoginCsrf(), async function resetPassword(c) {
    const { services } = c.var;
    const form = await formOf(c);
    const token = form.token ?? '';
    const password = form.password ?? '';
    try {
      const problem = newPasswordProblem(password);
      if (problem) {
        const { email } = await services.passwordReset.check(token);
        return renderConsole(c, jsx(ResetPasswordPage, { csrf: loginFormToken(c), token, email, errors: { password: problem } }), 400);
      }
      const { userId } = await services.passwordReset.complete(token, password);
      const user = await services.users.byId(userId);
      if (user) await recordSecurityOf(c, user, 'user.password_reset');
    } catch (err) {
      if (isLinkError(err)) return deadLink(c, err, { href: '/console/forgot-password', label: 'Ask for a new link' });
      throw err;
    }
    return c.redirect('/console/login?notice=password_reset', 303);
  });

  router.get('/console/verify-email', (c) => renderConsole(c, jsx(VerifyEmailPage, { csrf: loginFormToken(c), token: c.req.query('token') ?? '' })));

  router.post('/console/verify-email', verifyLoginCsrf(), async function verifyEmail(c) {
    const form = await formOf(c);
    try {
      const { userId, email, previous } = await c.var.services.emailVerification.confirm(form.token ?? '');
      const user = await c.var.services.users.byId(userId);
      if (user && previous !== email) await recordSecurityOf(c, user, 'user.email_verified', { email_verified: { before: previous, after: email } });
    } catch (err) {
      if (isLinkError(err)) return deadLink(c, err, { href: '/console/account/security', label: 'Go to Account security' });
      throw err;
    }
    return renderConsole(
      c,
      jsx(MessageShell, {
        title: 'Email verified',
        lines: ['Thank you: your email address is verified.'],
        link: { href: '/console/account/security', label: 'Go to Account security' },
      }),
    );
  });

  router.get('/console/login/two-factor', async function codeForm(c) {
    const next = safeNext(c.req.query('next'));
    if (!(await c.var.services.twoFactor.challengeOpen(challengeToken(c)))) return c.redirect('/console/login?notice=two_factor_over', 302);
    return renderConsole(c, jsx(TwoFactorLoginPage, { csrf: loginFormToken(c), next, errors: {} }));
  });

  router.post('/console/login/two-factor', verifyLoginCsrf(), async function answerCode(c) {
    const { services } = c.var;
    const form = await formOf(c);
    const next = safeNext(form.next);
    try {
      const { userId, recovery } = await services.twoFactor.answerChallenge(challengeToken(c), form.code ?? '');
      const user = await services.users.byId(userId);
      if (user && recovery) await recordSecurityOf(c, user, 'user.recovery_code_used');
      const account = user ? await services.accounts.get(user.account) : null;
      // A team member signs in as themselves; the account's own sign-in is its first owner.
      const member = user?.member && account ? await services.members.forSession({ member: user.member }, account) : undefined;
      if (!account || member === null) return refuse(c, 401, 'Signed out', ['This account no longer exists.'], 'UNAUTHENTICATED');
      clearChallenge(c);
      await startSession(c, account, member);
      return c.redirect(next, 303);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      if (err.code === 'UNAUTHENTICATED') {
        clearChallenge(c);
        return c.redirect('/console/login?notice=two_factor_over', 303);
      }
      if (err.code === 'RATE_LIMITED') c.header('Retry-After', String(err.retryAfterSeconds ?? 60));
      if (err.code !== 'OTP_INVALID' && err.code !== 'RATE_LIMITED') throw err;
      return renderConsole(c, jsx(TwoFactorLoginPage, { csrf: loginFormToken(c), next, errors: { code: err.message } }), STATUS[err.code]);
    }
  });

  return router;
}
