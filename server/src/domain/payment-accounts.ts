/**
 * Organizers' own payment accounts: the Razorpay keys an organizer connects so buyers pay
 * them directly (docs/domain-rules.md#payments, docs/decisions/0026-payment-port-and-organizer-accounts.md).
 *
 * Each connection is one `gateway_configs` document, per account and mode, kept after it is
 * replaced or disconnected: an order remembers the configuration that took it
 * (`payment.config`), and its capture, refunds and reconciliation must go to that same
 * Razorpay account. Secrets are sealed (`webhook-secrets.ts`) and never leave this module
 * except to build a gateway; callers see the last four characters.
 */
import { type AuditContext, type AuditLog, changesBetween, createAuditLog } from './audit-log.js';
import type { IndexSpec, Store } from '../store/port.js';
import type { Clock } from '../kernel/clock.js';
import { AppError, type FieldIssue } from '../kernel/errors.js';
import { newId } from '../kernel/ids.js';
import type { Owner } from './events.js';
import type { SecretBox } from './webhook-secrets.js';

/** The gateways an organizer may connect. */
export type ConnectableGateway = 'razorpay';

/** One connected set of gateway keys, as stored. */
export interface GatewayConfigDoc {
  /** `gwc_…`; what orders store as `payment.config`. */
  _id: string;
  account: string;
  livemode: boolean;
  gateway: ConnectableGateway;
  /** Public (`rzp_test_…`/`rzp_live_…`). */
  key_id: string;
  /** Sealed. */
  key_secret: string;
  /** Sealed. */
  webhook_secret: string;
  key_secret_last4: string;
  webhook_secret_last4: string;
  /** The one new orders of its account and mode are taken with; at most one per account and mode. */
  active: boolean;
  created_at: Date;
  disconnected_at: Date | null;
}

/** Keys as the organizer pastes them from Razorpay's dashboard. */
export interface GatewayCredentials {
  keyId: string;
  keySecret: string;
  webhookSecret: string;
}

/** A stored configuration with its secrets opened, for building its gateway. */
export interface OpenedGatewayConfig {
  id: string;
  account: string;
  livemode: boolean;
  gateway: ConnectableGateway;
  credentials: GatewayCredentials;
}

/**
 * Asks the gateway whether the keys are good before they are saved (a cheap authenticated
 * call). Rejects with a `GatewayError` (`auth_failed` for wrong keys). Implemented in `payments/`.
 */
export type CredentialCheck = (gateway: ConnectableGateway, credentials: Pick<GatewayCredentials, 'keyId' | 'keySecret'>) => Promise<void>;

export const GATEWAY_CONFIG_INDEXES: readonly IndexSpec[] = [{ collection: 'gateway_configs', keys: { account: 1, livemode: 1, active: 1 } }];

/**
 * Who is paid for an account's orders in one mode: its connected account; else, in test mode,
 * the built-in test gateway; else, in live mode, the installation's account when the platform
 * collects; else nobody, and live sales are refused (docs/domain-rules.md#payments).
 */
export type Collector = 'connected_account' | 'test_gateway' | 'platform' | 'not_connected';

/** The one rule for `Collector`, shared by the gateway resolver and the settings shown to organizers. */
export function collectorFor(connected: boolean, livemode: boolean, platformCollects: boolean): Collector {
  if (connected) return 'connected_account';
  if (!livemode) return 'test_gateway';
  return platformCollects ? 'platform' : 'not_connected';
}

const KEY_ID = { test: /^rzp_test_[A-Za-z0-9]{6,40}$/, live: /^rzp_live_[A-Za-z0-9]{6,40}$/ };

/** The last four characters, the only part of a secret ever shown again. */
const last4 = (secret: string) => secret.slice(-4);

/**
 * The payment-account service.
 *
 * @example
 * const paymentAccounts = createPaymentAccounts({ store, clock, box, check });
 * await paymentAccounts.connect(owner, { gateway: 'razorpay', keyId, keySecret, webhookSecret });
 */
/**
 * A connection as the audit log records it: the gateway, the key id (which Razorpay shows in
 * its own dashboard) and the last four characters of each secret, never a secret. The names
 * avoid the words the log drops (`secret`), so the last fours are kept.
 */
function auditView(doc: GatewayConfigDoc | null) {
  return doc && { gateway: doc.gateway, key_id: doc.key_id, key_last4: doc.key_secret_last4, webhook_last4: doc.webhook_secret_last4 };
}
const AUDIT_FIELDS = ['gateway', 'key_id', 'key_last4', 'webhook_last4'] as const;

