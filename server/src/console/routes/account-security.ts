import { Hono } from 'hono';
import { jsx } from 'hono/jsx';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { qrSvg } from '../../delivery/qr.js';
import { AppError } from '../../kernel/errors.js';
import { STATUS } from '../../http/errors.js';
import type { ConsoleContext, ConsoleEnv } from '../context.js';
import { formOf, renderConsole } from '../middleware.js';
import { noticeFrom } from '../notice.js';
import { AccountSecurityPage, type Enrolment } from '../pages/account-security.js';
import type { FieldErrors } from '../pages/fields.js';
import type { Flash } from '../pages/layout.js';
import { checkPassword } from '../passwords.js';
import { recordOwnSecurity } from '../security-audit.js';
import { newPasswordProblem } from './account-recovery.js';

const PAGE = '/console/account/security';
const SESSION_REF = /^[0-9a-f]{24}$/;

const NOTICES: Record<string, Flash> = {
  password_changed: { tone: 'ok', message: 'Password changed. Every other browser is signed out.' },
  verification_sent: { tone: 'info', message: 'A verification link is on its way to your email. It works once, for 24 hours.' },
  already_verified: { tone: 'info', message: 'Your email address is already verified.' },
  session_ended: { tone: 'ok', message: 'That browser is signed out.' },
  others_ended: { tone: 'ok', message: 'Every other browser is signed out.' },
  two_factor_off: { tone: 'info', message: 'Two-step sign-in is off. Live mode needs it on again.' },
};

/** The signed-in user as account security knows them (today the account; see domain/sign-in-users.ts). */
async function signedInUser(c: ConsoleContext) {
  const user = await c.var.services.users.ofSession(c.var.user.session);
  if (!user) throw new AppError('UNAUTHENTICATED', 'Your session has ended. Sign in again.');
  return user;
}

function qrDataUrl(url: string): string {
  return `data:image/svg+xml;base64,${Buffer.from(qrSvg(url, { size: 200 })).toString('base64')}`;
}

async function showPage(
  c: ConsoleContext,
  extra: { errors?: FieldErrors; flash?: Flash; status?: ContentfulStatusCode; enrolment?: Enrolment | null; recoveryCodes?: string[] } = {},
): Promise<Response> {
  const { services } = c.var;
  const user = await signedInUser(c);
  const [emailVerified, twoFactor, sessions, pending] = await Promise.all([
    services.emailVerification.isVerified(user),
    services.twoFactor.status(user.id),
    services.sessionList.list(user.id, c.var.user.session._id),
    extra.enrolment === undefined ? services.twoFactor.pendingSecret(user.id, user.email) : Promise.resolve(null),
  ]);
  const enrolment = extra.enrolment ?? (pending ? { secret: pending.secret, qrDataUrl: qrDataUrl(pending.url) } : null);
  return renderConsole(
    c,
    jsx(AccountSecurityPage, {
      user: c.var.user,
      emailVerified,
      twoFactor,
      enrolment,
      recoveryCodes: extra.recoveryCodes ?? null,
      sessions,
      errors: extra.errors,
      flash: extra.flash ?? noticeFrom(NOTICES, c),
    }),
    extra.status ?? 200,
  );
}

/** A password typed on this page, through the password guard; the problem to show, or null. */
async function passwordProblem(
  c: ConsoleContext,
  field: string,
  password: string | undefined,
): Promise<{ errors?: FieldErrors; flash?: Flash; status: ContentfulStatusCode } | null> {
  if (!password) return { errors: { [field]: 'enter your password' }, status: 400 };
  try {
    const user = await signedInUser(c);
    const { account, member } = await checkPassword(c, user.email, password);
    // The password must be this user's own: the account's, or this team member's.
    const same = account._id === user.account && (member?._id ?? undefined) === user.member;
    return same ? null : { errors: { [field]: 'that is not your password' }, status: 403 };
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    if (err.code === 'UNAUTHENTICATED') return { errors: { [field]: 'that is not your password' }, status: 403 };
    if (err.code === 'RATE_LIMITED') {
      c.header('Retry-After', String(err.retryAfterSeconds ?? 60));
      return { flash: { tone: 'bad', message: err.message }, status: 429 };
    }
    throw err;
  }
}

/**
 * The Account security page of the signed-in user: verify the email, change the password,
 * two-step sign-in on and off, and the sessions list (docs/account-security.md).
 *
 * @example
 * router.route('/', accountSecurityRoutes());
 */
