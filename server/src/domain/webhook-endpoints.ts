/**
 * Webhook endpoints: where an organizer wants events POSTed, which types, and the secrets that
 * sign them (docs/webhooks.md). The job queue asks {@link WebhookEndpointService.subscribedTo}
 * which endpoints take an event and {@link WebhookEndpointService.deliveryTarget} what to sign
 * with at delivery time, then records each attempt with `recordDelivery`.
 */
import type { WebhookEventType } from '@trendy-tickets/sdk';
import type { Clock } from '../kernel/clock.js';
import { AppError, notFound } from '../kernel/errors.js';
import { newId, newSortableId } from '../kernel/ids.js';
import { paginate, type Page, type PageParams } from '../store/paginate.js';
import { DuplicateKeyError, op, type IndexSpec, type Store } from '../store/port.js';
import type { AccountDoc } from './accounts.js';
import type { Owner } from './events.js';
import type { Outbox, WebhookFanout } from './ports.js';
import { TtlCache } from './ttl-cache.js';
import { createEndpointHealth } from './webhook-endpoint-health.js';
import { type AuditContext, type AuditLog, changesBetween, createAuditLog } from './audit-log.js';
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

/**
 * How long this process trusts its list of an account's enabled endpoints. Every events-log entry
 * asks for that list; changes made on this process drop it at once, changes made by another
 * server process are seen within this time (docs/webhooks.md#delivery).
 */
export const SUBSCRIBERS_TTL_MS = 5_000;

/** How many account-and-mode lists the process keeps at most. */
const SUBSCRIBERS_CACHE_ENTRIES = 10_000;

/**
 * How long this process sends deliveries to an endpoint as it read it, instead of reading it
 * again for each one: an event goes to every endpoint of the account, so a sale is a dozen
 * deliveries to the same few endpoints. Changes made on this process (and the automatic
 * disabling) drop it at once; another server process's within this time (docs/webhooks.md#delivery).
 */
export const DELIVERY_TARGET_TTL_MS = 1_000;

/** Endpoints kept for delivery, and opened signing secrets, at most. */
const DELIVERY_CACHE_ENTRIES = 1_000;

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
  /**
   * Since when every attempt has failed: set by the first failure after a success (or ever),
   * cleared by any success and by enabling the endpoint again. Absent on endpoints stored before it.
   */
  failing_since?: Date | null;
  /** When it was last disabled, and whether by the organizer or for three days of failures (`webhook-endpoint-health.ts`). */
  disabled_at?: Date | null;
  disabled_reason?: 'organizer' | 'failing' | null;
  /** The error of the attempt that disabled it, for the console. */
  disabled_error?: string | null;
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

/** An enabled endpoint as the fan-out needs it: who, and which types. */
export type SubscribedEndpoint = Pick<WebhookEndpointDoc, '_id' | 'enabled_events'>;

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

/** What the audit log compares of an endpoint: never its sealed secrets. */
const ENDPOINT_AUDIT_FIELDS = ['url', 'enabled_events', 'description', 'disabled'] as const satisfies readonly (keyof WebhookEndpointDoc)[];

/**
 * The webhook endpoint service.
 *
 * @example
 * const endpoints = createWebhookEndpointService({ store, clock, secret: config.secret, resolve, outbox, fanout });
 * const { endpoint, secret } = await endpoints.create(owner, { url, enabled_events: ['order.paid'] });
 */
