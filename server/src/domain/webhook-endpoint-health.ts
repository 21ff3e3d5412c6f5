/**
 * Whether an endpoint keeps failing, and disabling it when it has failed for
 * {@link AUTO_DISABLE_AFTER_MS} (docs/webhooks.md#when-an-endpoint-keeps-failing): a receiver gone
 * for days only costs retries, so after three days deliveries stop and the organizer is mailed.
 *
 * Every step is one conditional update, so attempts racing on several servers agree: the first
 * failure sets `failing_since` (later ones keep it), and of the failures past the limit exactly
 * one disables the endpoint and queues the mail.
 */
import type { Clock } from '../kernel/clock.js';
import { op, type Collection } from '../store/port.js';
import type { AccountDoc } from './accounts.js';
import type { Outbox } from './ports.js';
import type { DeliveryAttempt, WebhookEndpointDoc } from './webhook-endpoints.js';

/**
 * An endpoint failing every attempt for this long is disabled, and its account mailed: by then
 * the first failed delivery has about used up its retries.
 */
export const AUTO_DISABLE_AFTER_MS = 3 * 24 * 3_600_000;

/** The mail kind telling an organizer an endpoint was disabled for failing (delivery/mail-renderer.ts). */
export const ENDPOINT_DISABLED_MAIL = 'webhook_endpoint_disabled';

export interface EndpointHealthDeps {
  endpoints: Collection<WebhookEndpointDoc>;
  accounts: Collection<AccountDoc>;
  outbox: Outbox;
  clock: Clock;
  /** Called after this process disabled an endpoint, so caches of enabled endpoints drop it. */
  onDisabled: (endpoint: WebhookEndpointDoc) => void;
}

/**
 * Tracks endpoints' failure streaks from their delivery attempts.
 *
 * @example
 * const health = createEndpointHealth({ endpoints, accounts, outbox, clock, onDisabled: (e) => cache.delete(e.account) });
 * await health.noteAttempt(endpoint, attempt);
 */
export function createEndpointHealth({ endpoints, accounts, outbox, clock, onDisabled }: EndpointHealthDeps) {
  /** Disables the endpoint if it still fails since `cutoff` or earlier; true for the one caller that did. */
  async function disableForFailing(endpoint: WebhookEndpointDoc, error: string | null, now: Date): Promise<WebhookEndpointDoc | null> {
    const cutoff = new Date(now.getTime() - AUTO_DISABLE_AFTER_MS);
    return endpoints.findOneAndUpdate(
      { _id: endpoint._id, disabled: false, failing_since: op.lte(cutoff) },
      { $set: { disabled: true, disabled_at: now, disabled_reason: 'failing', disabled_error: error, updated_at: now } },
    );
  }

  async function mailOrganizer(disabled: WebhookEndpointDoc, error: string | null, failingSince: Date): Promise<void> {
    const account = await accounts.findOne({ _id: disabled.account });
    if (!account) return;
    const at = disabled.disabled_at ?? clock.now();
    await outbox.enqueue({
      kind: ENDPOINT_DISABLED_MAIL,
      to: account.email,
      payload: { endpoint: disabled._id, error: error ?? 'no answer', failing_since: failingSince.toISOString(), disabled_at: at.toISOString() },
      // One mail per disabling, however often the step that queues it is repeated.
      dedupeKey: `${ENDPOINT_DISABLED_MAIL}:${disabled._id}:${at.getTime()}`,
      owner: { account: disabled.account, livemode: disabled.livemode },
    });
  }

  return {
    /**
     * Notes one delivery attempt to `endpoint` (as read before the attempt). A success ends a
     * failure streak; a failure starts one, or disables the endpoint once the streak is
     * {@link AUTO_DISABLE_AFTER_MS} old. Resolves true when this call disabled it.
     */
    async noteAttempt(endpoint: WebhookEndpointDoc, attempt: DeliveryAttempt): Promise<boolean> {
      const now = clock.now();
      if (attempt.ok) {
        if (endpoint.failing_since) await endpoints.updateOne({ _id: endpoint._id, failing_since: op.ne(null) }, { $set: { failing_since: null } });
        return false;
      }
      let since = endpoint.failing_since ?? null;
      if (!since) {
        // Only while no streak is recorded: of racing first failures, the earliest write stands.
        await endpoints.updateOne({ _id: endpoint._id, failing_since: null }, { $set: { failing_since: now } });
        return false;
      }
      if (endpoint.disabled || now.getTime() - since.getTime() < AUTO_DISABLE_AFTER_MS) return false;
      const disabled = await disableForFailing(endpoint, attempt.error, now);
      if (!disabled) return false;
      since = disabled.failing_since ?? since;
      onDisabled(disabled);
      await mailOrganizer(disabled, attempt.error, since);
      return true;
    },
  };
}

export type EndpointHealth = ReturnType<typeof createEndpointHealth>;
