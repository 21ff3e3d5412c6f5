/**
 * How the SQLite driver stores a document: its `_id` in a column of its own and the rest as JSON
 * text. JSON has no dates, so a `Date` is stored as a tagged string that SQLite compares in time
 * order: `\u0001D` followed by the milliseconds since 1970 plus 8.64e15 (the earliest `Date`),
 * zero-padded to 17 digits. Every `Date` JavaScript can hold sorts correctly, which an ISO string
 * would not do past the year 9999. A stored string that itself starts with `\u0001` is escaped
 * as `\u0001S…`, so no string is ever read back as a date; both tags sort among strings exactly
 * where the original strings would (see `sqlite-filter.ts`).
 */
import type { Doc } from './port.js';
import { copyValue } from './embedded-documents.js';

/** The first character of every tagged string. */
export const TAG = '\u0001';
/** The prefix of an encoded date. */
export const DATE_TAG = `${TAG}D`;
/** The first string after every encoded date (`\u0001E` > `\u0001D<digits>`). */
export const AFTER_DATES = `${TAG}E`;
const STRING_TAG = `${TAG}S`;
const DATE_OFFSET = 8_640_000_000_000_000n;

/** Encodes one `Date` as its sortable tagged string. */
export function encodeDate(date: Date): string {
  const ms = date.getTime();
  if (Number.isNaN(ms)) throw new TypeError('The store cannot hold an invalid Date');
  return DATE_TAG + (BigInt(ms) + DATE_OFFSET).toString().padStart(17, '0');
}

/** Encodes one scalar as it is stored (dates and tagged strings change, the rest stays). */
export function encodeScalar(value: unknown): unknown {
  if (value instanceof Date) return encodeDate(value);
  if (typeof value === 'string' && value.startsWith(TAG)) return STRING_TAG + value.slice(1);
  return value;
}

function encodeValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(encodeValue);
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = encodeValue(item);
    return out;
  }
  return encodeScalar(value);
}

function decodeString(value: string): string | Date {
  if (!value.startsWith(TAG)) return value;
  if (value.startsWith(DATE_TAG)) return new Date(Number(BigInt(value.slice(2)) - DATE_OFFSET));
  return TAG + value.slice(2);
}

/**
 * The JSON text stored for a document (without its `_id`, which has a column). `undefined`
 * fields are dropped as the MongoDB driver's `ignoreUndefined` does; unsupported values throw.
 */
export function encodeDoc(doc: Doc): string {
  const { _id, ...rest } = copyValue(doc) as Doc & Record<string, unknown>;
  return JSON.stringify(encodeValue(rest));
}

/** A document as stored, read back: `_id` first, then the fields in their stored order. */
export function decodeDoc<T extends Doc>(id: string, json: string): T {
  const fields = JSON.parse(json, (_key, value: unknown) => (typeof value === 'string' ? decodeString(value) : value)) as Record<string, unknown>;
  return { _id: id, ...fields } as T;
}

/**
 * Every dot path of `doc` that holds an array (paths below an array are not listed: the array
 * already says all). The driver never translates a condition on such a path (or below it) to
 * SQL, because MongoDB matches an array by its elements, which `json_extract` cannot express.
 *
 * @example
 * arrayPaths({ tags: ['a'], buyer: { seats: [] }, n: 1 }); // ['tags', 'buyer.seats']
 */
export function arrayPaths(doc: Record<string, unknown>, prefix = ''): string[] {
  const found: string[] = [];
  for (const [key, value] of Object.entries(doc)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (Array.isArray(value)) found.push(path);
    else if (value !== null && typeof value === 'object' && !(value instanceof Date)) found.push(...arrayPaths(value as Record<string, unknown>, path));
  }
  return found;
}
