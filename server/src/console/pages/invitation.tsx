/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { FC } from 'hono/jsx';
import type { InvitationDoc } from '../../domain/invitations.js';
import { ROLE_LABELS } from '../../domain/permissions.js';
import { ErrorSummary, Field, type FieldErrors } from './fields.js';
import { CsrfField, Shell, type Flash } from './layout.js';

/** Why an invitation link does not work, in words. */
export const INVITATION_PROBLEMS = {
  invalid: 'This invitation link is not valid. Check that the whole link was copied, or ask for a new invitation.',
  expired: 'This invitation has expired: links work for 7 days. Ask whoever invited you for a new one.',
  used: 'This invitation was already accepted. Sign in with the email and password chosen then.',
} as const;

/**
 * `/console/invitations/<token>`: choose a name and password to join the team.
 *
 * @example
 * return renderConsole(c, <AcceptInvitationPage csrf={token} path={path} invitation={inv} accountName="Asha Events" errors={{}} />);
 */
export const AcceptInvitationPage: FC<{
  csrf: string;
  path: string;
  invitation: InvitationDoc;
  accountName: string;
  name?: string;
  errors: FieldErrors;
  flash?: Flash | undefined;
}> = ({ csrf, path, invitation, accountName, name, errors, flash }) => (
  <Shell title="Join the team" flash={flash}>
    <section class="card auth">
      <p class="brand-line">Trendy Tickets</p>
      <h1>Join {accountName}</h1>
      <p>
        You are invited as <strong>{invitation.role}</strong> ({ROLE_LABELS[invitation.role]}). You will sign in as <span class="mono">{invitation.email}</span>.
      </p>
      <ErrorSummary errors={errors} labels={(f) => (f === 'name' ? 'Your name' : 'Password')} />
      <form method="post" action={path} novalidate>
        <CsrfField token={csrf} />
        <Field name="name" label="Your name" value={name ?? ''} errors={errors} autocomplete="name" required />
        <Field name="password" label="Password" type="password" errors={errors} autocomplete="new-password" hint="At least 10 characters." required />
        <button type="submit" class="btn wide">
          Join and sign in
        </button>
      </form>
    </section>
  </Shell>
);