export function createPaymentAccounts(deps: { store: Store; clock: Clock; box: SecretBox; check: CredentialCheck; platformCollects: boolean; auditLog?: AuditLog }) {
  const { store, clock, box, check, platformCollects } = deps;
  const auditLog = deps.auditLog ?? createAuditLog({ store, clock });
  const configs = store.collection<GatewayConfigDoc>('gateway_configs');

  async function newestActive(account: string, livemode: boolean): Promise<GatewayConfigDoc | null> {
    const [doc] = await configs.find({ account, livemode, active: true }, { sort: { created_at: -1 }, limit: 1 });
    return doc ?? null;
  }

  function opened(doc: GatewayConfigDoc): OpenedGatewayConfig {
    return {
      id: doc._id,
      account: doc.account,
      livemode: doc.livemode,
      gateway: doc.gateway,
      credentials: { keyId: doc.key_id, keySecret: box.open(doc.key_secret), webhookSecret: box.open(doc.webhook_secret) },
    };
  }

  /** Refuses keys of the wrong mode before asking Razorpay: a live account takes no test money. */
  function assertShape(owner: Owner, input: GatewayCredentials): void {
    const issues: FieldIssue[] = [];
    const mode = owner.livemode ? 'live' : 'test';
    if (!KEY_ID[mode].test(input.keyId)) issues.push({ field: 'key_id', message: `must be a Razorpay ${mode} key id (rzp_${mode}_…)` });
    if (input.keySecret.length < 8) issues.push({ field: 'key_secret', message: 'must be the key secret Razorpay showed with the key id' });
    if (input.webhookSecret.length < 8) issues.push({ field: 'webhook_secret', message: 'must be at least 8 characters, as set on the webhook in Razorpay' });
    if (issues.length > 0) throw new AppError('VALIDATION_FAILED', 'These are not Razorpay keys for this mode.', issues);
  }

  return {
    /** The active connection of the owner's account and mode (or null), and who is paid for its orders. */
    async settings(owner: Owner): Promise<{ connected: GatewayConfigDoc | null; collector: Collector }> {
      const connected = await newestActive(owner.account, owner.livemode);
      return { connected, collector: collectorFor(connected !== null, owner.livemode, platformCollects) };
    },

    /**
     * Checks the keys with the gateway, then stores them sealed as the account's active
     * connection for this mode; the one before stays stored (inactive) for its orders.
     * @throws AppError VALIDATION_FAILED for keys of the wrong shape or mode, or keys the gateway refused
     */
    async connect(owner: Owner, input: { gateway: ConnectableGateway } & GatewayCredentials, audit?: AuditContext): Promise<GatewayConfigDoc> {
      assertShape(owner, input);
      try {
        await check(input.gateway, { keyId: input.keyId, keySecret: input.keySecret });
      } catch (err) {
        const refusal = (err as { refusal?: unknown } | null)?.refusal;
        if (refusal === 'auth_failed') {
          throw new AppError('VALIDATION_FAILED', 'Razorpay refused this key id and key secret: copy both again from the Razorpay dashboard (Account & Settings → API keys).', [
            { field: 'key_secret', message: 'Razorpay answered 401 for this key id and secret' },
          ]);
        }
        throw err;
      }
      const now = clock.now();
      const doc: GatewayConfigDoc = {
        _id: newId('gwc'),
        account: owner.account,
        livemode: owner.livemode,
        gateway: input.gateway,
        key_id: input.keyId,
        key_secret: box.seal(input.keySecret),
        webhook_secret: box.seal(input.webhookSecret),
        key_secret_last4: last4(input.keySecret),
        webhook_secret_last4: last4(input.webhookSecret),
        active: false,
        created_at: now,
        disconnected_at: null,
      };
      // Read only for the audit log: what the change replaced.
      const before = audit ? await newestActive(owner.account, owner.livemode) : null;
      await configs.insertOne(doc);
      // Switch over: earlier connections step down, then this one takes over. Two saves racing may
      // both end active; every reader takes the newest active one (`newestActive`), so they agree.
      await configs.updateMany({ account: owner.account, livemode: owner.livemode, active: true }, { $set: { active: false, disconnected_at: now } });
      await configs.updateOne({ _id: doc._id }, { $set: { active: true } });
      if (audit) {
        const changes = changesBetween(auditView(before), auditView(doc), AUDIT_FIELDS);
        await auditLog.record(audit, { action: 'payment_settings.connected', target: { type: 'payment_settings', id: doc._id }, changes });
      }
      return { ...doc, active: true };
    },

    /**
     * Stops new orders of this mode going to the connected account. Its keys stay sealed for
     * the orders it took (refunds, reconciliation, their webhooks). Idempotent.
     */
    async disconnect(owner: Owner, audit?: AuditContext): Promise<void> {
      const before = audit ? await newestActive(owner.account, owner.livemode) : null;
      const stepped = await configs.updateMany({ account: owner.account, livemode: owner.livemode, active: true }, { $set: { active: false, disconnected_at: clock.now() } });
      // Disconnecting what was not connected changes nothing, and records nothing.
      if (audit && before && stepped.modified > 0) {
        const changes = changesBetween(auditView(before), null, AUDIT_FIELDS);
        await auditLog.record(audit, { action: 'payment_settings.disconnected', target: { type: 'payment_settings', id: before._id }, changes });
      }
    },

    /** One configuration with its secrets, active or not (for an order that names it); null if unknown. */
    async open(id: string): Promise<OpenedGatewayConfig | null> {
      const doc = await configs.findOne({ _id: id });
      return doc ? opened(doc) : null;
    },

    /** The active configuration of an account and mode with its secrets, or null. */
    async openActive(account: string, livemode: boolean): Promise<OpenedGatewayConfig | null> {
      const doc = await newestActive(account, livemode);
      return doc ? opened(doc) : null;
    },

    /** Every configuration an account ever connected, newest first: the webhook secrets its URL accepts. */
    async openAll(account: string): Promise<OpenedGatewayConfig[]> {
      const docs = await configs.find({ account }, { sort: { created_at: -1 }, limit: 20 });
      return docs.map(opened);
    },
  };
}

export type PaymentAccounts = ReturnType<typeof createPaymentAccounts>;
