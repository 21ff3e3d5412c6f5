/**
 * Kept-alive connections to webhook receivers, one pool per address a delivery's URL check
 * resolved (`webhook-url.ts`). A socket in a pool was opened to that checked address, so
 * reusing it goes where a fresh connection would: the check still runs for every delivery,
 * and a name that now resolves elsewhere gets another pool. What reuse saves is a TCP (and
 * TLS) handshake and a close per delivery, on both ends, while an endpoint takes a burst of
 * deliveries.
 */
import http from 'node:http';
import https from 'node:https';
import type { ResolvedAddress } from '../domain/webhook-url.js';

/**
 * An idle kept connection closes after this long: below the 5 s after which a Node server
 * closes one (`keepAliveTimeout`) and the minute of most load balancers, so a connection is
 * rarely reused just as the receiver drops it.
 */
export const IDLE_CONNECTION_MS = 2_000;

/** Pools kept at most; the least recently used one is closed past it. */
const POOLS_KEPT = 256;

/** Open connections to one address at most: the worker sends two deliveries at a time. */
const SOCKETS_PER_ADDRESS = 4;

const pools = new Map<string, http.Agent>();

/**
 * The pool for requests to `url` connected to `address`. The key holds the URL's host name
 * too, because a TLS connection was verified for the name it was opened with.
 *
 * @example
 * http.request(url, { agent: connectionsTo(url, pinned), lookup: pinnedLookup(pinned) });
 */
export function connectionsTo(url: URL, address: ResolvedAddress): http.Agent {
  const key = `${url.protocol}//${url.hostname}:${url.port}@${address.address}`;
  let pool = pools.get(key);
  if (pool) {
    // Most recently used last, so the first is the one to close.
    pools.delete(key);
  } else {
    const options = { keepAlive: true, maxSockets: SOCKETS_PER_ADDRESS, maxFreeSockets: SOCKETS_PER_ADDRESS, timeout: IDLE_CONNECTION_MS };
    pool = url.protocol === 'https:' ? new https.Agent(options) : new http.Agent(options);
  }
  pools.set(key, pool);
  if (pools.size > POOLS_KEPT) {
    const [oldest] = pools;
    if (oldest) {
      pools.delete(oldest[0]);
      oldest[1].destroy();
    }
  }
  return pool;
}
