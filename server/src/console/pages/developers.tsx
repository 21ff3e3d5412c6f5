/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { FC } from 'hono/jsx';
import type { ApiKeyDoc } from '../../domain/accounts.js';
import { PERMISSION_LABELS, PERMISSIONS } from '../../domain/permissions.js';
import type { ConsoleUser } from '../context.js';
import { when } from '../format.js';
import { Checkbox, Field, type FieldErrors } from './fields.js';
import { CsrfField, Shell, type Flash } from './layout.js';
import { ResourceTable, RowAction } from './resource-list.js';

const TZ = 'Asia/Kolkata';
const KIND_WORDS: Record<ApiKeyDoc['kind'], string> = { secret: 'Secret', publishable: 'Publishable' };

/** A key just made, shown this once. */
export interface RevealedKey {
  kind: ApiKeyDoc['kind'] | 'restricted';
  raw: string;
  rolled: boolean;
}

/** Props of {@link DevelopersPage}. */
export interface DevelopersPageProps {
  user: ConsoleUser;
  /** Active keys of the mode the console shows, newest first. */
  keys: ApiKeyDoc[];
  publicUrl: string;
  /** The captured mailbox's URL outside production, else null. */
  mailboxUrl: string | null;
  revealed?: RevealedKey | undefined;
  errors?: FieldErrors | undefined;
  flash?: Flash | undefined;
}

const PasswordField: FC<{ live: boolean; errors?: FieldErrors | undefined }> = ({ live, errors }) =>
  live ? (
    <Field
      name="password"
      label="Your password"
      type="password"
      autocomplete="current-password"
      errors={errors}
      required
      hint="Live keys move real money, so changing them needs your password, as in the API."
    />
  ) : null;

/**
 * `/console/developers`: API keys of the current mode (create, roll, revoke; a new key is
 * shown once), a first API call to paste, and where test mail goes.
 *
 * @example
 * return renderConsole(c, <DevelopersPage user={user} keys={keys} publicUrl={url} mailboxUrl={null} />);
 */
