/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { FC } from 'hono/jsx';
import type { Collector, GatewayConfigDoc } from '../../domain/payment-accounts.js';
import type { ConsoleUser } from '../context.js';
import { when } from '../format.js';
import { Field, type FieldErrors } from './fields.js';
import { CsrfField, Shell, type Flash } from './layout.js';
import { SettingsTabs } from './settings-tabs.js';

const TZ = 'Asia/Kolkata';
export const PAYMENTS_PATH = '/console/settings/payments';

/** What the connect form shows again after a refusal: the key id only, never a secret. */
export interface PaymentFormValues {
  key_id: string;
}

const COLLECTED: Record<Collector, string> = {
  connected_account: 'Buyers pay your own Razorpay account.',
  test_gateway: 'Test orders are paid at the built-in test gateway. Connect your Razorpay test keys to try Razorpay Checkout with your own account.',
  platform: 'This installation collects live payments for you with its own Razorpay account, and pays you out itself.',
  not_connected: 'Live sales are off: connect your Razorpay account to sell. Until then every live order is refused (PAYMENT_ACCOUNT_REQUIRED).',
};

/**
 * `/console/settings/payments`: the mode's connected Razorpay account (key id, the last four
 * characters of each secret, the webhook URL to paste into Razorpay), and the form to connect
 * or replace it. Secrets are typed in, never shown back.
 */
export const PaymentsPage: FC<{
  user: ConsoleUser;
  connected: GatewayConfigDoc | null;
  collector: Collector;
  webhookUrl: string;
  values: PaymentFormValues;
  errors?: FieldErrors | undefined;
  flash?: Flash | undefined;
}> = ({ user, connected, collector, webhookUrl, values, errors, flash }) => {
  const live = user.owner.livemode;
  const mode = live ? 'live' : 'test';
  const prefix = `rzp_${mode}_`;
  return (
    <Shell title="Payments" user={user} section="settings" here={PAYMENTS_PATH} flash={flash}>
      <div class="page-head">
        <div>
          <h1>Payments ({mode})</h1>
          <p class="sub">Connect your own Razorpay account, so buyers pay you directly.</p>
        </div>
      </div>
      <SettingsTabs here={PAYMENTS_PATH} />
      <section class="card" aria-labelledby="collected-h">
        <h2 id="collected-h">Where the money goes</h2>
        {collector === 'not_connected' ? (
          <p class="banner bad" role="alert">
            {COLLECTED[collector]}
          </p>
        ) : (
          <p>{COLLECTED[collector]}</p>
        )}
      </section>
      {connected ? (
        <section class="card" aria-labelledby="connected-h">
          <h2 id="connected-h">Connected Razorpay account</h2>
          <dl class="facts">
            <dt>Key id</dt>
            <dd class="mono">{connected.key_id}</dd>
            <dt>Key secret</dt>
            <dd class="mono">•••• {connected.key_secret_last4}</dd>
            <dt>Webhook secret</dt>
            <dd class="mono">•••• {connected.webhook_secret_last4}</dd>
            <dt>Connected</dt>
            <dd>{when(connected.created_at, TZ)}</dd>
          </dl>
          <form method="post" action={`${PAYMENTS_PATH}/disconnect`}>
            <CsrfField token={user.csrf} />
            <button type="submit" class="btn danger">
              Disconnect
            </button>
            <p class="hint">New {mode} orders stop going to this account. Orders it took are still refunded through it.</p>
          </form>
        </section>
      ) : null}
      <section class="card" aria-labelledby="webhook-h">
        <h2 id="webhook-h">Webhook</h2>
        <p>
          In Razorpay's dashboard ({mode} mode), under Account &amp; Settings → Webhooks, add this URL with a secret of your choice, and tick payment.authorized, payment.captured,
          order.paid, payment.failed, refund.processed and refund.failed:
        </p>
        <p class="mono" id="webhook-url">
          {webhookUrl}
        </p>
        <p class="hint">Enter the same webhook secret below. Deliveries to this URL are checked with your secret and act on your orders only.</p>
      </section>
      <section class="card" aria-labelledby="connect-h">
        <h2 id="connect-h">{connected ? 'Replace the keys' : 'Connect Razorpay'}</h2>
        <p class="sub">
          From Razorpay's dashboard, Account &amp; Settings → API keys, in {mode} mode. The keys are checked with Razorpay before they are saved, and stored encrypted.
        </p>
        <form method="post" action={PAYMENTS_PATH} class="stack">
          <CsrfField token={user.csrf} />
          <Field name="key_id" label="Key id" value={values.key_id} errors={errors} required placeholder={`${prefix}…`} autocomplete="off" />
          <Field name="key_secret" label="Key secret" type="password" errors={errors} required autocomplete="off" />
          <Field name="webhook_secret" label="Webhook secret" type="password" errors={errors} required autocomplete="off" />
          <button type="submit" class="btn">
            {connected ? 'Check and replace' : 'Check and connect'}
          </button>
        </form>
      </section>
    </Shell>
  );
};