export function createWebhookEndpointService({
  store,
  clock,
  secret,
  previousSecrets = [],
  resolve,
  outbox,
  fanout,
  auditLog = createAuditLog({ store, clock }),
}: {
  store: Store;
  clock: Clock;
  secret: string;
  /** Earlier TTS_SECRETs, so secrets sealed before a rotation still open. */
  previousSecrets?: readonly string[];
  resolve: ResolveHost;
  outbox: Outbox;
  /** Queues deliveries: the events log's fan-out, also used to resend one. */
  fanout: Pick<WebhookFanout, 'enqueueDelivery'>;
  /** The audit log (default: one over the same store). */
  auditLog?: AuditLog;
}) {
  const endpoints = store.collection<WebhookEndpointDoc>('webhook_endpoints');
  const quotas = store.collection<QuotaDoc>('webhook_endpoint_quotas');
  const deliveries = store.collection<WebhookDeliveryDoc>('webhook_deliveries');
  const box = createSecretBox(secret, { previousSecrets });
  // The enabled endpoints of each account and mode, for the fan-out every events-log entry goes through.
  const enabledByMode = new TtlCache<string, SubscribedEndpoint[]>(clock, SUBSCRIBERS_TTL_MS, SUBSCRIBERS_CACHE_ENTRIES);
  const modeKey = (account: string, livemode: boolean) => `${account}:${livemode ? 'live' : 'test'}`;
  // Bumped by every change, so a list read while a change was being made is not kept.
  let changeCount = 0;
  // Endpoints as read for delivery, with their failure record kept up to date by this process's attempts.
  const targets = new TtlCache<string, WebhookEndpointDoc>(clock, DELIVERY_TARGET_TTL_MS, DELIVERY_CACHE_ENTRIES);
  // Opening a sealed secret is an AES-GCM decryption; a sealed value always opens to the same secret.
  const opened = new TtlCache<string, string>(clock, 60_000, DELIVERY_CACHE_ENTRIES);
  /** Drops the cached list after a change on this process, so the next entry sees the change. */
  const forget = (owner: Owner) => {
    changeCount++;
    enabledByMode.delete(modeKey(owner.account, owner.livemode));
    targets.deleteWhere((doc) => doc.account === owner.account && doc.livemode === owner.livemode);
  };
  const health = createEndpointHealth({ endpoints, accounts: store.collection<AccountDoc>('accounts'), outbox, clock, onDisabled: forget });

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
    return doc.secrets.filter((s) => s.expires_at === null || s.expires_at > now).map((s) => opened.get(s.sealed) ?? opened.set(s.sealed, box.open(s.sealed)));
  }

  /** The endpoint as a delivery sees it: read at most {@link DELIVERY_TARGET_TTL_MS} ago, or null once deleted. */
  async function forDelivery(endpointId: string): Promise<WebhookEndpointDoc | null> {
    const cached = targets.get(endpointId);
    if (cached) return cached;
    const before = changeCount;
    const doc = await endpoints.findOne({ _id: endpointId });
    if (doc && changeCount === before) targets.set(endpointId, doc);
    return doc;
  }

  return {
    /**
     * Saves an endpoint after checking its URL for the mode, and returns it with its signing
     * secret: the only time the secret is shown.
     */
    async create(owner: Owner, input: WebhookEndpointInput, audit?: AuditContext): Promise<{ endpoint: WebhookEndpointDoc; secret: string }> {
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
      forget(owner);
      if (audit) {
        const changes = changesBetween(null, endpoint, ENDPOINT_AUDIT_FIELDS);
        await auditLog.record(audit, { action: 'webhook_endpoint.created', target: { type: 'webhook_endpoint', id: endpoint._id }, changes });
      }
      return { endpoint, secret: signing };
    },

    /** The mode's endpoints, newest first. */
    async list(owner: Owner, page: PageParams): Promise<Page<WebhookEndpointDoc>> {
      return paginate(endpoints, { account: owner.account, livemode: owner.livemode }, page);
    },

    get,

    /**
     * Changes the fields given; a new URL is checked as at creation. Enabling an endpoint starts
     * its failure record afresh, so one disabled for failing gets three more days.
     */
    async update(owner: Owner, id: string, patch: WebhookEndpointPatch, audit?: AuditContext): Promise<WebhookEndpointDoc> {
      const current = await get(owner, id);
      if (patch.url !== undefined) await checkWebhookUrl(patch.url, { livemode: owner.livemode, resolve });
      const now = clock.now();
      const $set: Partial<WebhookEndpointDoc> = { updated_at: now };
      if (patch.url !== undefined) $set.url = patch.url;
      if (patch.enabled_events !== undefined) $set.enabled_events = normaliseEvents(patch.enabled_events);
      if (patch.description !== undefined) $set.description = patch.description;
      // Only a real re-enabling starts afresh: a form saving `disabled: false` with another change must not hide a failing receiver.
      if (patch.disabled === false && current.disabled)
        Object.assign($set, { disabled: false, failing_since: null, disabled_at: null, disabled_reason: null, disabled_error: null });
      if (patch.disabled === true && !current.disabled) Object.assign($set, { disabled: true, disabled_at: now, disabled_reason: 'organizer', disabled_error: null });
      const updated = await endpoints.findOneAndUpdate({ _id: id, account: owner.account, livemode: owner.livemode }, { $set });
      forget(owner);
      if (!updated) throw notFound('webhook endpoint', id);
      if (audit) {
        const changes = changesBetween(current, updated, ENDPOINT_AUDIT_FIELDS);
        await auditLog.record(audit, { action: 'webhook_endpoint.updated', target: { type: 'webhook_endpoint', id }, changes });
      }
      return updated;
    },

    /** Deletes an endpoint (nothing more is sent to it) and frees its slot. */
    async remove(owner: Owner, id: string, audit?: AuditContext): Promise<void> {
      // Read first only to say in the audit log what was deleted; the delete below decides.
      const before = audit ? await endpoints.findOne({ _id: id, account: owner.account, livemode: owner.livemode }) : null;
      const removed = await endpoints.deleteOne({ _id: id, account: owner.account, livemode: owner.livemode });
      forget(owner);
      if (removed === 0) throw notFound('webhook endpoint', id);
      await quotas.updateOne({ _id: `${owner.account}:${owner.livemode ? 'live' : 'test'}` }, { $inc: { count: -1 } });
      if (audit) {
        const changes = changesBetween(before, null, ENDPOINT_AUDIT_FIELDS);
        await auditLog.record(audit, { action: 'webhook_endpoint.deleted', target: { type: 'webhook_endpoint', id }, changes });
      }
    },

    /**
     * Issues a new signing secret. The previous one keeps signing for 24 hours, each delivery
     * carrying a signature by both, so a receiver can deploy the new secret without missing one.
     * Two rolls racing: one wins, the other answers 409 CONFLICT and issued nothing.
     */
    async rollSecret(owner: Owner, id: string, audit?: AuditContext): Promise<{ endpoint: WebhookEndpointDoc; secret: string }> {
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
      forget(owner);
      if (!updated) throw new AppError('CONFLICT', 'The secret was rolled by another request at the same time; that roll stands.');
      // The secret itself is never named: only that it was rolled, and how many rolls there have been.
      if (audit) {
        const changes = { rolls: { before: current.secret_rolls, after: updated.secret_rolls } };
        await auditLog.record(audit, { action: 'webhook_endpoint.secret_rolled', target: { type: 'webhook_endpoint', id }, changes });
      }
      return { endpoint: updated, secret: signing };
    },

    /**
     * The enabled endpoints of the account and mode subscribed to the event type (for the job
     * queue's fan-out). Read through a per-process cache: at most one store read per account and
     * mode every {@link SUBSCRIBERS_TTL_MS}, however many entries are recorded.
     */
    async subscribedTo(account: string, livemode: boolean, type: WebhookEventType): Promise<SubscribedEndpoint[]> {
      const key = modeKey(account, livemode);
      let all = enabledByMode.get(key);
      if (!all) {
        const before = changeCount;
        all = (await endpoints.find({ account, livemode, disabled: false })).map((e) => ({ _id: e._id, enabled_events: e.enabled_events }));
        if (changeCount === before) enabledByMode.set(key, all);
      }
      return all.filter((e) => e.enabled_events.includes('*') || e.enabled_events.includes(type));
    },

    /**
     * Where and how to deliver to an endpoint now, or null when it was deleted or disabled since
     * the delivery was queued (the job then ends without sending).
     */
    async deliveryTarget(endpointId: string): Promise<WebhookTarget | null> {
      const doc = await forDelivery(endpointId);
      if (!doc || doc.disabled) return null;
      return { id: doc._id, url: doc.url, livemode: doc.livemode, secrets: openSecrets(doc, clock.now()) };
    },

    /**
     * Keeps one delivery attempt for the console's list of recent deliveries, and notes it in the
     * endpoint's failure record: three days of failures disable the endpoint and mail the organizer
     * (`webhook-endpoint-health.ts`). The endpoint's failure record is the one this process keeps
     * from its attempts: the store is written only when it changes (a streak starts or ends).
     */
    async recordDelivery(endpointId: string, event: { id: string; type: string }, attempt: DeliveryAttempt): Promise<WebhookDeliveryDoc | null> {
      const endpoint = await forDelivery(endpointId);
      if (!endpoint) return null;
      const doc: WebhookDeliveryDoc = {
        _id: newSortableId('whd'),
        endpoint: endpointId,
        account: endpoint.account,
        event: event.id,
        type: event.type,
        ...attempt,
        created_at: clock.now(),
      };
      await deliveries.insertOne(doc);
      const streakBefore = endpoint.failing_since ?? null;
      await health.noteAttempt(endpoint, attempt);
      // The next attempt of this process starts from this one's outcome, as the store now has it
      // (a streak another server started first is seen within the cache time).
      const streak = attempt.ok ? null : (streakBefore ?? doc.created_at);
      const cached = targets.get(endpointId);
      if (cached && (cached.failing_since ?? null) === streakBefore) cached.failing_since = streak;
      return doc;
    },

    /**
     * Queues the event of one past delivery attempt to its endpoint again, as a new job of the
     * webhook channel (same event, same `id`). The job's key names the attempt, so resending the
     * same attempt twice (a double click) queues it once.
     * @throws AppError NOT_FOUND for another account's endpoint or attempt, CONFLICT for a disabled endpoint.
     */
    async resend(owner: Owner, endpointId: string, deliveryId: string): Promise<WebhookDeliveryDoc> {
      const endpoint = await get(owner, endpointId);
      const attempt = await deliveries.findOne({ _id: deliveryId, endpoint: endpoint._id });
      if (!attempt) throw notFound('webhook delivery', deliveryId);
      if (endpoint.disabled) throw new AppError('CONFLICT', 'This endpoint is disabled, so nothing is sent to it: enable it first, then resend.');
      await fanout.enqueueDelivery({
        event: attempt.event,
        endpoint: endpoint._id,
        dedupeKey: `webhook:${attempt.event}:${endpoint._id}:resend:${attempt._id}`,
        account: owner.account,
        livemode: owner.livemode,
      });
      return attempt;
    },

    /** An endpoint's latest delivery attempts, newest first. */
    async recentDeliveries(owner: Owner, endpointId: string, limit = 20): Promise<WebhookDeliveryDoc[]> {
      await get(owner, endpointId);
      return deliveries.find({ endpoint: endpointId }, { sort: { created_at: -1, _id: -1 }, limit });
    },
  };
}

export type WebhookEndpointService = ReturnType<typeof createWebhookEndpointService>;
