import { randomFillSync } from 'node:crypto';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Object kinds and their id prefixes (docs/api-conventions.md#ids). */
export type IdPrefix =
  | 'acct'
  | 'evt'
  | 'tt'
  | 'q'
  | 'ord'
  | 'tkt'
  | 'chk'
  | 'chl'
  | 'pc'
  | 'whe'
  | 'we'
  | 'whd'
  | 'req'
  | 'key'
  | 'pay'
  | 'mail'
  | 'sess'
  | 'mem'
  | 'tinv'
  | 'aud'
  | 'gwc'
  | 'dev'
  | 'rf'
  | 'wle';

/**
 * Encodes random bytes as base62 without modulo bias: each output character
 * comes from one byte, and bytes ≥ 248 (= 62 × 4) are discarded and redrawn.
 */
export function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    const byte = nextRandomByte();
    if (byte < 248) out += BASE62[byte % 62];
  }
  return out;
}

// Random bytes drawn from the CSPRNG 4 KiB at a time: one system call per ~150 ids rather
// than one per id, which showed up on every request (each has a request id).
const pool = Buffer.alloc(4096);
let poolOffset = pool.length;

function nextRandomByte(): number {
  if (poolOffset === pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const byte = pool[poolOffset] as number;
  // Each byte is used once, and wiped, so no id ever shares randomness with another.
  pool[poolOffset++] = 0;
  return byte;
}

/**
 * A new prefixed id with 22 base62 characters (≈131 bits of randomness), enough
 * that guessing any id is infeasible: ticket ids double as bearer links.
 *
 * @example newId('evt') // 'evt_4QpZ0x2bB8Lr6qXhS1mYtA'
 */
export function newId(prefix: IdPrefix): string {
  return `${prefix}_${randomBase62(22)}`;
}

/** Characters of a {@link newSortableId}'s time stamp: milliseconds in base62 until the year 2081. */
const STAMP_LENGTH = 7;

/**
 * A new prefixed id that sorts after every id made before it (to the millisecond), followed by
 * the same 22 random base62 characters as {@link newId}. For documents created in bulk (tickets,
 * orders, check-ins, log entries): the store's unique index on ids then grows at its end, where a
 * random id would rewrite a random page of it on every insert (docs/decisions/0054-ids-in-creation-order.md).
 *
 * @example newSortableId('tkt') // 'tkt_VcwQRSO4QpZ0x2bB8Lr6qXhS1mYtA'
 */
export function newSortableId(prefix: IdPrefix, now: number = Date.now()): string {
  let stamp = '';
  let rest = Math.max(0, Math.floor(now));
  for (let i = 0; i < STAMP_LENGTH; i++) {
    stamp = BASE62[rest % 62] + stamp;
    rest = Math.floor(rest / 62);
  }
  return `${prefix}_${stamp}${randomBase62(22)}`;
}

const SORTABLE = /^[a-z]+_([0-9A-Za-z]{7})[0-9A-Za-z]{22}$/;

/**
 * The creation stamp of an id made by {@link newSortableId} (its 7 characters after the prefix),
 * or `''` for any other id: what derived ids put first to sort with the id they derive from.
 */
export function stampOf(id: string): string {
  return SORTABLE.exec(id)?.[1] ?? '';
}

/** Matches any id of the given kind, for validating path parameters early. */
export function idPattern(prefix: IdPrefix): RegExp {
  return new RegExp(`^${prefix}_[0-9A-Za-z]{10,40}$`);
}
