/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { FC } from 'hono/jsx';
import type { ConsoleUser } from '../context.js';
import { ErrorSummary, Field, type FieldErrors } from './fields.js';
import { CsrfField, Shell, type Flash } from './layout.js';

/** Props of {@link LoginPage}. */
export interface LoginPageProps {
  csrf: string;
  next: string;
  email?: string;
  flash?: Flash | undefined;
  /** The demo organizer's sign-in, on a development server that has one; absent otherwise. */
  demo?: { email: string; password: string } | null | undefined;
}

/**
 * The development server's demo banner: who the demo organizer is, and a one-click sign-in
 * (a POST with the sign-in form's CSRF token, like the form below it).
 */
const DemoBanner: FC<{ csrf: string; next: string; email: string; password: string }> = ({ csrf, next, email, password }) => (
  <section class="banner info plain demo-banner" aria-labelledby="demo-title">
    <h2 id="demo-title">Development server</h2>
    <p>
      A demo organizer with a test event is ready: <span class="mono">{email}</span> / <span class="mono">{password}</span>.
    </p>
    <form method="post" action="/console/login/demo">
      <CsrfField token={csrf} />
      <input type="hidden" name="next" value={next} />
      <button type="submit" class="btn">
        Sign in as the demo organizer
      </button>
    </form>
  </section>
);

/**
 * `/console/login`: email and password. Every failure reads the same whether or not the
 * email has an account. On a development server with the demo organizer, a banner above
 * the form signs in as the demo in one click.
 *
 * @example
 * return renderConsole(c, <LoginPage csrf={token} next="/console" />);
 */
export const LoginPage: FC<LoginPageProps> = ({ csrf, next, email, flash, demo }) => (
  <Shell title="Sign in" flash={flash}>
    <section class="card auth">
      <p class="brand-line">Trendy Tickets</p>
      <h1>Sign in to the console</h1>
      {demo ? <DemoBanner csrf={csrf} next={next} email={demo.email} password={demo.password} /> : null}
      <form method="post" action="/console/login" novalidate>
        <CsrfField token={csrf} />
        <input type="hidden" name="next" value={next} />
        <Field name="email" label="Email" type="email" value={email ?? ''} autocomplete="username" required autofocus />
        <Field name="password" label="Password" type="password" autocomplete="current-password" required />
        <button type="submit" class="btn wide">
          Sign in
        </button>
      </form>
      <p class="muted small">
        <a href="/console/forgot-password">Forgot password?</a>
      </p>
      <p class="muted small">
        New here? <a href="/console/signup">Create an organizer account</a>.
      </p>
    </section>
  </Shell>
);

/** What a sign-up form held, echoed back when it has to be shown again (never the password). */
export interface SignupValues {
  name: string;
  email: string;
}

const SIGNUP_LABELS: Record<string, string> = { name: 'Organization name', email: 'Email', password: 'Password' };

/**
 * `/console/signup`: the same rules as `POST /v1/accounts`, each problem under its field.
 *
 * @example
 * return renderConsole(c, <SignupPage csrf={token} values={{ name: '', email: '' }} errors={{}} />);
 */
export const SignupPage: FC<{ csrf: string; values: SignupValues; errors: FieldErrors; flash?: Flash | undefined }> = ({ csrf, values, errors, flash }) => (
  <Shell title="Create an account" flash={flash}>
    <section class="card auth">
      <p class="brand-line">Trendy Tickets</p>
      <h1>Create an organizer account</h1>
      <p class="muted">You start in test mode: sell tickets with test payments until you are ready to go live.</p>
      <ErrorSummary errors={errors} labels={(f) => (Object.hasOwn(SIGNUP_LABELS, f) ? (SIGNUP_LABELS[f] as string) : f)} />
      <form method="post" action="/console/signup" novalidate>
        <CsrfField token={csrf} />
        <Field name="name" label="Organization name" value={values.name} errors={errors} autocomplete="organization" required maxlength={200} />
        <Field name="email" label="Email" type="email" value={values.email} errors={errors} autocomplete="username" required />
        <Field
          name="password"
          label="Password"
          type="password"
          errors={errors}
          autocomplete="new-password"
          required
          hint="At least 10 characters. A few unrelated words make a strong one."
        />
        <button type="submit" class="btn wide">
          Create account
        </button>
      </form>
      <p class="muted small">
        Already have one? <a href="/console/login">Sign in</a>.
      </p>
    </section>
  </Shell>
);

/**
 * After sign-up: the account's test keys, shown this once (only their hashes are kept).
 *
 * @example
 * return renderConsole(c, <WelcomePage user={user} secretKey={sk} publishableKey={pk} publicUrl={url} />, 201);
 */
export const WelcomePage: FC<{ user: ConsoleUser; secretKey: string; publishableKey: string; publicUrl: string }> = ({ user, secretKey, publishableKey, publicUrl }) => (
  <Shell title="Your API keys" user={user} section="developers" here="/console">
    <section class="card">
      <h1>Welcome, {user.account.name}</h1>
      <p>Your account is ready, in test mode. These are your test API keys.</p>
      <div class="banner warn">Copy the secret key now: it is shown only this once. If you lose it, roll a new one on the Developers page.</div>
      <h2>Secret key</h2>
      <p class="muted small">For your server only. Never put it in a web page or an app.</p>
      <p class="secret mono" id="secret-key">
        {secretKey}
      </p>
      <h2>Publishable key</h2>
      <p class="muted small">Safe in web pages: the checkout widget and checkout links use it.</p>
      <p class="secret mono" id="publishable-key">
        {publishableKey}
      </p>
      <h2>Try it</h2>
      <pre class="snippet">{`curl ${publicUrl}/v1/account \\\n  -H "Authorization: Bearer ${secretKey}"`}</pre>
      <div class="actions">
        <a class="btn" href="/console/events/new">
          Create your first event
        </a>
        <a class="btn secondary" href="/console">
          Go to the dashboard
        </a>
      </div>
    </section>
  </Shell>
);
