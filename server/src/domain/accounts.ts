import { hash } from 'node:crypto';
import bcrypt from 'bcryptjs';
import type { KeyKind, KeyMode } from '@trendy-tickets/sdk';
import { op, DuplicateKeyError, type IndexSpec, type Store } from '../store/port.js';
import type { Clock } from '../kernel/clock.js';
import { AppError, notFound } from '../kernel/errors.js';
import { newId, randomBase62 } from '../kernel/ids.js';
import { type AuditContext, type AuditLog, changesBetween, createAuditLog } from './audit-log.js';
import { TtlCache } from './ttl-cache.js';
import type { Permission } from './permissions.js';

export interface AccountDoc {
  _id: string;
  email: string;
  name: string;
  password_hash: string;
  created_at: Date;
  /**
   * How many rolls of each kind and mode (`secret_test`, `publishable_live`, …) have started:
   * the number a roll takes, and the one its key carries (see `rollKey`). Absent until the first.
   */
  key_rolls?: Partial<Record<`${KeyKind}_${KeyMode}`, number>>;
}

export interface ApiKeyDoc {
  _id: string;
  account: string;
  kind: KeyKind;
  mode: KeyMode;
  /** SHA-256 (hex) of the full key: a leaked database does not leak usable keys. */
  hash: string;
  /** What the console shows: prefix and the last four characters. */
  display: string;
  created_at: Date;
  revoked_at: Date | null;
  /** The account's roll number that made this key; absent for keys made by sign-up or `createKey`. */
  roll?: number;
  /**
   * A restricted key (`rk_…`, a secret key limited to these permissions); absent for a full
   * key. Rolling the full secret key leaves restricted keys alone.
   */
  permissions?: Permission[];
  /** What the organizer called a restricted key ("Door scanners"). */
  name?: string;
}

export const ACCOUNT_INDEXES: readonly IndexSpec[] = [
  { collection: 'accounts', keys: { email: 1 }, unique: true },
  { collection: 'api_keys', keys: { hash: 1 }, unique: true },
  // listKeys: an account's active keys, newest first.
  { collection: 'api_keys', keys: { account: 1, revoked_at: 1, created_at: -1, _id: -1 } },
];

/** The authenticated caller of an API request. */
export interface KeyAuth {
  account: AccountDoc;
  key: ApiKeyDoc;
  livemode: boolean;
}

/** Hashes and checks passwords; bcrypt in the product, injectable so tests choose the cost. */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(password: string, hash: string): Promise<boolean>;
}

/**
 * bcrypt through bcryptjs (pure JS: nothing to compile at install time).
 *
 * @example
 * const hasher = bcryptHasher(12);
 */
export function bcryptHasher(cost: number): PasswordHasher {
  return {
    hash: (password) => bcrypt.hash(password, cost),
    verify: (password, hash) => bcrypt.compare(password, hash),
  };
}

const KEY_PREFIX: Record<KeyKind, string> = { secret: 'sk', publishable: 'pk' };
/**
 * How long a key lookup is remembered by one server. A rolled key stops at once on the server
 * that rolled it and within this time on the others; in exchange, most requests skip two reads.
 */
export const KEY_CACHE_MS = 2_000;

/** 36 base62 characters ≈ 214 bits, above the 24 random bytes the contract asks for. */
const KEY_RANDOM_CHARS = 36;
const KEY_PATTERN = /^(sk|pk|rk)_(test|live)_[0-9A-Za-z]{36}$/;

/** SHA-256 hex of a raw API key: how keys are stored and looked up. */
export function hashApiKey(raw: string): string {
  // One-shot `hash` skips building a Hash object: this runs on every keyed request.
  return hash('sha256', raw, 'hex');
}

/** Hashes of publishable keys already seen, at most {@link PUBLISHABLE_HASHES_MAX}. */
const publishableHashes = new Map<string, string>();
const PUBLISHABLE_HASHES_MAX = 10_000;

