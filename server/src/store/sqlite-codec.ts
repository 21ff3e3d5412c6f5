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

/**
 * Copies a value as it is stored, in one pass: dates and tagged strings encoded, `undefined`
 * fields dropped (in arrays: null, as MongoDB's driver does), anything else refused.
 */
function encodeValue(value: unknown): unknown {
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'string') return value.startsWith(TAG) ? STRING_TAG + value.slice(1) : value;
  if (value instanceof Date) return encodeDate(value);
  if (Array.isArray(value)) return value.map((item) => (item === undefined ? null : encodeValue(item)));
  if (typeof value === 'object' && !ArrayBuffer.isView(value) && !(value instanceof RegExp)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      const item = (value as Record<string, unknown>)[key];
      if (item !== undefined) out[key] = encodeValue(item);
    }
    return out;
  }
  throw new TypeError(`The store cannot hold ${Object.prototype.toString.call(value)}`);
}

/** {@link DATE_OFFSET} as a number: exact, and every stored date of this era is a safe integer. */
const DATE_OFFSET_NUMBER = Number(DATE_OFFSET);

function decodeString(value: string): string | Date {
  if (value.startsWith(DATE_TAG)) {
    // Number arithmetic is exact while the stored value is a safe integer (any date before the
    // year 13,600), and a fraction of BigInt's cost on every date of every document read.
    const stored = Number(value.slice(2));
    if (Number.isSafeInteger(stored)) return new Date(stored - DATE_OFFSET_NUMBER);
    return new Date(Number(BigInt(value.slice(2)) - DATE_OFFSET));
  }
  return TAG + value.slice(2);
}

/** Turns the tagged strings of a parsed document back into dates and strings, in place. */
function decodeTagged(node: Record<string, unknown>): void {
  for (const key of Object.keys(node)) {
    const value = node[key];
    if (typeof value === 'string') {
      if (value.startsWith(TAG)) node[key] = decodeString(value);
    } else if (value !== null && typeof value === 'object') {
      decodeTagged(value as Record<string, unknown>);
    }
  }
}

/**
 * The JSON text stored for a document (without its `_id`, which has a column). `undefined`
 * fields are dropped as the MongoDB driver's `ignoreUndefined` does; unsupported values throw.
 */
export function encodeDoc(doc: Doc): string {
  const { _id, ...rest } = doc as Doc & Record<string, unknown>;
  return JSON.stringify(encodeValue(rest));
}

/** A document as stored, read back: `_id` first, then the fields in their stored order. */
export function decodeDoc<T extends Doc>(id: string, json: string): T {
  const fields = JSON.parse(json) as Record<string, unknown>;
  // Only tagged strings hold the character, which JSON.stringify writes as an escape.
  if (json.includes('\\u0001')) decodeTagged(fields);
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

/**
 * The array paths at and below `path` in `doc`: what {@link arrayPaths} lists for the part of
 * a document that one update path changed.
 *
 * @example
 * arrayPathsAt({ buyer: { seats: [] } }, 'buyer'); // ['buyer.seats']
 */
export function arrayPathsAt(doc: Record<string, unknown>, path: string): string[] {
  let node: unknown = doc;
  for (const part of path.split('.')) {
    if (node === null || typeof node !== 'object' || Array.isArray(node) || node instanceof Date) return [];
    node = (node as Record<string, unknown>)[part];
  }
  if (Array.isArray(node)) return [path];
  if (node !== null && typeof node === 'object' && !(node instanceof Date)) return arrayPaths(node as Record<string, unknown>, path);
  return [];
}
