import { createHash } from 'node:crypto';
import bcrypt from 'bcryptjs';
import type { KeyKind, KeyMode } from '@trendy-tickets/sdk';
import { DuplicateKeyError, type IndexSpec, type Store } from '../store/port.js';
import type { Clock } from './clock.js';
import { AppError, notFound } from './errors.js';
import { newId, randomBase62 } from './ids.js';
import { TtlCache } from './ttl-cache.js';

export interface AccountDoc {
  _id: string;
  email: string;
  name: string;
  password_hash: string;
  created_at: Date;
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
}

export const ACCOUNT_INDEXES: readonly IndexSpec[] = [
  { collection: 'accounts', keys: { email: 1 }, unique: true },
  { collection: 'api_keys', keys: { hash: 1 }, unique: true },
  { collection: 'api_keys', keys: { account: 1, created_at: -1 } },
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
const KEY_PATTERN = /^(sk|pk)_(test|live)_[0-9A-Za-z]{36}$/;

/** SHA-256 hex of a raw API key: how keys are stored and looked up. */
export function hashApiKey(raw: string): string {
  return createHash('sha256').update(raw).digest('hex');
}

/** Builds a new key of a kind and mode; the raw key exists only in the return value. */
function mintKey(account: string, kind: KeyKind, mode: KeyMode, now: Date): { doc: ApiKeyDoc; raw: string } {
  const prefix = `${KEY_PREFIX[kind]}_${mode}_`;
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
}

/**
 * Accounts, passwords and API keys.
 *
 * @example
 * const accounts = createAccountService({ store, clock, hasher: bcryptHasher(12) });
 * const { account, secretKey } = await accounts.signUp({ email, password, name });
 */
export function createAccountService({ store, clock, hasher }: AccountServiceDeps) {
  const accounts = store.collection<AccountDoc>('accounts');
  const keys = store.collection<ApiKeyDoc>('api_keys');
  // Hashed once, lazily: checking a password against it makes a login for an
  // unknown email cost what a login for a known one costs (no enumeration by timing).
  let dummyHash: Promise<string> | undefined;
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

    /** The account for an email and password, or null; takes as long either way. */
    async authenticate(email: string, password: string): Promise<AccountDoc | null> {
      const account = await accounts.findOne({ email: email.toLowerCase() });
      if (!account) {
        dummyHash ??= hasher.hash('not-a-real-password-at-all');
        await hasher.verify(password, await dummyHash);
        return null;
      }
      return (await hasher.verify(password, account.password_hash)) ? account : null;
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
      const hash = hashApiKey(raw);
      const cached = keyCache.get(hash);
      if (cached) return cached;
      const key = await keys.findOne({ hash, revoked_at: null });
      if (!key) return null;
      const account = await accounts.findOne({ _id: key.account });
      if (!account) return null;
      return keyCache.set(hash, { account, key, livemode: key.mode === 'live' });
    },

    /**
     * Issues a new key of a kind and mode and revokes every older active one of
     * the same kind and mode: "rolling" a leaked key.
     */
    async rollKey(account: string, kind: KeyKind, mode: KeyMode): Promise<{ key: ApiKeyDoc; raw: string }> {
      const minted = await insertKey(account, kind, mode);
      await keys.updateMany(
        { account, kind, mode, revoked_at: null, _id: { $ne: minted.doc._id } },
        { $set: { revoked_at: clock.now() } },
      );
      keyCache.deleteWhere((auth) => auth.account._id === account && auth.key.kind === kind && auth.key.mode === mode);
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
    async createKey(account: string, kind: KeyKind, mode: KeyMode): Promise<{ key: ApiKeyDoc; raw: string }> {
      const minted = await insertKey(account, kind, mode);
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
    async revokeKey(account: string, keyId: string): Promise<ApiKeyDoc> {
      const revoked = await keys.findOneAndUpdate({ _id: keyId, account, revoked_at: null }, { $set: { revoked_at: clock.now() } });
      keyCache.deleteWhere((auth) => auth.key._id === keyId);
      if (revoked) return revoked;
      const existing = await keys.findOne({ _id: keyId, account });
      if (!existing) throw notFound('API key', keyId);
      return existing;
    },
  };
}

export type AccountService = ReturnType<typeof createAccountService>;
