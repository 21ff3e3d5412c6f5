/**
 * The audit log: who changed what in an account, when, and from where (docs/audit-log.md).
 *
 * One entry per state-changing action in the console or the API, recorded by the service that
 * made the change, after it is stored. The events log (domain-events.ts) says what happened to
 * an object; the audit log says who made it happen. Where the change has an events-log entry,
 * the audit entry names it (`domain_event`), so the two are read together; account and security
 * actions (sign-ins, keys, webhook endpoints) have no events-log entry and stand alone.
 *
 * The collection is written only by `insertOne`: nothing here updates or deletes an entry, and
 * no route does either. Entries expire after {@link AUDIT_RETENTION_DAYS} days (a TTL index).
 * Secrets never reach it: callers name the fields that changed, and {@link record} drops any
 * field whose name says it holds a secret, password, hash or token, at any depth.
 */
import type { Clock } from '../kernel/clock.js';
import { yieldToEventLoop } from '../kernel/event-loop.js';
import { newSortableId } from '../kernel/ids.js';
import { paginate, type Page, type PageParams } from '../store/paginate.js';
import { op, type Filter, type IndexSpec, type Operator, type Store } from '../store/port.js';
import type { AuditActor as Actor } from './actors.js';
import { csvLine } from './csv.js';

export type { Actor };

