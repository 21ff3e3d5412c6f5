/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { FC } from 'hono/jsx';
import { Field, type FieldErrors } from './fields.js';
import { CsrfField, Shell, type Flash } from './layout.js';

/** The words after a reset request, the same whether or not the address has an account. */
export const RESET_REQUESTED =
  'If an account uses that address, a link to choose a new password is on its way. It works once, for 30 minutes. Check your spam folder if nothing arrives.';

/**
 * `/console/forgot-password`: the address to mail a reset link to.
 *
 * @example
 * return renderConsole(c, <ForgotPasswordPage csrf={token} />);
 */
export const ForgotPasswordPage: FC<{ csrf: string; email?: string; flash?: Flash | undefined; sent?: boolean }> = ({ csrf, email, flash, sent }) => (
  <Shell title="Reset your password" flash={flash}>
    <section class="card auth">
      <p class="brand-line">Trendy Tickets</p>
      <h1>Reset your password</h1>
      {sent ? (
        <p id="reset-requested">{RESET_REQUESTED}</p>
      ) : (
        <form method="post" action="/console/forgot-password" novalidate>
          <CsrfField token={csrf} />
          <p class="muted">Enter the email you sign in with. We will mail you a link to choose a new password.</p>
          <Field name="email" label="Email" type="email" value={email ?? ''} autocomplete="username" required autofocus />
          <button type="submit" class="btn wide">
            Mail me a reset link
          </button>
        </form>
      )}
      <p class="muted small">
        <a href="/console/login">Back to sign in</a>
      </p>
    </section>
  </Shell>
);

/**
 * `/console/reset-password?token=…`: the new password, for the address the link was mailed to.
 *
 * @example
 * return renderConsole(c, <ResetPasswordPage csrf={csrf} token={token} email={email} errors={{}} />);
 */
export const ResetPasswordPage: FC<{ csrf: string; token: string; email: string; errors: FieldErrors }> = ({ csrf, token, email, errors }) => (
  <Shell title="Choose a new password">
    <section class="card auth">
      <p class="brand-line">Trendy Tickets</p>
      <h1>Choose a new password</h1>
      <p class="muted">
        For <span class="mono">{email}</span>. Every browser signed in to this account is signed out.
      </p>
      <form method="post" action="/console/reset-password" novalidate>
        <CsrfField token={csrf} />
        <input type="hidden" name="token" value={token} />
        <input type="hidden" name="username" value={email} autocomplete="username" />
        <Field name="password" label="New password" type="password" errors={errors} autocomplete="new-password" required autofocus hint="At least 10 characters." />
        <button type="submit" class="btn wide">
          Set the new password
        </button>
      </form>
    </section>
  </Shell>
);

/**
 * `/console/verify-email?token=…`: one button that confirms the address (a mail scanner that
 * opens the link does not verify anything).
 *
 * @example
 * return renderConsole(c, <VerifyEmailPage csrf={csrf} token={token} />);
 */
export const VerifyEmailPage: FC<{ csrf: string; token: string }> = ({ csrf, token }) => (
  <Shell title="Verify your email">
    <section class="card auth">
      <p class="brand-line">Trendy Tickets</p>
      <h1>Verify your email address</h1>
      <form method="post" action="/console/verify-email">
        <CsrfField token={csrf} />
        <input type="hidden" name="token" value={token} />
        <button type="submit" class="btn wide">
          Verify my email address
        </button>
      </form>
    </section>
  </Shell>
);

/**
 * `/console/login/two-factor`: the second step of signing in, a code from the app or a recovery code.
 *
 * @example
 * return renderConsole(c, <TwoFactorLoginPage csrf={csrf} next="/console" errors={{}} />);
 */
export const TwoFactorLoginPage: FC<{ csrf: string; next: string; errors: FieldErrors; flash?: Flash | undefined }> = ({ csrf, next, errors, flash }) => (
  <Shell title="Two-step sign-in" flash={flash}>
    <section class="card auth">
      <p class="brand-line">Trendy Tickets</p>
      <h1>Enter your sign-in code</h1>
      <form method="post" action="/console/login/two-factor" novalidate>
        <CsrfField token={csrf} />
        <input type="hidden" name="next" value={next} />
        <Field
          name="code"
          label="Code"
          errors={errors}
          autocomplete="one-time-code"
          inputmode="numeric"
          required
          autofocus
          maxlength={20}
          hint="The 6-digit code your authenticator app shows, or one of your recovery codes."
        />
        <button type="submit" class="btn wide">
          Sign in
        </button>
      </form>
      <p class="muted small">
        <a href="/console/login">Start again</a>
      </p>
    </section>
  </Shell>
);