export const DevelopersPage: FC<DevelopersPageProps> = ({ user, keys, publicUrl, mailboxUrl, revealed, errors, flash }) => {
  const live = user.owner.livemode;
  const mode = live ? 'live' : 'test';
  const secret = revealed?.kind === 'secret' ? revealed.raw : (keys.find((k) => k.kind === 'secret' && !k.permissions)?.display ?? `sk_${mode}_…`);
  return (
    <Shell title="Developers" user={user} section="developers" here="/console/developers" flash={flash}>
      <div class="page-head">
        <div>
          <h1>Developers</h1>
          <p class="sub">{live ? 'Live keys: they take real payments through Razorpay.' : 'Test keys: orders are paid with the built-in test gateway, no real money moves.'}</p>
        </div>
        <div class="actions">
          <a class="btn secondary" href="/console/developers/webhooks">
            Webhooks
          </a>
          <a class="btn secondary" href="/docs">
            API reference
          </a>
        </div>
      </div>
      {revealed ? (
        <section class="card" aria-labelledby="revealed-h" id="revealed">
          <h2 id="revealed-h">
            Your new {revealed.kind} key{revealed.rolled ? ' (the old one has stopped working)' : ''}
          </h2>
          <div class="banner warn">Copy it now: it is shown only this once. Only its hash is kept.</div>
          <p class="secret mono" id="revealed-key">
            {revealed.raw}
          </p>
          {revealed.kind === 'publishable' ? <p class="muted small">This browser remembers it for the Embed panels of your events.</p> : null}
        </section>
      ) : null}
      <section class="card" aria-labelledby="keys-h">
        <h2 id="keys-h">API keys ({mode})</h2>
        <ResourceTable
          columns={['Kind', 'Key', 'Created']}
          actions
          wrap
          rows={keys}
          empty={
            <p class="empty">
              <strong>No active {mode} keys</strong>
              Create a secret key for your server and a publishable key for your web pages.
            </p>
          }
          row={(k) => (
            <tr data-key={k._id}>
              <td>
                {k.permissions ? (
                  <>
                    Restricted: {k.name}
                    <br />
                    <span class="muted small">{k.permissions.join(', ')}</span>
                  </>
                ) : (
                  KIND_WORDS[k.kind]
                )}
              </td>
              <td class="mono">{k.display}</td>
              <td class="nowrap">{when(k.created_at, TZ)}</td>
              <td>
                <a href={`/console/developers/keys/${k._id}/revoke`} aria-label={`Revoke ${k.display}`}>
                  Revoke
                </a>
                {k.permissions ? (
                  <RowAction action={`/console/developers/keys/${k._id}/roll`} csrf={user.csrf} label="Roll" buttonClass="linkbtn" ariaLabel={`Roll ${k.display}`}>
                    {live ? <input type="password" name="password" aria-label="Your password" autocomplete="current-password" required /> : null}
                  </RowAction>
                ) : null}
              </td>
            </tr>
          )}
        />
        <form method="post" action="/console/developers/keys">
          <CsrfField token={user.csrf} />
          <PasswordField live={live} errors={errors} />
          <h3>New key</h3>
          <p class="muted small">Another key beside the current ones, e.g. for a second server.</p>
          <div class="actions">
            <button type="submit" name="action" value="create:secret" class="btn secondary">
              Create secret key
            </button>
            <button type="submit" name="action" value="create:publishable" class="btn secondary">
              Create publishable key
            </button>
          </div>
          <h3>Roll</h3>
          <p class="muted small">A new key that replaces every current key of its kind at once: do this when a key has leaked.</p>
          <div class="actions">
            <button type="submit" name="action" value="roll:secret" class="btn danger">
              Roll secret keys
            </button>
            <button type="submit" name="action" value="roll:publishable" class="btn danger">
              Roll publishable keys
            </button>
          </div>
        </form>
      </section>
      <section class="card" aria-labelledby="restricted-h">
        <h2 id="restricted-h">Restricted keys</h2>
        <p class="muted small">
          A restricted key (<code>rk_{mode}_…</code>) is a secret key that can do only what you tick: a door scanner needs only check-ins, a reporting job only reads. Using it for
          anything else answers 403 naming the permission it lacks.
        </p>
        <form method="post" action="/console/developers/restricted-keys">
          <CsrfField token={user.csrf} />
          <Field name="name" label="Name" errors={errors} required maxlength={80} hint="What it is for, e.g. Door scanners." />
          <fieldset class="choices">
            <legend>Permissions</legend>
            {PERMISSIONS.filter((p) => !p.startsWith('team:')).map((p) => (
              <label>
                <input type="checkbox" name="permissions" value={p} /> <span class="mono">{p}</span> · {PERMISSION_LABELS[p]}
              </label>
            ))}
          </fieldset>
          {errors?.permissions ? <p class="field-error">{errors.permissions}</p> : null}
          <PasswordField live={live} errors={errors} />
          <button type="submit" class="btn secondary">
            Create restricted key
          </button>
        </form>
      </section>
      <section class="card" aria-labelledby="curl-h">
        <h2 id="curl-h">Your first call</h2>
        <p class="muted small">Lists your {mode} events. Use your full secret key, on your server only.</p>
        <pre class="snippet" id="curl">{`curl ${publicUrl}/v1/events \\\n  -H "Authorization: Bearer ${secret}"`}</pre>
      </section>
      {live ? null : (
        <section class="card" aria-labelledby="refunds-h" id="test-refunds">
          <h2 id="refunds-h">Test refunds</h2>
          <p>
            Test refunds are processed at once. To see how your integration and this console show the other endings Razorpay has, buy with one of these buyer emails (any domain,
            any <code>+tag</code>), then refund the order:
          </p>
          <dl class="facts">
            <dt class="mono">refund-fails@…</dt>
            <dd>Refused at once, as for a balance too low: the API answers 409 REFUND_FAILED, the order stays paid, you are mailed.</dd>
            <dt class="mono">refund-pending@…</dt>
            <dd>Pending (the API answers 202), then processed about a minute later: the order is refunded and the buyer mailed.</dd>
            <dt class="mono">refund-pending-fails@…</dt>
            <dd>Pending, then failed about a minute later: the order stays paid and you are mailed.</dd>
          </dl>
          <p class="muted small">The refund shows on each ticket of the order, under Attendees.</p>
        </section>
      )}
      <section class="card" aria-labelledby="packages-h">
        <h2 id="packages-h">SDK and widget packages</h2>
        <p class="muted small">
          <code>@trendy-tickets/sdk</code> (the typed client) and <code>@trendy-tickets/widget</code> (the checkout element for bundlers) are not on the npm registry yet. Until
          they are, install them from this server:
        </p>
        <pre class="snippet" id="install-packages">
          {`npm install ${publicUrl}/packages/trendy-tickets-sdk-latest.tgz\nnpm install ${publicUrl}/packages/trendy-tickets-widget-latest.tgz`}
        </pre>
      </section>
      <section class="card" aria-labelledby="jobs-h">
        <h2 id="jobs-h">Failed jobs</h2>
        <p>
          Webhook deliveries that failed, with their errors and a Retry button: <a href="/console/developers/jobs">failed jobs</a>.
        </p>
      </section>
      <section class="card" aria-labelledby="audit-h">
        <h2 id="audit-h">Audit log</h2>
        <p>
          Who changed what, when and from where, and every sign-in: the <a href="/console/developers/audit-log">audit log</a>.
        </p>
      </section>
      {mailboxUrl ? (
        <section class="card" aria-labelledby="mail-h">
          <h2 id="mail-h">Test mail</h2>
          <p>
            This server captures the mail it sends instead of delivering it: codes and tickets are in the <a href={mailboxUrl}>mailbox</a>.
          </p>
        </section>
      ) : null}
    </Shell>
  );
};

/**
 * `/console/developers/keys/:id/revoke`: revoking stops a key at once, so it is confirmed.
 *
 * @example
 * return renderConsole(c, <RevokeKeyPage user={user} apiKey={key} errors={{}} />);
 */
export const RevokeKeyPage: FC<{ user: ConsoleUser; apiKey: ApiKeyDoc; errors: FieldErrors; flash?: Flash | undefined }> = ({ user, apiKey, errors, flash }) => (
  <Shell title="Revoke key" user={user} section="developers" here="/console/developers" flash={flash}>
    <section class="card narrow">
      <h1>Revoke {apiKey.display}?</h1>
      <p>Every request made with this {apiKey.kind} key is refused from now on. This cannot be undone; create a new key if you need one.</p>
      <form method="post" action={`/console/developers/keys/${apiKey._id}/revoke`}>
        <CsrfField token={user.csrf} />
        <PasswordField live={apiKey.mode === 'live'} errors={errors} />
        <Checkbox name="confirm" label={`Yes, revoke ${apiKey.display}`} checked={false} required errors={errors} />
        <div class="actions">
          <button type="submit" class="btn danger solid">
            Revoke key
          </button>
          <a class="btn secondary" href="/console/developers">
            Keep it
          </a>
        </div>
      </form>
    </section>
  </Shell>
);