export function accountSecurityRoutes() {
  const router = new Hono<ConsoleEnv>();

  router.get(PAGE, (c) => showPage(c));

  router.post(`${PAGE}/email`, async function sendVerification(c) {
    const user = await signedInUser(c);
    const { sent } = await c.var.services.emailVerification.send(user.id);
    return c.redirect(`${PAGE}?notice=${sent ? 'verification_sent' : 'already_verified'}`, 303);
  });

  router.post(`${PAGE}/password`, async function changePassword(c) {
    const form = await formOf(c);
    const problem = await passwordProblem(c, 'current_password', form.current_password);
    if (problem) return showPage(c, problem);
    const newProblem = newPasswordProblem(form.new_password ?? '');
    if (newProblem) return showPage(c, { errors: { new_password: newProblem }, status: 400 });
    const user = await signedInUser(c);
    await c.var.services.setNewPassword(user.id, form.new_password as string, { keepSession: c.var.user.session._id });
    await recordOwnSecurity(c, 'user.password_changed');
    return c.redirect(`${PAGE}?notice=password_changed`, 303);
  });

  router.post(`${PAGE}/two-factor/start`, async function startEnrolment(c) {
    const user = await signedInUser(c);
    const { secret, url } = await c.var.services.twoFactor.startEnrolment(user.id, user.email);
    return showPage(c, { enrolment: { secret, qrDataUrl: qrDataUrl(url) } });
  });

  router.post(`${PAGE}/two-factor/confirm`, async function confirmEnrolment(c) {
    const user = await signedInUser(c);
    const form = await formOf(c);
    try {
      const { recoveryCodes } = await c.var.services.twoFactor.confirmEnrolment(user.id, form.code ?? '');
      await recordOwnSecurity(c, 'user.two_factor_enabled', { two_factor: { before: false, after: true } });
      return showPage(c, { recoveryCodes, flash: { tone: 'ok', message: 'Two-step sign-in is on.' } });
    } catch (err) {
      if (!(err instanceof AppError) || STATUS[err.code] >= 500) throw err;
      if (err.code === 'RATE_LIMITED') c.header('Retry-After', String(err.retryAfterSeconds ?? 60));
      return showPage(c, { errors: { code: err.message }, status: STATUS[err.code] });
    }
  });

  router.post(`${PAGE}/two-factor/disable`, async function disable(c) {
    const user = await signedInUser(c);
    const form = await formOf(c);
    const problem = await passwordProblem(c, 'password', form.password);
    if (problem) return showPage(c, problem);
    let recovery = false;
    try {
      ({ recovery } = await c.var.services.twoFactor.verifyCode(user.id, form.code ?? ''));
    } catch (err) {
      if (!(err instanceof AppError) || (err.code !== 'OTP_INVALID' && err.code !== 'RATE_LIMITED')) throw err;
      if (err.code === 'RATE_LIMITED') c.header('Retry-After', String(err.retryAfterSeconds ?? 60));
      return showPage(c, { errors: { code: err.message }, status: STATUS[err.code] });
    }
    await c.var.services.twoFactor.disable(user.id);
    if (recovery) await recordOwnSecurity(c, 'user.recovery_code_used');
    await recordOwnSecurity(c, 'user.two_factor_disabled', { two_factor: { before: true, after: false } });
    return c.redirect(`${PAGE}?notice=two_factor_off`, 303);
  });

  router.post(`${PAGE}/sessions/end-others`, async function endOthers(c) {
    const user = await signedInUser(c);
    const ended = await c.var.services.sessionList.endOthers(user.id, c.var.user.session._id);
    if (ended > 0) await recordOwnSecurity(c, 'session.ended_others', { sessions: { before: ended + 1, after: 1 } });
    return c.redirect(`${PAGE}?notice=others_ended`, 303);
  });

  router.post(`${PAGE}/sessions/:ref/end`, async function endOne(c) {
    const user = await signedInUser(c);
    const ref = c.req.param('ref');
    if (!SESSION_REF.test(ref) || !(await c.var.services.sessionList.end(user.id, ref))) {
      return showPage(c, { flash: { tone: 'bad', message: 'That session has already ended.' }, status: 404 });
    }
    // The list's reference (a hash of the session id), never the id itself.
    await recordOwnSecurity(c, 'session.ended', { session: { before: ref, after: null } });
    return c.redirect(`${PAGE}?notice=session_ended`, 303);
  });

  return router;
}