/**
 * {@link hashApiKey} of a publishable key, remembered: every buyer's page sends the same one,
 * and hashing it was about 2 % of the public event read's CPU
 * (docs/decisions/0055-public-read-cost.md). Only publishable keys: they are public by design
 * (they ship in web pages), while a secret or restricted key must never sit in memory as a
 * map key, so those are refused here and hashed on each request.
 * @throws Error for a key that is not publishable
 *
 * @example
 * const hash = raw.startsWith('pk_') ? publishableKeyHash(raw) : hashApiKey(raw);
 */
export function publishableKeyHash(raw: string): string {
  if (!raw.startsWith('pk_')) throw new Error('Only publishable keys are remembered.');
  const known = publishableHashes.get(raw);
  if (known !== undefined) return known;
  const hashed = hashApiKey(raw);
  // Bounded: a caller sending made-up keys would otherwise grow it without end.
  if (publishableHashes.size >= PUBLISHABLE_HASHES_MAX) publishableHashes.clear();
  publishableHashes.set(raw, hashed);
  return hashed;
}

/** What a restricted key is limited to. */
export interface Restriction {
  permissions: Permission[];
  name: string;
}

/** Builds a new key of a kind and mode (restricted when given one); the raw key exists only in the return value. */
function mintKey(account: string, kind: KeyKind, mode: KeyMode, now: Date, roll?: number, restriction?: Restriction): { doc: ApiKeyDoc; raw: string } {
  const prefix = `${restriction ? 'rk' : KEY_PREFIX[kind]}_${mode}_`;
  const raw = prefix + randomBase62(KEY_RANDOM_CHARS);
  return {
    raw,
    doc: {
      _id: newId('key'),
      account,
      kind,
      mode,
      hash: hashApiKey(raw),
      display: `${prefix}…${raw.slice(-4)}`,
      created_at: now,
      revoked_at: null,
      ...(roll === undefined ? {} : { roll }),
      ...(restriction ? { permissions: [...new Set(restriction.permissions)], name: restriction.name } : {}),
    },
  };
}

export interface SignUpInput {
  email: string;
  password: string;
  name: string;
}

export interface AccountServiceDeps {
  store: Store;
  clock: Clock;
  hasher: PasswordHasher;
  /** The audit log (default: one over the same store). */
  auditLog?: AuditLog;
}

/** What the audit log keeps of a key: never its hash, and the raw key never reaches the service's docs. */
const KEY_AUDIT_FIELDS = ['kind', 'mode', 'display', 'revoked_at'] as const satisfies readonly (keyof ApiKeyDoc)[];

/**
 * Accounts, passwords and API keys.
 *
 * @example
 * const accounts = createAccountService({ store, clock, hasher: bcryptHasher(12) });
 * const { account, secretKey } = await accounts.signUp({ email, password, name });
 */
