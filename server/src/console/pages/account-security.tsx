/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { FC } from 'hono/jsx';
import type { ListedSession } from '../../domain/session-list.js';
import type { ConsoleUser } from '../context.js';
import { when } from '../format.js';
import { Field, type FieldErrors } from './fields.js';
import { CsrfField, Shell, type Flash } from './layout.js';

/** An enrolment in progress: the secret as a QR code and as text. */
export interface Enrolment {
  secret: string;
  /** `data:image/svg+xml;base64,…` of the otpauth URL (the console's CSP allows data: images). */
  qrDataUrl: string;
}

/** Props of {@link AccountSecurityPage}. */
export interface AccountSecurityProps {
  user: ConsoleUser;
  emailVerified: boolean;
  twoFactor: { enabled: boolean; recoveryCodesLeft: number };
  enrolment?: Enrolment | null | undefined;
  /** Recovery codes just made: shown this once. */
  recoveryCodes?: string[] | null | undefined;
  sessions: ListedSession[];
  errors?: FieldErrors | undefined;
  flash?: Flash | undefined;
}

/** The secret in groups of four, for typing into an app by hand. */
const SecretText: FC<{ secret: string }> = ({ secret }) => (
  <p class="secret mono" id="totp-secret">
    {secret.match(/.{1,4}/g)?.join(' ')}
  </p>
);

/** A browser in words: the User-Agent is shown as it came, cut short. */
function device(userAgent: string | null): string {
  if (!userAgent) return 'Unknown browser';
  return userAgent.length > 80 ? `${userAgent.slice(0, 79)}…` : userAgent;
}

/**
 * `/console/account/security`: email verification, password change, two-step sign-in and the
 * signed-in sessions of the user who is signed in.
 *
 * @example
 * return renderConsole(c, <AccountSecurityPage user={user} emailVerified twoFactor={status} sessions={list} />);
 */
export const AccountSecurityPage: FC<AccountSecurityProps> = ({ user, emailVerified, twoFactor, enrolment, recoveryCodes, sessions, errors = {}, flash }) => (
  <Shell title="Account security" user={user} here="/console/account/security" flash={flash}>
    <h1>Account security</h1>

    <section class="card" aria-labelledby="email-h" id="email">
      <h2 id="email-h">Email address</h2>
      <p>
        <span class="mono">{user.account.email}</span> · {emailVerified ? <strong id="email-status">verified</strong> : <strong id="email-status">not verified yet</strong>}
      </p>
      {emailVerified ? null : (
        <form method="post" action="/console/account/security/email">
          <CsrfField token={user.csrf} />
          <p class="muted small">Live mode waits until you open the link we mail to this address.</p>
          <button type="submit" class="btn secondary">
            Mail me a verification link
          </button>
        </form>
      )}
    </section>

    <section class="card" aria-labelledby="password-h" id="password">
      <h2 id="password-h">Change password</h2>
      <form method="post" action="/console/account/security/password" novalidate>
        <CsrfField token={user.csrf} />
        <input type="hidden" name="username" value={user.account.email} autocomplete="username" />
        <Field name="current_password" label="Current password" type="password" errors={errors} autocomplete="current-password" required />
        <Field
          name="new_password"
          label="New password"
          type="password"
          errors={errors}
          autocomplete="new-password"
          required
          hint="At least 10 characters. Other browsers are signed out."
        />
        <button type="submit" class="btn">
          Change password
        </button>
      </form>
    </section>

    <section class="card" aria-labelledby="tfa-h" id="two-factor">
      <h2 id="tfa-h">Two-step sign-in</h2>
      {recoveryCodes ? (
        <>
          <div class="banner warn">Save these recovery codes now: they are shown only this once. Each signs you in once if you lose your phone.</div>
          <ul class="mono" id="recovery-codes">
            {recoveryCodes.map((code) => (
              <li>{code}</li>
            ))}
          </ul>
        </>
      ) : null}
      {twoFactor.enabled ? (
        <>
          <p id="tfa-status">On. Sign-in asks for a code from your authenticator app. Recovery codes left: {twoFactor.recoveryCodesLeft}.</p>
          <form method="post" action="/console/account/security/two-factor/disable" novalidate>
            <CsrfField token={user.csrf} />
            <Field name="password" label="Password" type="password" errors={errors} autocomplete="current-password" required />
            <Field name="code" label="Code from your app, or a recovery code" errors={errors} autocomplete="one-time-code" required maxlength={20} />
            <button type="submit" class="btn danger">
              Turn off two-step sign-in
            </button>
          </form>
        </>
      ) : enrolment ? (
        <form method="post" action="/console/account/security/two-factor/confirm" novalidate>
          <CsrfField token={user.csrf} />
          <p>Scan this code with an authenticator app, or type the key below into it.</p>
          <img src={enrolment.qrDataUrl} alt="QR code for your authenticator app" width={200} height={200} id="totp-qr" />
          <SecretText secret={enrolment.secret} />
          <Field name="code" label="The 6-digit code the app shows" errors={errors} autocomplete="one-time-code" inputmode="numeric" required maxlength={7} />
          <button type="submit" class="btn">
            Turn on two-step sign-in
          </button>
        </form>
      ) : (
        <form method="post" action="/console/account/security/two-factor/start">
          <CsrfField token={user.csrf} />
          <p id="tfa-status">Off. Owners need it before switching to live mode.</p>
          <button type="submit" class="btn">
            Set up an authenticator app
          </button>
        </form>
      )}
    </section>

    <section class="card" aria-labelledby="sessions-h" id="sessions">
      <h2 id="sessions-h">Where you are signed in</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">Browser</th>
            <th scope="col">Address</th>
            <th scope="col">Last seen</th>
            <th scope="col">
              <span class="visually-hidden">Action</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {sessions.map((s) => (
            <tr data-session={s.ref}>
              <td>{device(s.userAgent)}</td>
              <td class="mono">{s.ip ?? 'unknown'}</td>
              <td>{when(s.lastSeenAt, 'Asia/Kolkata')}</td>
              <td>
                {s.current ? (
                  <strong>This browser</strong>
                ) : (
                  <form method="post" action={`/console/account/security/sessions/${s.ref}/end`} class="inline">
                    <CsrfField token={user.csrf} />
                    <button type="submit" class="linkbtn">
                      Sign out
                    </button>
                  </form>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {sessions.length > 1 ? (
        <form method="post" action="/console/account/security/sessions/end-others">
          <CsrfField token={user.csrf} />
          <button type="submit" class="btn secondary">
            Sign out everywhere else
          </button>
        </form>
      ) : null}
    </section>
  </Shell>
);
