/**
 * Webhook endpoints: where an organizer wants events POSTed, which types, and the secrets that
 * sign them (docs/webhooks.md). The job queue asks {@link WebhookEndpointService.subscribedTo}
 * which endpoints take an event and {@link WebhookEndpointService.deliveryTarget} what to sign
 * with at delivery time, then records each attempt with `recordDelivery`.
 */
import type { WebhookEventType } from '@trendy-tickets/sdk';
import type { Clock } from '../kernel/clock.js';
import { AppError, notFound } from '../kernel/errors.js';
import { newId } from '../kernel/ids.js';
import { paginate, type Page, type PageParams } from '../store/paginate.js';
import { DuplicateKeyError, op, type IndexSpec, type Store } from '../store/port.js';
import type { Owner } from './events.js';
import { checkWebhookUrl, type ResolveHost } from './webhook-url.js';
import { DOMAIN_EVENT_TYPES } from './domain-events.js';
import { createSecretBox, newSigningSecret } from './webhook-secrets.js';

/**
 * Every event type an endpoint can subscribe to: every type of the events log, one list.
 * `webhookEventTypesMatchWireTypes` holds it to the SDK's `WebhookEventType`.
 */
export const WEBHOOK_EVENT_TYPES = DOMAIN_EVENT_TYPES satisfies readonly WebhookEventType[];

/** At most this many endpoints per account and mode: each event is one delivery per endpoint. */
export const MAX_ENDPOINTS_PER_MODE = 16;

/** How long a rolled secret keeps signing, so receivers can switch without missing a delivery. */
export const ROLLED_SECRET_OVERLAP_MS = 24 * 60 * 60_000;

/** How long delivery attempts are kept for the console. */
const DELIVERY_RETENTION_SECONDS = 30 * 24 * 60 * 60;

/** One signing secret, sealed (`webhook-secrets.ts`). */
export interface StoredSecret {
  sealed: string;
  created_at: Date;
  /** When a rolled secret stops signing; null for the current one. */
  expires_at: Date | null;
}

export interface WebhookEndpointDoc {
  /** `we_…` */
  _id: string;
  account: string;
  livemode: boolean;
  url: string;
  enabled_events: Array<WebhookEventType | '*'>;
  description: string | null;
  disabled: boolean;
  /** Newest first; the current secret, then rolled ones still inside their overlap. */
  secrets: StoredSecret[];
  /** Rolls so far: a roll is one update conditional on this, so two racing rolls cannot both win. */
  secret_rolls: number;
  created_at: Date;
  updated_at: Date;
}

/** How many endpoints an account has in one mode; `_id` is `<account>:<test|live>`. */
interface QuotaDoc {
  _id: string;
  count: number;
}

/** One delivery attempt, for the console (kept 30 days). */
export interface WebhookDeliveryDoc {
  _id: string;
  endpoint: string;
  account: string;
  /** The event's id (`ev_…`) and type. */
  event: string;
  type: string;
  /** The HTTP status the receiver answered, or null when there was no answer. */
  status: number | null;
  ok: boolean;
  latency_ms: number;
  /** The first characters of the answer's body. */
  response_excerpt: string;
  error: string | null;
  created_at: Date;
}

/** What a delivery of an event's JSON needs: where, and the secrets to sign with. */
export interface WebhookTarget {
  id: string;
  url: string;
  livemode: boolean;
  /** Newest first; one `v1=` signature is sent per secret. */
  secrets: string[];
}

/** What a delivery attempt came to, as `deliverWebhook` reports it. */
export interface DeliveryAttempt {
  ok: boolean;
  status: number | null;
  latency_ms: number;
  response_excerpt: string;
  error: string | null;
}

export interface WebhookEndpointInput {
  url: string;
  enabled_events: Array<WebhookEventType | '*'>;
  description?: string | undefined;
  disabled?: boolean | undefined;
}

export interface WebhookEndpointPatch {
  url?: string | undefined;
  enabled_events?: Array<WebhookEventType | '*'> | undefined;
  description?: string | null | undefined;
  disabled?: boolean | undefined;
}

export const WEBHOOK_ENDPOINT_INDEXES: readonly IndexSpec[] = [
  { collection: 'webhook_endpoints', keys: { account: 1, livemode: 1, created_at: -1, _id: -1 } },
  { collection: 'webhook_deliveries', keys: { endpoint: 1, created_at: -1, _id: -1 } },
  { collection: 'webhook_deliveries', keys: { created_at: 1 }, expireAfterSeconds: DELIVERY_RETENTION_SECONDS },
];