/** Every action the log records; docs/audit-log.md says when each is recorded. */
export const AUDIT_ACTIONS = [
  'event.created',
  'event.updated',
  'event.cancelled',
  'order.refund_requested',
  'order.cancelled',
  'ticket.issued',
  'ticket.voided',
  'ticket.email_resent',
  'checkin.undone',
  'checkin_list.created',
  'checkin_list.updated',
  'checkin_list.deleted',
  'question.created',
  'question.updated',
  'question.deleted',
  'promo_code.created',
  'promo_code.updated',
  'promo_code.deleted',
  'waiting_list_entry.removed',
  'door_device.signed_in',
  'door_device.revoked',
  'api_key.created',
  'api_key.rolled',
  'api_key.revoked',
  'webhook_endpoint.created',
  'webhook_endpoint.updated',
  'webhook_endpoint.deleted',
  'webhook_endpoint.secret_rolled',
  'account.created',
  'session.signed_in',
  'session.sign_in_failed',
  'session.signed_out',
  'checkin.admitted',
  'team.invitation_sent',
  'team.invitation_accepted',
  'team.invitation_revoked',
  'team.member_role_changed',
  'team.member_removed',
  'user.password_changed',
  'user.password_reset',
  'user.two_factor_enabled',
  'user.two_factor_disabled',
  'user.recovery_code_used',
  'user.email_verified',
  'session.ended',
  'session.ended_others',
  'session.mode_switched',
  'payment_settings.connected',
  'payment_settings.disconnected',
  'tax_profile.updated',
  'job.retried',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/**
 * Actions about the account itself rather than its test or live data: who signs in, the team,
 * each person's own security, the tax profile. Their entries have no mode (`livemode: null`)
 * and are read with either mode's keys and console; every other entry is read only in its mode.
 */
export const ACCOUNT_LEVEL_ACTIONS: ReadonlySet<AuditAction> = new Set<AuditAction>(AUDIT_ACTIONS.filter((action) => /^(account|session|user|team|tax_profile)\./.test(action)));

/** The kinds of object an action is about. */
export type AuditTargetType =
  | 'event'
  | 'order'
  | 'ticket'
  | 'checkin'
  | 'checkin_list'
  | 'question'
  | 'promo_code'
  | 'waiting_list_entry'
  | 'door_device'
  | 'api_key'
  | 'webhook_endpoint'
  | 'account'
  | 'member'
  | 'invitation'
  | 'payment_settings'
  | 'tax_profile'
  | 'job';

/** What an action was done to. */
export interface AuditTarget {
  type: AuditTargetType;
  id: string;
}

/** A value as the log keeps it: JSON (dates as ISO-8601 strings). */
export type AuditValue = string | number | boolean | null | AuditValue[] | { [key: string]: AuditValue };

/** The fields an action changed, each with its value before and after (`null` where there was none). */
export type AuditChanges = Record<string, { before: AuditValue; after: AuditValue }>;

/**
 * Who acted, and from where: built once per request by the HTTP and console layers
 * (`auditContext(c)`) and handed to each service call that changes something.
 */
export interface AuditContext {
  actor: Actor;
  /** The account acted on. */
  account: string;
  /** The mode the caller was in (the key's, or the console's switch). */
  livemode: boolean;
  /** The caller's address (`unknown` when there is no socket, as in tests). */
  ip: string;
  userAgent: string | null;
  requestId: string;
}

/** Where a request came from, before anyone is known to be acting (an invitation being accepted). */
export type AuditRequest = Pick<AuditContext, 'ip' | 'userAgent' | 'requestId'>;

/** A stored entry (collection `audit_log`). */
export interface AuditEntryDoc {
  /** `aud_…`. */
  _id: string;
  account: string;
  /** The mode of the data changed; null for an action about the account itself ({@link ACCOUNT_LEVEL_ACTIONS}). */
  livemode: boolean | null;
  created_at: Date;
  action: AuditAction;
  actor: Actor;
  target: AuditTarget;
  changes: AuditChanges;
  /** The events-log entry (`ev_…`) of the same change, where there is one. */
  domain_event: string | null;
  ip: string;
  user_agent: string | null;
  request_id: string;
}

export const AUDIT_LOG_COLLECTION = 'audit_log';

/** How long entries are kept: a year and a day, so a yearly review always finds last year's date. */
export const AUDIT_RETENTION_DAYS = 366;

/** The log's lists (an account, newest first, optionally of one action, actor or target) and its retention. */
export const AUDIT_LOG_INDEXES: readonly IndexSpec[] = [
  { collection: AUDIT_LOG_COLLECTION, keys: { account: 1, created_at: -1, _id: -1 } },
  { collection: AUDIT_LOG_COLLECTION, keys: { account: 1, action: 1, created_at: -1, _id: -1 } },
  { collection: AUDIT_LOG_COLLECTION, keys: { account: 1, 'actor.id': 1, created_at: -1, _id: -1 } },
  { collection: AUDIT_LOG_COLLECTION, keys: { account: 1, 'target.id': 1, created_at: -1, _id: -1 } },
  { collection: AUDIT_LOG_COLLECTION, keys: { created_at: 1 }, expireAfterSeconds: AUDIT_RETENTION_DAYS * 24 * 60 * 60 },
];

/** Field names that hold a secret or something derived from one: never written to the log. */
const SECRET_FIELD = /secret|password|hash|token|signing|code/i;

/** A value as JSON the log can keep, with every secret-named field dropped at any depth. */
function toAuditValue(value: unknown): AuditValue {
  if (value === undefined || value === null) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.map(toAuditValue);
  if (typeof value === 'object') {
    const out: Record<string, AuditValue> = {};
    for (const [key, inner] of Object.entries(value)) if (!SECRET_FIELD.test(key)) out[key] = toAuditValue(inner);
    return out;
  }
  return String(value);
}

/**
 * The named fields whose values differ between `before` and `after`, each as a before/after
 * pair; unchanged fields are left out. A created object has no `before` (every value is null
 * before), a deleted one no `after`.
 *
 * @example
 * changesBetween({ name: 'A', venue: 'X' }, { name: 'B', venue: 'X' }, ['name', 'venue']);
 * // { name: { before: 'A', after: 'B' } }
 */
export function changesBetween<T extends object>(before: T | null, after: T | null, fields: readonly (keyof T & string)[]): AuditChanges {
  const changes: AuditChanges = {};
  for (const field of fields) {
    const was = toAuditValue(before?.[field]);
    const is = toAuditValue(after?.[field]);
    if (JSON.stringify(was) !== JSON.stringify(is)) changes[field] = { before: was, after: is };
  }
  return changes;
}

/** Filters of the log's list and export. */
export interface AuditLogFilters {
  /** The reader's mode: entries of that mode and the account's own (those with no mode). Both modes' entries when absent. */
  livemode?: boolean | undefined;
  action?: AuditAction | undefined;
  /** An actor's id: an account (`acct_…`) or an API key (`key_…`). */
  actor?: string | undefined;
  /** The id of the object acted on. */
  target?: string | undefined;
  /** Entries at or after this time. */
  from?: Date | undefined;
  /** Entries before this time. */
  to?: Date | undefined;
}

export interface AuditLogQuery extends AuditLogFilters, PageParams {}

/** Entries read per round trip by the CSV export. */
export const AUDIT_CSV_BATCH_SIZE = 100;

/** The CSV export's columns, in order. */
export const AUDIT_CSV_HEADER = [
  'created_at',
  'action',
  'actor_type',
  'actor_id',
  'actor_label',
  'target_type',
  'target_id',
  'changes',
  'domain_event',
  'ip',
  'user_agent',
  'request_id',
  'livemode',
] as const;

function csvRow(entry: AuditEntryDoc): string[] {
  return [
    entry.created_at.toISOString(),
    entry.action,
    entry.actor.type,
    entry.actor.id,
    entry.actor.label,
    entry.target.type,
    entry.target.id,
    JSON.stringify(entry.changes),
    entry.domain_event ?? '',
    entry.ip,
    entry.user_agent ?? '',
    entry.request_id,
    entry.livemode === null ? '' : String(entry.livemode),
  ];
}

/** What one action records besides who and where. */
export interface AuditRecord {
  action: AuditAction;
  target: AuditTarget;
  changes?: AuditChanges;
  /** The events-log entry of the same change (`domainEventId(…)`), where there is one. */
  domainEvent?: string | null;
}

export interface AuditLogDeps {
  store: Store;
  clock: Clock;
}

/**
 * The audit log over a store.
 *
 * @example
 * const audit = createAuditLog({ store, clock });
 * await audit.record(context, { action: 'event.cancelled', target: { type: 'event', id: event._id } });
 */
export function createAuditLog({ store, clock }: AuditLogDeps) {
  const log = store.collection<AuditEntryDoc>(AUDIT_LOG_COLLECTION);

  function filterOf(account: string, filters: AuditLogFilters): Filter {
    const filter: Filter = { account };
    if (filters.livemode !== undefined) filter.livemode = op.in([filters.livemode, null]);
    if (filters.action !== undefined) filter.action = filters.action;
    if (filters.actor !== undefined) filter['actor.id'] = filters.actor;
    if (filters.target !== undefined) filter['target.id'] = filters.target;
    const range: Operator[] = [];
    if (filters.from !== undefined) range.push(op.gte(filters.from));
    if (filters.to !== undefined) range.push(op.lt(filters.to));
    if (range.length > 0) filter.created_at = op.and(...range);
    return filter;
  }

  return {
    /**
     * Appends one entry: the action, its target and changed fields, and the caller from the
     * context. Secret-named fields are dropped from `changes` whatever the caller passed.
     */
    async record(context: AuditContext, input: AuditRecord): Promise<AuditEntryDoc> {
      const entry: AuditEntryDoc = {
        _id: newSortableId('aud'),
        account: context.account,
        livemode: ACCOUNT_LEVEL_ACTIONS.has(input.action) ? null : context.livemode,
        created_at: clock.now(),
        action: input.action,
        actor: { type: context.actor.type, id: context.actor.id, label: context.actor.label },
        target: { type: input.target.type, id: input.target.id },
        changes: toAuditValue(input.changes ?? {}) as AuditChanges,
        domain_event: input.domainEvent ?? null,
        ip: context.ip,
        user_agent: context.userAgent,
        request_id: context.requestId,
      };
      await log.insertOne(entry);
      return entry;
    },

    /** The account's entries, newest first, filtered (by the reader's mode, where `livemode` is given). */
    async list(account: string, query: AuditLogQuery): Promise<Page<AuditEntryDoc>> {
      return paginate(log, filterOf(account, query), { limit: query.limit, cursor: query.cursor });
    },

    /**
     * Every matching entry, newest first, read lazily in keyset pages of
     * {@link AUDIT_CSV_BATCH_SIZE}, yielding to other requests between pages: the CSV export's source.
     */
    async *entries(account: string, filters: AuditLogFilters): AsyncGenerator<AuditEntryDoc> {
      const filter = filterOf(account, filters);
      let cursor: string | undefined;
      do {
        const page = await paginate(log, filter, { limit: AUDIT_CSV_BATCH_SIZE, cursor });
        yield* page.data;
        cursor = page.nextCursor ?? undefined;
        if (cursor !== undefined) await yieldToEventLoop();
      } while (cursor !== undefined);
    },

    /**
     * The matching entries as CSV lines (header first, CRLF endings), every cell neutralised
     * against spreadsheet formulas as the attendee export's are (`csvLine`): a user agent or an
     * event name is the caller's to write.
     */
    async *csv(account: string, filters: AuditLogFilters): AsyncGenerator<string> {
      yield csvLine(AUDIT_CSV_HEADER);
      for await (const entry of this.entries(account, filters)) yield csvLine(csvRow(entry));
    },
  };
}

export type AuditLog = ReturnType<typeof createAuditLog>;
