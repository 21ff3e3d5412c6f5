import { auditRequest } from '../../http/audit-context.js';
import { Hono } from 'hono';
import { jsx } from 'hono/jsx';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { CreateAccountBody } from '../../http/schemas/accounts.js';
import { invitationPath, type InvitationDoc } from '../../domain/invitations.js';
import { AppError } from '../../kernel/errors.js';
import type { ConsoleContext, ConsoleEnv } from '../context.js';
import { formOf, renderConsole, verifyLoginCsrf } from '../middleware.js';
import type { FieldErrors } from '../pages/fields.js';
import { AcceptInvitationPage, INVITATION_PROBLEMS } from '../pages/invitation.js';
import { MessageShell } from '../pages/layout.js';
import { loginFormToken, startSession } from '../sessions.js';

const AcceptBody = CreateAccountBody.pick({ name: true, password: true });

/** The refusal page for a link that does not work: 404 for a forged one, 410 for one that was good. */
function problemPage(c: ConsoleContext, status: 'invalid' | 'expired' | 'used') {
  const title = status === 'invalid' ? 'Invitation not found' : status === 'expired' ? 'Invitation expired' : 'Invitation already used';
  return renderConsole(
    c,
    jsx(MessageShell, { title, lines: [INVITATION_PROBLEMS[status]], link: { href: '/console/login', label: 'Go to sign-in' } }),
    status === 'invalid' ? 404 : 410,
  );
}

async function showForm(c: ConsoleContext, token: string, invitation: InvitationDoc, extra: { name?: string; errors?: FieldErrors; status?: ContentfulStatusCode } = {}) {
  const account = await c.var.services.accounts.get(invitation.account);
  return renderConsole(
    c,
    jsx(AcceptInvitationPage, {
      csrf: loginFormToken(c),
      path: invitationPath(token),
      invitation,
      accountName: account?.name ?? 'the team',
      name: extra.name,
      errors: extra.errors ?? {},
    }),
    extra.status ?? 200,
  );
}

/**
 * The invitation link's page (`/console/invitations/<token>`): a form for a name and a
 * password; accepting creates the member and signs them in. A forged, expired or used link
 * gets a page that says which. No session is needed, and the form is CSRF-checked like sign-in.
 *
 * @example
 * router.route('/', invitationRoutes());
 */
export function invitationRoutes() {
  const router = new Hono<ConsoleEnv>();

  router.get('/console/invitations/:token', async function invitationPage(c) {
    const token = c.req.param('token');
    const check = await c.var.services.members.checkInvitation(token);
    if (check.status !== 'valid') return problemPage(c, check.status);
    return showForm(c, token, check.invitation);
  });

  router.post('/console/invitations/:token', verifyLoginCsrf(), async function acceptInvitation(c) {
    const { services } = c.var;
    const token = c.req.param('token');
    const check = await services.members.checkInvitation(token);
    if (check.status !== 'valid') return problemPage(c, check.status);
    const form = await formOf(c);
    const parsed = AcceptBody.safeParse({ name: form.name ?? '', password: form.password ?? '' });
    if (!parsed.success) {
      const errors: FieldErrors = {};
      for (const issue of parsed.error.issues) errors[String(issue.path[0] ?? 'name')] ??= issue.message;
      return showForm(c, token, check.invitation, { name: form.name, errors, status: 400 });
    }
    try {
      const { member, account } = await services.members.accept(token, parsed.data, auditRequest(c));
      await startSession(c, account, member);
    } catch (err) {
      // Accepted or withdrawn between the check and the claim.
      if (err instanceof AppError && err.code === 'NOT_FOUND') return problemPage(c, 'used');
      if (err instanceof AppError && err.code === 'CONFLICT') return renderConsole(c, jsx(MessageShell, { title: 'Email already in use', lines: [err.message] }), 409);
      throw err;
    }
    return c.redirect('/console', 303);
  });

  return router;
}
