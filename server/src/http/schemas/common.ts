import { z } from '@hono/zod-openapi';
import { PHONE_MESSAGE, PHONE_PATTERN } from '@trendy-tickets/sdk';

/** Lone UTF-16 surrogates: valid in JSON, but not text; MongoDB's BSON refuses them. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// Control characters hide text and break CSV, mail headers and PDFs.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL_SINGLE_LINE = /[\u0000-\u001F\u007F]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL_MULTI_LINE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/**
 * Human text: trimmed, NFC-normalised, well-formed Unicode, no control characters
 * (newlines only where `multiline`), between 1 and `max` characters.
 */
export function text(max: number, { multiline = false } = {}) {
  const control = multiline ? CONTROL_MULTI_LINE : CONTROL_SINGLE_LINE;
  return z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .refine((v) => !LONE_SURROGATE.test(v), 'must be valid Unicode text')
    .refine((v) => !control.test(v), multiline ? 'must not contain control characters' : 'must be a single line of text')
    .transform((v) => v.normalize('NFC'));
}

/** An ISO-8601 timestamp with a zone (`Z` or an offset), parsed to a Date. */
export const timestamp = z
  .string()
  .openapi({ format: 'date-time', example: '2026-12-31T18:30:00Z' })
  .pipe(z.iso.datetime({ offset: true, message: 'must be an ISO-8601 timestamp with a time zone, e.g. 2026-12-31T18:30:00Z' }))
  .transform((v) => new Date(v));

/** A timestamp as the API writes it. */
export const timestampOut = z.string().openapi({ format: 'date-time', example: '2026-12-31T18:30:00.000Z' });

/** Integer paise. */
export const amount = z
  .number()
  .int('must be a whole number of paise')
  .min(0, 'must not be negative')
  .max(1_000_000_000, 'must be at most 1,000,000,000 paise (₹1 crore)')
  .openapi({ description: 'Amount in paise (₹1 = 100).', example: 149_900 });

/**
 * A buyer's phone number, trimmed: the SDK's `PHONE_PATTERN`, the one rule the API, the hosted
 * checkout form and (through shared test cases) the widget apply.
 */
export const phone = z.string().trim().regex(PHONE_PATTERN, PHONE_MESSAGE);

function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

export const timeZone = z.string().max(64).refine(isTimeZone, 'must be an IANA time zone such as Asia/Kolkata').openapi({ example: 'Asia/Kolkata' });

function isOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value;
  } catch {
    return false;
  }
}

/** A web origin exactly as browsers send it in `Origin`: scheme, host, optional port. */
export const origin = z
  .string()
  .max(253)
  .refine(isOrigin, 'must be an origin like https://example.com (scheme and host, lower case, no path or trailing slash)')
  .openapi({ example: 'https://example.com' });

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'VALIDATION_FAILED' }),
      message: z.string(),
      request_id: z.string().openapi({ example: 'req_4QpZ0x2bB8Lr6qXhS1mYtA' }),
      details: z.union([z.array(z.object({ field: z.string(), message: z.string() })), z.record(z.string(), z.unknown())]).optional(),
    }),
  })
  .openapi('Error');

/** A page of a list endpoint. */
export function listOf<T extends z.ZodType>(item: T, name: string) {
  return z
    .object({
      object: z.literal('list'),
      data: z.array(item),
      has_more: z.boolean(),
      next_cursor: z.string().nullable(),
    })
    .openapi(name);
}

export const ListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20).openapi({ description: '1–100, default 20.' }),
  cursor: z.string().max(512).optional().openapi({ description: '`next_cursor` from the previous page.' }),
});

export const IdParam = z.object({
  id: z
    .string()
    .max(64)
    .openapi({ param: { name: 'id', in: 'path' } }),
});

/** JSON error responses every route may give, for the OpenAPI document. */
export function errorResponses(...statuses: Array<400 | 401 | 402 | 403 | 404 | 409 | 413 | 422 | 429 | 503>) {
  const descriptions: Record<number, string> = {
    400: 'Invalid request (VALIDATION_FAILED names each field).',
    401: 'Missing, unknown or rolled API key.',
    402: 'Payment could not be verified.',
    403: 'Wrong key kind, origin or account.',
    404: 'No such object (also for other accounts’ objects).',
    409: 'Conflicts with the current state.',
    413: 'Body too large.',
    422: 'Idempotency key reused with a different body, or a promo code that cannot be used (`PROMO_CODE_INVALID`).',
    429: 'Rate limited; see Retry-After.',
    503: 'An upstream service is unavailable.',
  };
  return Object.fromEntries(statuses.map((s) => [s, { description: descriptions[s] ?? 'Error', content: { 'application/json': { schema: ErrorSchema } } }]));
}

/**
 * Compile-time proof that two types are the same (a schema vs. the SDK's wire type): each is
 * assignable to the other, and they name the same properties at every depth. Assignability
 * alone would let an optional field exist on one side only (`{ a?: 1 }` and `{}` accept each other).
 */
export type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? SameKeys<A, B> : false) : false;

/** `true` when `A` and `B` have the same property names, recursively through objects, arrays and nullables. */
type SameKeys<A, B> = [A] extends [readonly (infer X)[]]
  ? [B] extends [readonly (infer Y)[]]
    ? SameKeys<X, Y>
    : false
  : [A] extends [object]
    ? [B] extends [object]
      ? [Exclude<keyof A, keyof B> | Exclude<keyof B, keyof A>] extends [never]
        ? false extends { [K in keyof A & keyof B]-?: SameKeys<NonNullable<A[K]>, NonNullable<B[K]>> }[keyof A & keyof B]
          ? false
          : true
        : false
      : false
    : true;
