/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { FC } from 'hono/jsx';
import { WEBHOOK_EVENT_TYPES, type WebhookDeliveryDoc, type WebhookEndpointDoc } from '../../domain/webhook-endpoints.js';
import type { ConsoleUser } from '../context.js';
import { when } from '../format.js';
import { Checkbox, Field, type FieldErrors } from './fields.js';
import { CsrfField, Shell, type Flash } from './layout.js';
import { ResourceTable } from './resource-list.js';

const TZ = 'Asia/Kolkata';
const BASE = '/console/developers/webhooks';

/** What the endpoint form shows: the fields as sent, or as stored. */
export interface EndpointFormValues {
  url: string;
  description: string;
  events: string[];
  disabled: boolean;
}

const EventBoxes: FC<{ values: EndpointFormValues; errors?: FieldErrors | undefined }> = ({ values, errors }) => (
  <fieldset class="field">
    <legend>Events to send</legend>
    <Checkbox name="event:*" label="All events, including types added later" checked={values.events.includes('*')} errors={errors} />
    {WEBHOOK_EVENT_TYPES.map((type) => (
      <Checkbox name={`event:${type}`} label={type} checked={values.events.includes(type)} />
    ))}
    {errors?.enabled_events ? <p class="error">{errors.enabled_events}</p> : null}
  </fieldset>
);

const EndpointFields: FC<{ values: EndpointFormValues; errors?: FieldErrors | undefined; live: boolean }> = ({ values, errors, live }) => (
  <>
    <Field
      name="url"
      label="URL"
      type="url"
      value={values.url}
      errors={errors}
      required
      hint={live ? 'https:// to a public address.' : 'Test mode also takes http:// and loopback addresses, e.g. http://127.0.0.1:4242/webhooks.'}
    />
    <Field name="description" label="Description (optional)" value={values.description} errors={errors} />
    <EventBoxes values={values} errors={errors} />
  </>
);

/** `/console/developers/webhooks`: the mode's endpoints and a form for a new one; a new endpoint's secret shown once. */
export const WebhooksPage: FC<{
  user: ConsoleUser;
  endpoints: WebhookEndpointDoc[];
  values: EndpointFormValues;
  revealed?: { endpoint: WebhookEndpointDoc; secret: string } | undefined;
  errors?: FieldErrors | undefined;
  flash?: Flash | undefined;
}> = ({ user, endpoints, values, revealed, errors, flash }) => {
  const mode = user.owner.livemode ? 'live' : 'test';
  return (
    <Shell title="Webhooks" user={user} section="developers" here={BASE} flash={flash}>
      <div class="page-head">
        <div>
          <h1>Webhooks ({mode})</h1>
          <p class="sub">Your server gets a signed POST for each event it subscribes to. Check each one with the SDK's webhooks.constructEvent.</p>
        </div>
        <div class="actions">
          <a class="btn secondary" href="/console/developers">
            API keys
          </a>
        </div>
      </div>
      {revealed ? <SecretCard secret={revealed.secret} heading={`Signing secret of ${revealed.endpoint.url}`} /> : null}
      <section class="card" aria-labelledby="endpoints-h">
        <h2 id="endpoints-h">Endpoints</h2>
        <ResourceTable
          columns={['URL', 'Events', 'State', 'Created']}
          wrap
          rows={endpoints}
          empty={
            <p class="empty">
              <strong>No {mode} endpoints</strong>
              Add one below to receive events.
            </p>
          }
          row={(e) => (
            <tr>
              <td class="mono">
                <a href={`${BASE}/${e._id}`}>{e.url}</a>
              </td>
              <td>{e.enabled_events.includes('*') ? 'all' : e.enabled_events.join(', ')}</td>
              <td>{e.disabled ? (e.disabled_reason === 'failing' ? 'disabled (kept failing)' : 'disabled') : 'enabled'}</td>
              <td class="nowrap">{when(e.created_at, TZ)}</td>
            </tr>
          )}
        />
      </section>
      <section class="card" aria-labelledby="new-h">
        <h2 id="new-h">New endpoint</h2>
        <form method="post" action={BASE}>
          <CsrfField token={user.csrf} />
          <EndpointFields values={values} errors={errors} live={user.owner.livemode} />
          <div class="actions">
            <button type="submit" class="btn">
              Add endpoint
            </button>
          </div>
        </form>
      </section>
    </Shell>
  );
};