/** A `*` among types means every type: store just that, so the endpoint also gets types added later. */
function normaliseEvents(events: Array<WebhookEventType | '*'>): Array<WebhookEventType | '*'> {
  if (events.length === 0)
    throw new AppError('VALIDATION_FAILED', 'Subscribe to at least one event type, or `*` for all.', [{ field: 'enabled_events', message: 'must not be empty' }]);
  return events.includes('*') ? ['*'] : [...new Set(events)];
}

/**
 * The webhook endpoint service.
 *
 * @example
 * const endpoints = createWebhookEndpointService({ store, clock, secret: config.secret, resolve });
 * const { endpoint, secret } = await endpoints.create(owner, { url, enabled_events: ['order.paid'] });
 */
export function createWebhookEndpointService({
  store,
  clock,
  secret,
  previousSecrets = [],
  resolve,
}: {
  store: Store;
  clock: Clock;
  secret: string;
  /** Earlier TTS_SECRETs, so secrets sealed before a rotation still open. */
  previousSecrets?: readonly string[];
  resolve: ResolveHost;
}) {
  const endpoints = store.collection<WebhookEndpointDoc>('webhook_endpoints');
  const quotas = store.collection<QuotaDoc>('webhook_endpoint_quotas');
  const deliveries = store.collection<WebhookDeliveryDoc>('webhook_deliveries');
  const box = createSecretBox(secret, { previousSecrets });

  async function get(owner: Owner, id: string): Promise<WebhookEndpointDoc> {
    const doc = await endpoints.findOne({ _id: id, account: owner.account, livemode: owner.livemode });
    if (!doc) throw notFound('webhook endpoint', id);
    return doc;
  }

  /** Takes one of the mode's slots with one conditional upsert: a full quota makes the upsert's insert collide. */
  async function takeSlot(owner: Owner): Promise<string> {
    const _id = `${owner.account}:${owner.livemode ? 'live' : 'test'}`;
    try {
      const taken = await quotas.updateOne({ _id, count: op.lt(MAX_ENDPOINTS_PER_MODE) }, { $inc: { count: 1 } }, { upsert: true });
      if (taken.matched === 1 || taken.upserted) return _id;
    } catch (err) {
      if (!(err instanceof DuplicateKeyError)) throw err;
    }
    throw new AppError(
      'CONFLICT',
      `An account has at most ${MAX_ENDPOINTS_PER_MODE} webhook endpoints per mode; delete one, or subscribe an existing endpoint to more event types.`,
      { limit: MAX_ENDPOINTS_PER_MODE },
    );
  }

  function openSecrets(doc: WebhookEndpointDoc, now: Date): string[] {
    return doc.secrets.filter((s) => s.expires_at === null || s.expires_at > now).map((s) => box.open(s.sealed));
  }

  return {
    /**
     * Saves an endpoint after checking its URL for the mode, and returns it with its signing
     * secret: the only time the secret is shown.
     */
    async create(owner: Owner, input: WebhookEndpointInput): Promise<{ endpoint: WebhookEndpointDoc; secret: string }> {
      const enabled = normaliseEvents(input.enabled_events);
      await checkWebhookUrl(input.url, { livemode: owner.livemode, resolve });
      const slot = await takeSlot(owner);
      const now = clock.now();
      const signing = newSigningSecret();
      const endpoint: WebhookEndpointDoc = {
        _id: newId('we'),
        account: owner.account,
        livemode: owner.livemode,
        url: input.url,
        enabled_events: enabled,
        description: input.description ?? null,
        disabled: input.disabled ?? false,
        secrets: [{ sealed: box.seal(signing), created_at: now, expires_at: null }],
        secret_rolls: 0,
        created_at: now,
        updated_at: now,
      };
      try {
        await endpoints.insertOne(endpoint);
      } catch (err) {
        await quotas.updateOne({ _id: slot }, { $inc: { count: -1 } });
        throw err;
      }
      return { endpoint, secret: signing };
    },

    /** The mode's endpoints, newest first. */
    async list(owner: Owner, page: PageParams): Promise<Page<WebhookEndpointDoc>> {
      return paginate(endpoints, { account: owner.account, livemode: owner.livemode }, page);
    },

    get,

    /** Changes the fields given; a new URL is checked as at creation. */
    async update(owner: Owner, id: string, patch: WebhookEndpointPatch): Promise<WebhookEndpointDoc> {
      await get(owner, id);
      if (patch.url !== undefined) await checkWebhookUrl(patch.url, { livemode: owner.livemode, resolve });
      const $set: Partial<WebhookEndpointDoc> = { updated_at: clock.now() };
      if (patch.url !== undefined) $set.url = patch.url;
      if (patch.enabled_events !== undefined) $set.enabled_events = normaliseEvents(patch.enabled_events);
      if (patch.description !== undefined) $set.description = patch.description;
      if (patch.disabled !== undefined) $set.disabled = patch.disabled;
      const updated = await endpoints.findOneAndUpdate({ _id: id, account: owner.account, livemode: owner.livemode }, { $set });
      if (!updated) throw notFound('webhook endpoint', id);
      return updated;
    },

    /** Deletes an endpoint (nothing more is sent to it) and frees its slot. */
    async remove(owner: Owner, id: string): Promise<void> {
      const removed = await endpoints.deleteOne({ _id: id, account: owner.account, livemode: owner.livemode });
      if (removed === 0) throw notFound('webhook endpoint', id);
      await quotas.updateOne({ _id: `${owner.account}:${owner.livemode ? 'live' : 'test'}` }, { $inc: { count: -1 } });
    },

    /**
     * Issues a new signing secret. The previous one keeps signing for 24 hours, each delivery
     * carrying a signature by both, so a receiver can deploy the new secret without missing one.
     * Two rolls racing: one wins, the other answers 409 CONFLICT and issued nothing.
     */
    async rollSecret(owner: Owner, id: string): Promise<{ endpoint: WebhookEndpointDoc; secret: string }> {
      const current = await get(owner, id);
      const now = clock.now();
      const overlapEnd = new Date(now.getTime() + ROLLED_SECRET_OVERLAP_MS);
      const signing = newSigningSecret();
      const kept = current.secrets
        .filter((s) => s.expires_at === null || s.expires_at > now)
        .map((s) => ({ ...s, expires_at: s.expires_at === null || s.expires_at > overlapEnd ? overlapEnd : s.expires_at }));
      const secrets = [{ sealed: box.seal(signing), created_at: now, expires_at: null }, ...kept];
      const updated = await endpoints.findOneAndUpdate(
        { _id: id, account: owner.account, livemode: owner.livemode, secret_rolls: current.secret_rolls },
        { $set: { secrets, updated_at: now }, $inc: { secret_rolls: 1 } },
      );
      if (!updated) throw new AppError('CONFLICT', 'The secret was rolled by another request at the same time; that roll stands.');
      return { endpoint: updated, secret: signing };
    },

    /** The enabled endpoints of the account and mode subscribed to the event type (for the job queue's fan-out). */
    async subscribedTo(account: string, livemode: boolean, type: WebhookEventType): Promise<WebhookEndpointDoc[]> {
      const all = await endpoints.find({ account, livemode, disabled: false });
      return all.filter((e) => e.enabled_events.includes('*') || e.enabled_events.includes(type));
    },

    /**
     * Where and how to deliver to an endpoint now, or null when it was deleted or disabled since
     * the delivery was queued (the job then ends without sending).
     */
    async deliveryTarget(endpointId: string): Promise<WebhookTarget | null> {
      const doc = await endpoints.findOne({ _id: endpointId });
      if (!doc || doc.disabled) return null;
      return { id: doc._id, url: doc.url, livemode: doc.livemode, secrets: openSecrets(doc, clock.now()) };
    },

    /** Keeps one delivery attempt for the console's list of recent deliveries. */
    async recordDelivery(endpointId: string, event: { id: string; type: string }, attempt: DeliveryAttempt): Promise<WebhookDeliveryDoc | null> {
      const endpoint = await endpoints.findOne({ _id: endpointId });
      if (!endpoint) return null;
      const doc: WebhookDeliveryDoc = {
        _id: newId('whd'),
        endpoint: endpointId,
        account: endpoint.account,
        event: event.id,
        type: event.type,
        ...attempt,
        created_at: clock.now(),
      };
      await deliveries.insertOne(doc);
      return doc;
    },

    /** An endpoint's latest delivery attempts, newest first. */
    async recentDeliveries(owner: Owner, endpointId: string, limit = 20): Promise<WebhookDeliveryDoc[]> {
      await get(owner, endpointId);
      return deliveries.find({ endpoint: endpointId }, { sort: { created_at: -1, _id: -1 }, limit });
    },
  };
}

export type WebhookEndpointService = ReturnType<typeof createWebhookEndpointService>;
