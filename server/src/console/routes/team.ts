import { auditContext } from '../../http/audit-context.js';
import { Hono } from 'hono';
import { jsx } from 'hono/jsx';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from 'zod';
import { grantOf } from '../../domain/actors.js';
import { ownerMemberId } from '../../domain/members.js';
import { can, ROLES, type Role } from '../../domain/permissions.js';
import { AppError } from '../../kernel/errors.js';
import { idPattern } from '../../kernel/ids.js';
import type { ConsoleContext, ConsoleEnv } from '../context.js';
import { renderConsole } from '../middleware.js';
import { noticeFrom } from '../notice.js';
import type { FieldErrors } from '../pages/fields.js';
import type { Flash } from '../pages/layout.js';
import { TeamPage } from '../pages/team.js';

const MEMBER_ID = idPattern('mem');
const INVITATION_ID = idPattern('tinv');
const EVENT_ID = idPattern('evt');
/** Events offered for door assignment: the newest of the current mode. */
const ASSIGNABLE_EVENTS = 50;

const NOTICES: Record<string, Flash> = {
  invited: { tone: 'ok', message: 'Invitation sent. The link works once, for 7 days.' },
  saved: { tone: 'ok', message: 'Saved. The member was signed out and signs in again with the new role.' },
  removed: { tone: 'info', message: 'Member removed: they were signed out at once.' },
  withdrawn: { tone: 'info', message: 'Invitation withdrawn: its link no longer works.' },
};

const TeamForm = z.object({
  role: z.enum(ROLES, { message: 'choose a role' }),
  events: z.array(z.string().regex(EVENT_ID, 'is not an event')).max(ASSIGNABLE_EVENTS).default([]),
});
const InviteForm = TeamForm.extend({ email: z.string().trim().max(254).pipe(z.email('must be an email address')) });

/** The posted form, with `events` as a list however many boxes were ticked. */
async function teamFormOf(c: ConsoleContext): Promise<Record<string, unknown>> {
  const body = await c.req.parseBody({ all: true });
  const events = body.events;
  return { ...body, events: events === undefined ? [] : Array.isArray(events) ? events : [events] };
}

async function showTeam(c: ConsoleContext, extra: { errors?: FieldErrors; flash?: Flash; status?: ContentfulStatusCode } = {}) {
  const { user, services } = c.var;
  const [members, invitations, events] = await Promise.all([
    services.members.list(user.owner, user.account),
    services.members.invitations(user.owner),
    services.events.list(user.owner, { limit: ASSIGNABLE_EVENTS }),
  ]);
  const ownerRights = can(grantOf(user.actor), 'team:owners');
  const locked = new Set(members.filter((m) => m._id === ownerMemberId(user.account._id) || m._id === user.member._id || (m.role === 'owner' && !ownerRights)).map((m) => m._id));
  const grantable: Role[] = ROLES.filter((r) => r !== 'owner' || ownerRights);
  return renderConsole(
    c,
    jsx(TeamPage, { user, members, invitations, events: events.data, locked, grantable, errors: extra.errors, flash: extra.flash ?? noticeFrom(NOTICES, c) }),
    extra.status ?? 200,
  );
}

function memberIdOf(c: ConsoleContext): string {
  const id = c.req.param('id') ?? '';
  if (!MEMBER_ID.test(id)) throw new AppError('NOT_FOUND', `No such member: '${id}'`);
  return id;
}

/**
 * The Team page: members and their roles, invitations, a door member's events. Every change
 * goes through `services.members`, which the permission guard lets through only for
 * `team:manage` (and touching owners only for `team:owners`).
 *
 * @example
 * router.route('/', teamRoutes());
 */
export function teamRoutes() {
  const router = new Hono<ConsoleEnv>();

  router.get('/console/team', (c) => showTeam(c));

  router.post('/console/team/invitations', async function invite(c) {
    const { user, services } = c.var;
    const parsed = InviteForm.safeParse(await teamFormOf(c));
    if (!parsed.success) {
      const errors: FieldErrors = {};
      for (const issue of parsed.error.issues) errors[String(issue.path[0] ?? 'email')] ??= issue.message;
      return showTeam(c, { errors, status: 400 });
    }
    try {
      await services.members.invite(user.owner, user.actor, parsed.data, auditContext(c));
    } catch (err) {
      if (err instanceof AppError && err.code === 'CONFLICT') return showTeam(c, { errors: { email: err.message }, status: 409 });
      throw err;
    }
    return c.redirect('/console/team?notice=invited', 303);
  });

  router.post('/console/team/invitations/:id/revoke', async function withdraw(c) {
    const id = c.req.param('id');
    if (INVITATION_ID.test(id)) await c.var.services.members.revokeInvitation(c.var.user.owner, id, auditContext(c));
    return c.redirect('/console/team?notice=withdrawn', 303);
  });

  router.post('/console/team/members/:id', async function saveMember(c) {
    const { user, services } = c.var;
    const parsed = TeamForm.safeParse(await teamFormOf(c));
    if (!parsed.success) return showTeam(c, { flash: { tone: 'bad', message: parsed.error.issues[0]?.message ?? 'That form could not be read.' }, status: 400 });
    await services.members.changeRole(user.owner, user.actor, memberIdOf(c), parsed.data.role, parsed.data.events, auditContext(c));
    return c.redirect('/console/team?notice=saved', 303);
  });

  router.post('/console/team/members/:id/remove', async function removeMember(c) {
    const { user, services } = c.var;
    await services.members.remove(user.owner, user.actor, memberIdOf(c), auditContext(c));
    return c.redirect('/console/team?notice=removed', 303);
  });

  return router;
}
