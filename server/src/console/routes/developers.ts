import { z } from 'zod';
import { PERMISSIONS } from '../../domain/permissions.js';
import { auditContext } from '../../http/audit-context.js';
import type { KeyKind } from '@trendy-tickets/sdk';
import { Hono } from 'hono';
import { jsx } from 'hono/jsx';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { AppError, notFound } from '../../kernel/errors.js';
import { idPattern } from '../../kernel/ids.js';
import { STATUS } from '../../http/errors.js';
import type { ConsoleContext, ConsoleEnv } from '../context.js';
import { formOf, renderConsole } from '../middleware.js';
import { noticeFrom } from '../notice.js';
import { DevelopersPage, RevokeKeyPage, type RevealedKey } from '../pages/developers.js';
import type { FieldErrors } from '../pages/fields.js';
import type { Flash } from '../pages/layout.js';
import { checkPassword } from '../passwords.js';
import { rememberPublishableKey } from '../sessions.js';

const KEY_ID = idPattern('key');

/** A restricted key's form: a name, and at least one permission (team permissions are for people, not keys). */
const RestrictedKeyForm = z.object({
  name: z.string().trim().min(1, 'give it a name').max(80, 'is too long'),
  permissions: z
    .array(z.enum(PERMISSIONS).refine((p) => !p.startsWith('team:'), 'is for team members, not keys'))
    .min(1, 'tick at least one')
    .max(PERMISSIONS.length),
});
const ACTION = /^(create|roll):(secret|publishable)$/;

const NOTICES: Record<string, Flash> = { revoked: { tone: 'info', message: 'Key revoked: requests with it are refused from now on.' } };

async function showDevelopers(c: ConsoleContext, extra: { revealed?: RevealedKey; errors?: FieldErrors; flash?: Flash; status?: ContentfulStatusCode } = {}) {
  const { user, services, deps } = c.var;
  const mode = user.owner.livemode ? 'live' : 'test';
  const keys = (await services.accounts.listKeys(user.owner.account)).filter((k) => k.mode === mode);
  const mailboxUrl = deps.mailbox !== null && deps.config.env !== 'production' ? `${deps.config.publicUrl}/dev/mailbox` : null;
  const flash = extra.flash ?? noticeFrom(NOTICES, c);
  return renderConsole(
    c,
    jsx(DevelopersPage, { user, keys, publicUrl: deps.config.publicUrl, mailboxUrl, revealed: extra.revealed, errors: extra.errors, flash }),
    extra.status ?? 200,
  );
}

/**
 * Live keys move real money: as `POST /v1/keys/roll` does for crossing modes, changing them
 * needs the account password, checked through the password guard so it cannot be guessed
 * here either. Returns the problem to show, or null when the change may go ahead.
 */
async function passwordProblem(
  c: ConsoleContext,
  live: boolean,
  password: string | undefined,
): Promise<{ errors?: FieldErrors; flash?: Flash; status: ContentfulStatusCode } | null> {
  if (!live) return null;
  if (!password) return { errors: { password: 'enter your password to change live keys' }, status: 400 };
  const { user } = c.var;
  try {
    const { account } = await checkPassword(c, user.member.email, password);
    return account._id === user.account._id ? null : { errors: { password: 'that is not your password' }, status: 403 };
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    if (err.code === 'UNAUTHENTICATED') return { errors: { password: 'that is not your password' }, status: 403 };
    if (err.code === 'RATE_LIMITED') {
      c.header('Retry-After', String(err.retryAfterSeconds ?? 60));
      return { flash: { tone: 'bad', message: err.message }, status: 429 };
    }
    throw err;
  }
}

/**
 * The Developers page: keys of the current mode (create, roll, revoke; shown once), a sample
 * call, and the mailbox link outside production.
 *
 * @example
 * router.route('/', developerRoutes());
 */
