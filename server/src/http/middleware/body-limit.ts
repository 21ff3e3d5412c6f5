import type { Context, Env, MiddlewareHandler } from 'hono';

/**
 * How much of an oversized body is read and thrown away so that its sender can read the 413.
 * Above the largest `TTS_MAX_BODY_BYTES` (10 MiB) with room to spare; a sender of more than
 * this gets its 413 with `Connection: close` and may see the connection reset.
 */
export const DISCARD_LIMIT_BYTES = 32 * 1024 * 1024;

/** Settings for `limitBody`. */
export interface LimitBodyOptions<E extends Env> {
  /** The largest body accepted, in bytes. */
  maxBytes: number;
  /** The 413 answer, in the caller's format (API JSON, an HTML page). */
  onTooLarge: (c: Context<E>) => Response | Promise<Response>;
  /** Defaults to `DISCARD_LIMIT_BYTES`; tests lower it. */
  discardLimitBytes?: number;
}

/**
 * Refuses a request body over `maxBytes` with `onTooLarge`, in a way the sender can read.
 *
 * Most clients (curl, browsers, Node's `http.request`) send the whole body before reading the
 * answer. Answering and then closing while the body is still arriving makes the client's next
 * write fail with EPIPE or ECONNRESET, and the reset can discard the 413 before it is read. So
 * the rest of an oversized body is read and discarded (up to `discardLimitBytes`) before the
 * answer goes out; only a body larger than that is answered with `Connection: close`, which
 * Node honours by closing once the answer is flushed. Node's `server.requestTimeout` bounds
 * how long a slow sender can keep this going, as it does for any body.
 *
 * A body without a declared length (chunked) is read up to `maxBytes` and handed on, as
 * Hono's `bodyLimit` does.
 *
 * @example
 * app.use('/v1/*', limitBody({ maxBytes: 102_400, onTooLarge: (c) => c.json({ error: 'too large' }, 413) }));
 */
export function limitBody<E extends Env = Env>(options: LimitBodyOptions<E>): MiddlewareHandler<E> {
  const { maxBytes, onTooLarge, discardLimitBytes = DISCARD_LIMIT_BYTES } = options;

  async function refuse(c: Context<E>, reader: ReadableStreamDefaultReader<Uint8Array> | null, alreadyRead: number): Promise<Response> {
    const drained = reader !== null && (await discard(reader, discardLimitBytes - alreadyRead));
    const res = await onTooLarge(c);
    if (!drained) res.headers.set('Connection', 'close');
    return res;
  }

  return async function limitBodyMiddleware(c, next) {
    const declared = c.req.header('Transfer-Encoding') === undefined ? c.req.header('Content-Length') : undefined;
    const length = Number(declared);
    // Node's parser delivers exactly Content-Length bytes, so a declared length is the whole story.
    // The body is left untouched: on Node, asking for `raw.body` builds a full web Request with a
    // stream, where the route's own `json()` reads the socket directly (docs/decisions/0057-rush-body-read.md).
    if (declared !== undefined && Number.isSafeInteger(length) && length <= maxBytes) return next();
    const body = c.req.raw.body;
    if (!body) return next();
    if (declared !== undefined) return refuse(c, Number.isSafeInteger(length) && length <= discardLimitBytes ? body.getReader() : null, 0);
    const reader = body.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) return refuse(c, reader, size);
      chunks.push(value);
    }
    c.req.raw = new Request(c.req.raw, { body: Buffer.concat(chunks, size) });
    return next();
  };
}

/** Reads and drops the rest of a body; true when it ended within `budget` bytes. */
async function discard(reader: ReadableStreamDefaultReader<Uint8Array>, budget: number): Promise<boolean> {
  let left = budget;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return true;
      left -= value.byteLength;
      if (left < 0) return false;
    }
  } catch {
    return false; // the sender went away; there is no one left to answer
  } finally {
    reader.releaseLock();
  }
}
