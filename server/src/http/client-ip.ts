import { isIP } from 'node:net';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';

/** Options for {@link clientIp}. */
export interface ClientIpOptions {
  /**
   * How many reverse proxies in front of the server append to `X-Forwarded-For`: `false` or 0
   * (the default) ignores the header, `true` means one (a single load balancer), a number means
   * that many. Only the entries those proxies appended are believed: everything to their left
   * was written by the client and can say anything.
   */
  trustProxy?: boolean | number;
}

/** What {@link clientIp} returns when there is no socket, as under `app.request()` in tests. */
export const UNKNOWN_CLIENT_IP = 'unknown';

/**
 * The caller's IP address, for rate limits and logs.
 *
 * Without `trustProxy` it is the socket's peer address. With it, `X-Forwarded-For` is read from
 * the right: each trusted proxy appended the address it received the request from, so the entry
 * `trustProxy` places from the right is the left-most hop we can vouch for, the client as our
 * outermost proxy saw it. Taking the left-most entry instead (Express's `trust proxy: true`)
 * would let any client pick its own address and so its own rate-limit bucket
 * (https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/X-Forwarded-For#security_and_privacy_concerns).
 * A header shorter than the trusted chain, or an entry that is not an IP, falls back to the socket.
 * IPv4-mapped IPv6 addresses (`::ffff:203.0.113.7`) are reported as IPv4, so one client has one key.
 *
 * @example
 * const ip = clientIp(c, { trustProxy: 1 }); // behind one load balancer
 */
export function clientIp(c: Context, options: ClientIpOptions = {}): string {
  const hops = options.trustProxy === true ? 1 : options.trustProxy === false || options.trustProxy === undefined ? 0 : Math.max(0, Math.floor(options.trustProxy));
  if (hops > 0) {
    const chain = (c.req.header('X-Forwarded-For') ?? '')
      .split(',')
      .map((entry) => entry.trim())
      .filter((entry) => entry !== '');
    const candidate = chain.length >= hops ? normalizeIp(chain[chain.length - hops] as string) : undefined;
    if (candidate !== undefined) return candidate;
  }
  return socketIp(c);
}

function socketIp(c: Context): string {
  try {
    const address = getConnInfo(c).remote.address;
    return (address === undefined ? undefined : normalizeIp(address)) ?? UNKNOWN_CLIENT_IP;
  } catch {
    // `app.request()` has no Node bindings (`c.env` is undefined), so getConnInfo throws.
    return UNKNOWN_CLIENT_IP;
  }
}

/** A bare IP from an address that may carry a port (`203.0.113.7:5123`, `[2001:db8::1]:443`); undefined if it is none. */
function normalizeIp(value: string): string | undefined {
  let address = value;
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(address);
  if (bracketed) address = bracketed[1] as string;
  else if (/^[\d.]+:\d+$/.test(address)) address = address.slice(0, address.lastIndexOf(':'));
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) address = mapped[1] as string;
  return isIP(address) === 0 ? undefined : address.toLowerCase();
}

/**
 * IPv6 hosts usually get a whole /64 (RFC 6177), so counting single addresses would give one
 * client 2^64 buckets; IPv4 addresses are counted as they are.
 */
export function ipBucket(ip: string): string {
  if (isIP(ip) !== 6) return ip;
  const [head = '', tail] = ip.split('::');
  const groups = (part: string) => (part === '' ? [] : part.split(':').flatMap((g) => (g.includes('.') ? ['v4', 'v4'] : [g])));
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const full = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return `${full
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

/**
 * The key per-client limits count by: the caller's address, or an IPv6 caller's /64 network.
 *
 * @example
 * await limiter.assertAllowed(`otp:ip:${clientKey(c, { trustProxy })}`, rule, message);
 */
export function clientKey(c: Context, options: ClientIpOptions = {}): string {
  return ipBucket(clientIp(c, options));
}