const SecretCard: FC<{ secret: string; heading: string }> = ({ secret, heading }) => (
  <section class="card" aria-labelledby="revealed-h" id="revealed">
    <h2 id="revealed-h">{heading}</h2>
    <div class="banner warn">Copy it now: it is shown only this once. Your receiver checks each delivery's TTS-Signature with it.</div>
    <p class="secret mono" id="revealed-secret">
      {secret}
    </p>
  </section>
);

/** `/console/developers/webhooks/:id`: edit, disable, roll the secret, delete, and the latest delivery attempts. */
export const WebhookEndpointPage: FC<{
  user: ConsoleUser;
  endpoint: WebhookEndpointDoc;
  values: EndpointFormValues;
  deliveries: WebhookDeliveryDoc[];
  rolledSecret?: string | undefined;
  errors?: FieldErrors | undefined;
  flash?: Flash | undefined;
}> = ({ user, endpoint, values, deliveries, rolledSecret, errors, flash }) => {
  const here = `${BASE}/${endpoint._id}`;
  return (
    <Shell title="Webhook endpoint" user={user} section="developers" here={BASE} flash={flash}>
      <div class="page-head">
        <div>
          <h1 class="mono">{endpoint.url}</h1>
          <p class="sub">
            {endpoint._id} · {endpoint.disabled ? 'disabled: nothing is sent' : 'enabled'}
          </p>
        </div>
        <div class="actions">
          <a class="btn secondary" href={BASE}>
            All endpoints
          </a>
        </div>
      </div>
      {endpoint.disabled && endpoint.disabled_reason === 'failing' ? (
        <div class="banner warn" id="auto-disabled">
          Disabled automatically on {endpoint.disabled_at ? when(endpoint.disabled_at, TZ) : 'an earlier day'} after failing for 3 days
          {endpoint.disabled_error ? `: ${endpoint.disabled_error}` : '.'} Fix the receiver, then untick Disabled and save to send again.
        </div>
      ) : null}
      {rolledSecret ? <SecretCard secret={rolledSecret} heading="New signing secret (the previous one also signs for 24 hours)" /> : null}
      <section class="card" aria-labelledby="edit-h">
        <h2 id="edit-h">Settings</h2>
        <form method="post" action={here}>
          <CsrfField token={user.csrf} />
          <EndpointFields values={values} errors={errors} live={user.owner.livemode} />
          <Checkbox name="disabled" label="Disabled: send nothing to this endpoint" checked={values.disabled} />
          <div class="actions">
            <button type="submit" class="btn">
              Save
            </button>
          </div>
        </form>
      </section>
      <section class="card" aria-labelledby="deliveries-h" id="deliveries">
        <h2 id="deliveries-h">Recent deliveries</h2>
        {deliveries.length === 0 ? (
          <p class="empty">
            <strong>No deliveries yet</strong>
            Each attempt shows here with its status, how long the endpoint took and the start of its answer.
          </p>
        ) : (
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Event</th>
                  <th scope="col">Result</th>
                  <th scope="col">Time</th>
                  <th scope="col">Answer</th>
                  <th scope="col">
                    <span class="visually-hidden">Resend</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {deliveries.map((d) => (
                  <tr>
                    <td class="nowrap">{when(d.created_at, TZ)}</td>
                    <td class="mono">
                      {d.type} {d.event}
                    </td>
                    <td>{d.ok ? `delivered (${d.status})` : `failed${d.status === null ? '' : ` (${d.status})`}: ${d.error ?? ''}`}</td>
                    <td class="nowrap">{d.latency_ms} ms</td>
                    <td class="mono small">{d.response_excerpt.slice(0, 200)}</td>
                    <td>
                      <form method="post" action={`${here}/deliveries/${d._id}/resend`}>
                        <CsrfField token={user.csrf} />
                        <button type="submit" class="btn secondary small">
                          Resend
                        </button>
                      </form>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section class="card" aria-labelledby="secret-h">
        <h2 id="secret-h">Signing secret</h2>
        <p class="muted small">A new secret, shown once. The current one keeps signing for 24 hours, so you can deploy the new one without missing a delivery.</p>
        <form method="post" action={`${here}/roll`}>
          <CsrfField token={user.csrf} />
          <button type="submit" class="btn danger">
            Roll secret
          </button>
        </form>
      </section>
      <section class="card" aria-labelledby="delete-h">
        <h2 id="delete-h">Delete</h2>
        <form method="post" action={`${here}/delete`}>
          <CsrfField token={user.csrf} />
          <Checkbox name="confirm" label="Yes, delete this endpoint: nothing more is sent to it" checked={false} required errors={errors} />
          <button type="submit" class="btn danger solid">
            Delete endpoint
          </button>
        </form>
      </section>
    </Shell>
  );
};