export function createAccountService({ store, clock, hasher, auditLog = createAuditLog({ store, clock }) }: AccountServiceDeps) {
  const accounts = store.collection<AccountDoc>('accounts');
  const keys = store.collection<ApiKeyDoc>('api_keys');
  const keyCache = new TtlCache<string, KeyAuth>(clock, KEY_CACHE_MS, 10_000);

  async function insertKey(account: string, kind: KeyKind, mode: KeyMode) {
    const minted = mintKey(account, kind, mode, clock.now());
    await keys.insertOne(minted.doc);
    return minted;
  }

  return {
    /** Creates an account with a test secret key and a test publishable key, shown once. */
    async signUp(input: SignUpInput): Promise<{ account: AccountDoc; secretKey: string; publishableKey: string }> {
      const account: AccountDoc = {
        _id: newId('acct'),
        email: input.email.toLowerCase(),
        name: input.name,
        password_hash: await hasher.hash(input.password),
        created_at: clock.now(),
      };
      // Sign-in is by email alone: a team member's email cannot also open an account of its own.
      if (await store.collection<{ _id: string; email: string }>('members').findOne({ email: account.email })) {
        throw new AppError('CONFLICT', 'An account with this email already exists.', { field: 'email' });
      }
      try {
        await accounts.insertOne(account);
      } catch (err) {
        if (err instanceof DuplicateKeyError) {
          throw new AppError('CONFLICT', 'An account with this email already exists.', { field: 'email' });
        }
        throw err;
      }
      const secret = await insertKey(account._id, 'secret', 'test');
      const publishable = await insertKey(account._id, 'publishable', 'test');
      return { account, secretKey: secret.raw, publishableKey: publishable.raw };
    },

    async get(id: string): Promise<AccountDoc | null> {
      return accounts.findOne({ _id: id });
    },

    /**
     * The account with this email, or null. For the development server's demo sign-in only:
     * never answer a caller who could use it to learn which emails have accounts.
     *
     * @example
     * const demo = await accounts.findByEmail(DEMO_EMAIL);
     */
    async findByEmail(email: string): Promise<AccountDoc | null> {
      return accounts.findOne({ email: email.toLowerCase() });
    },

    /** Resolves a raw API key to its account, or null when unknown, malformed or revoked. */
    async authenticateKey(raw: string): Promise<KeyAuth | null> {
      if (!KEY_PATTERN.test(raw)) return null;
      const hash = raw.startsWith('pk_') ? publishableKeyHash(raw) : hashApiKey(raw);
      const cached = keyCache.get(hash);
      if (cached) return cached;
      const key = await keys.findOne({ hash, revoked_at: null });
      if (!key) return null;
      const account = await accounts.findOne({ _id: key.account });
      if (!account) return null;
      return keyCache.set(hash, { account, key, livemode: key.mode === 'live' });
    },

    /**
     * Issues a new key of a kind and mode and revokes every older active one of the same
     * kind and mode: "rolling" a leaked key.
     *
     * Rolls that overlap must not revoke each other's new key. Without a transaction, each
     * roll takes the next roll number of the account in one `$inc`, stamps its key with it,
     * and revokes only keys with lower numbers (and keys made otherwise). Having revoked, it
     * reads the number again: if a later roll has started meanwhile, that roll may have missed
     * this key, so this roll revokes its own key (whose secret nobody has seen) and fails.
     * Of overlapping rolls, exactly the last to start succeeds and its key stays active; a
     * roll that finished before the next one started is simply an earlier roll.
     * @throws AppError CONFLICT when a later roll of the same kind and mode overtook this one
     *
     * @example
     * const { raw } = await accounts.rollKey(account._id, 'secret', 'test');
     */
    async rollKey(account: string, kind: KeyKind, mode: KeyMode, audit?: AuditContext): Promise<{ key: ApiKeyDoc; raw: string }> {
      const counter = `${kind}_${mode}` as const;
      const claimed = await accounts.findOneAndUpdate({ _id: account }, { $inc: { [`key_rolls.${counter}`]: 1 } });
      if (!claimed) throw notFound('Account', account);
      const roll = claimed.key_rolls?.[counter] ?? 1;
      const minted = mintKey(account, kind, mode, clock.now(), roll);
      await keys.insertOne(minted.doc);
      await keys.updateMany(
        { account, kind, mode, revoked_at: null, permissions: op.exists(false), $or: [{ roll: op.lt(roll) }, { roll: op.exists(false) }] },
        { $set: { revoked_at: clock.now() } },
      );
      keyCache.deleteWhere((auth) => auth.account._id === account && auth.key.kind === kind && auth.key.mode === mode && auth.key.permissions === undefined);
      const latest = (await accounts.findOne({ _id: account }))?.key_rolls?.[counter] ?? roll;
      if (latest !== roll) {
        await keys.updateOne({ _id: minted.doc._id, revoked_at: null }, { $set: { revoked_at: clock.now() } });
        throw new AppError(
          'CONFLICT',
          `Another roll of the ${mode} ${kind} key started before this one finished, and that roll's key is the one that works. This roll issued no key.`,
          { kind, mode },
        );
      }
      if (audit)
        await auditLog.record(audit, { action: 'api_key.rolled', target: { type: 'api_key', id: minted.doc._id }, changes: changesBetween(null, minted.doc, KEY_AUDIT_FIELDS) });
      return { key: minted.doc, raw: minted.raw };
    },

    /** Active keys of an account, newest first (never the raw keys). */
    async listKeys(account: string): Promise<ApiKeyDoc[]> {
      return keys.find({ account, revoked_at: null }, { sort: { created_at: -1, _id: -1 } });
    },

    /**
     * Issues one more key of a kind and mode, leaving the others working: for a second
     * server or a new teammate's integration. The raw key exists only in the return value.
     *
     * @example
     * const { key, raw } = await accounts.createKey(account._id, 'secret', 'test');
     */
    async createKey(account: string, kind: KeyKind, mode: KeyMode, audit?: AuditContext): Promise<{ key: ApiKeyDoc; raw: string }> {
      const minted = await insertKey(account, kind, mode);
      if (audit)
        await auditLog.record(audit, { action: 'api_key.created', target: { type: 'api_key', id: minted.doc._id }, changes: changesBetween(null, minted.doc, KEY_AUDIT_FIELDS) });
      return { key: minted.doc, raw: minted.raw };
    },

    /**
     * Issues a restricted key (`rk_test_…`, `rk_live_…`): a secret key that can do only what
     * its permissions allow. The raw key exists only in the return value.
     * @throws AppError VALIDATION_FAILED without any permission
     *
     * @example
     * const { raw } = await accounts.createRestrictedKey(account._id, 'live', { name: 'Door', permissions: ['checkins:write'] });
     */
    async createRestrictedKey(account: string, mode: KeyMode, restriction: Restriction): Promise<{ key: ApiKeyDoc; raw: string }> {
      if (restriction.permissions.length === 0)
        throw new AppError('VALIDATION_FAILED', 'Choose at least one permission for a restricted key.', [{ field: 'permissions', message: 'choose at least one' }]);
      const minted = mintKey(account, 'secret', mode, clock.now(), undefined, restriction);
      await keys.insertOne(minted.doc);
      return { key: minted.doc, raw: minted.raw };
    },

    /**
     * Rolls one restricted key: a new key with the same name and permissions, and the old one
     * revoked (only if it was still active, so two rolls of one key leave one new key working).
     * @throws AppError NOT_FOUND for a key of another account, a full key, or a revoked one
     *
     * @example
     * const { raw } = await accounts.rollRestrictedKey(account._id, 'key_…');
     */
    async rollRestrictedKey(account: string, keyId: string): Promise<{ key: ApiKeyDoc; raw: string }> {
      const old = await keys.findOneAndUpdate({ _id: keyId, account, revoked_at: null, permissions: op.exists(true) }, { $set: { revoked_at: clock.now() } });
      keyCache.deleteWhere((auth) => auth.key._id === keyId);
      if (!old?.permissions) throw notFound('restricted key', keyId);
      const minted = mintKey(account, 'secret', old.mode, clock.now(), undefined, { permissions: old.permissions, name: old.name ?? 'Restricted key' });
      await keys.insertOne(minted.doc);
      return { key: minted.doc, raw: minted.raw };
    },

    /**
     * Revokes one of the account's keys: at once on this server, and on the others within
     * {@link KEY_CACHE_MS}.
     * Revoking a revoked key returns it unchanged.
     * @throws AppError NOT_FOUND for a key of another account, or none
     *
     * @example
     * await accounts.revokeKey(account._id, 'key_…');
     */
    async revokeKey(account: string, keyId: string, audit?: AuditContext): Promise<ApiKeyDoc> {
      const revoked = await keys.findOneAndUpdate({ _id: keyId, account, revoked_at: null }, { $set: { revoked_at: clock.now() } });
      keyCache.deleteWhere((auth) => auth.key._id === keyId);
      if (revoked) {
        if (audit)
          await auditLog.record(audit, {
            action: 'api_key.revoked',
            target: { type: 'api_key', id: keyId },
            changes: { revoked_at: { before: null, after: revoked.revoked_at?.toISOString() ?? null } },
          });
        return revoked;
      }
      const existing = await keys.findOne({ _id: keyId, account });
      if (!existing) throw notFound('API key', keyId);
      return existing;
    },
  };
}

export type AccountService = ReturnType<typeof createAccountService>;