export function developerRoutes() {
  const router = new Hono<ConsoleEnv>();

  router.get('/console/developers', (c) => showDevelopers(c));

  router.post('/console/developers/keys', async function changeKeys(c) {
    const { user, services } = c.var;
    const form = await formOf(c);
    const action = ACTION.exec(form.action ?? '');
    if (!action) return showDevelopers(c, { flash: { tone: 'bad', message: 'Choose what to do with your keys.' }, status: 400 });
    const problem = await passwordProblem(c, user.owner.livemode, form.password);
    if (problem) return showDevelopers(c, problem);
    const kind = action[2] as KeyKind;
    const mode = user.owner.livemode ? 'live' : 'test';
    const rolled = action[1] === 'roll';
    let made: Awaited<ReturnType<typeof services.accounts.createKey>>;
    try {
      made = rolled
        ? await services.accounts.rollKey(user.owner.account, kind, mode, auditContext(c))
        : await services.accounts.createKey(user.owner.account, kind, mode, auditContext(c));
    } catch (err) {
      // Another roll overtook this one (another tab, or the API): its key is the one that works.
      if (err instanceof AppError && err.code === 'CONFLICT') return showDevelopers(c, { flash: { tone: 'bad', message: err.message }, status: 409 });
      throw err;
    }
    if (kind === 'publishable') rememberPublishableKey(c, user.owner.livemode, made.raw);
    return showDevelopers(c, { revealed: { kind, raw: made.raw, rolled } });
  });

  router.post('/console/developers/restricted-keys', async function createRestrictedKey(c) {
    const { user, services } = c.var;
    const body = await c.req.parseBody({ all: true });
    const chosen = body.permissions === undefined ? [] : Array.isArray(body.permissions) ? body.permissions : [body.permissions];
    const parsed = RestrictedKeyForm.safeParse({ name: typeof body.name === 'string' ? body.name : '', permissions: chosen });
    if (!parsed.success) {
      const errors: FieldErrors = {};
      for (const issue of parsed.error.issues) errors[String(issue.path[0] ?? 'name')] ??= issue.message;
      return showDevelopers(c, { errors, status: 400 });
    }
    const problem = await passwordProblem(c, user.owner.livemode, typeof body.password === 'string' ? body.password : undefined);
    if (problem) return showDevelopers(c, problem);
    const made = await services.accounts.createRestrictedKey(user.owner.account, user.owner.livemode ? 'live' : 'test', parsed.data);
    return showDevelopers(c, { revealed: { kind: 'restricted', raw: made.raw, rolled: false } });
  });

  router.post('/console/developers/keys/:id/roll', async function rollRestrictedKey(c) {
    const { user, services } = c.var;
    const id = c.req.param('id');
    const apiKey = KEY_ID.test(id) ? (await services.accounts.listKeys(user.owner.account)).find((k) => k._id === id && k.permissions) : undefined;
    if (!apiKey) throw notFound('restricted key', id);
    const problem = await passwordProblem(c, apiKey.mode === 'live', (await formOf(c)).password);
    if (problem) return showDevelopers(c, problem);
    const made = await services.accounts.rollRestrictedKey(user.owner.account, apiKey._id);
    return showDevelopers(c, { revealed: { kind: 'restricted', raw: made.raw, rolled: true } });
  });

  router.get('/console/developers/keys/:id/revoke', async function revokeKeyPage(c) {
    const { user, services } = c.var;
    const apiKey = (await services.accounts.listKeys(user.owner.account)).find((k) => k._id === c.req.param('id'));
    if (!apiKey) throw notFound('API key', c.req.param('id'));
    return renderConsole(c, jsx(RevokeKeyPage, { user, apiKey, errors: {} }));
  });

  router.post('/console/developers/keys/:id/revoke', async function revokeKey(c) {
    const { user, services } = c.var;
    const id = c.req.param('id');
    const apiKey = KEY_ID.test(id) ? (await services.accounts.listKeys(user.owner.account)).find((k) => k._id === id) : undefined;
    if (!apiKey) throw notFound('API key', id);
    const form = await formOf(c);
    const again = (errors: FieldErrors, status: ContentfulStatusCode, flash?: Flash) => renderConsole(c, jsx(RevokeKeyPage, { user, apiKey, errors, flash }), status);
    if (form.confirm !== 'on') return again({ confirm: 'Tick the box to confirm.' }, 400);
    const problem = await passwordProblem(c, apiKey.mode === 'live', form.password);
    if (problem) return again(problem.errors ?? {}, problem.status, problem.flash);
    try {
      await services.accounts.revokeKey(user.owner.account, apiKey._id, auditContext(c));
    } catch (err) {
      if (err instanceof AppError && STATUS[err.code] < 500) return again({}, STATUS[err.code], { tone: 'bad', message: err.message });
      throw err;
    }
    return c.redirect('/console/developers?notice=revoked', 303);
  });

  return router;
}
