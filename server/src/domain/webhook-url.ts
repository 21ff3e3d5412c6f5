/**
 * Where a webhook may be sent: the rules that keep an organizer's endpoint URL from reaching
 * inside our network (server-side request forgery). docs/webhooks.md#which-urls-are-refused
 * lists them for partners; docs/decisions/0024-webhook-endpoints-and-signing.md says why.
 *
 * The same check runs when an endpoint is saved and before every delivery, and the delivery
 * connects to an address this check returned (never resolving the name a second time), so a
 * name that resolves to a public address at creation and to 127.0.0.1 later is still refused.
 */
import { AppError } from '../kernel/errors.js';

/** One address a host name resolves to, as `dns.lookup(name, { all: true })` gives it. */
export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to every address it has; rejects when it has none. Injected so tests can point a name anywhere. */
export type ResolveHost = (hostname: string) => Promise<ResolvedAddress[]>;

/** Why an address is not a public unicast one. */
export type AddressKind = 'loopback' | 'private' | 'link-local' | 'metadata' | 'multicast' | 'carrier-grade NAT' | 'unspecified' | 'reserved' | 'public';

interface Range {
  base: bigint;
  bits: number;
  kind: Exclude<AddressKind, 'public'>;
}

function v4(text: string, bits: number, kind: Range['kind']): Range {
  return { base: parseV4(text) as bigint, bits, kind };
}

function v6(text: string, bits: number, kind: Range['kind']): Range {
  return { base: parseV6(text) as bigint, bits, kind };
}

// IANA special-purpose registries (RFC 6890 and its updates). The first match wins, so the
// metadata addresses come before the ranges that contain them.
const V4_RANGES: readonly Range[] = [
  v4('169.254.169.254', 32, 'metadata'), // AWS, GCP, Azure, DigitalOcean, OpenStack instance metadata
  v4('100.100.100.200', 32, 'metadata'), // Alibaba Cloud instance metadata
  v4('0.0.0.0', 8, 'unspecified'),
  v4('10.0.0.0', 8, 'private'),
  v4('100.64.0.0', 10, 'carrier-grade NAT'),
  v4('127.0.0.0', 8, 'loopback'),
  v4('169.254.0.0', 16, 'link-local'),
  v4('172.16.0.0', 12, 'private'),
  v4('192.0.0.0', 24, 'reserved'),
  v4('192.0.2.0', 24, 'reserved'),
  v4('192.168.0.0', 16, 'private'),
  v4('198.18.0.0', 15, 'reserved'),
  v4('198.51.100.0', 24, 'reserved'),
  v4('203.0.113.0', 24, 'reserved'),
  v4('224.0.0.0', 4, 'multicast'),
  v4('240.0.0.0', 4, 'reserved'), // and 255.255.255.255, broadcast
];

const V6_RANGES: readonly Range[] = [
  v6('fd00:ec2::254', 128, 'metadata'), // AWS instance metadata over IPv6
  v6('::', 128, 'unspecified'),
  v6('::1', 128, 'loopback'),
  v6('100::', 64, 'reserved'),
  v6('2001:db8::', 32, 'reserved'),
  v6('fc00::', 7, 'private'),
  v6('fe80::', 10, 'link-local'),
  v6('fec0::', 10, 'private'),
  v6('ff00::', 8, 'multicast'),
];

const MAPPED_V4 = { base: parseV6('::ffff:0:0') as bigint, bits: 96 };
const NAT64_V4 = { base: parseV6('64:ff9b::') as bigint, bits: 96 };

function inRange(value: bigint, base: bigint, bits: number, width: number): boolean {
  const shift = BigInt(width - bits);
  return value >> shift === base >> shift;
}

function parseV4(text: string): bigint | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let value = 0n;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return null;
    value = (value << 8n) | BigInt(part);
  }
  return value;
}

function parseV6(text: string): bigint | null {
  let body = text;
  // A trailing dotted quad (`::ffff:127.0.0.1`) is two groups.
  const dotted = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(body);
  if (dotted) {
    const quad = parseV4(dotted[2] as string);
    if (quad === null) return null;
    body = `${dotted[1]}${(quad >> 16n).toString(16)}:${(quad & 0xffffn).toString(16)}`;
  }
  const halves = body.split('::');
  if (halves.length > 2) return null;
  const groupsOf = (part: string) => (part === '' ? [] : part.split(':'));
  const head = groupsOf(halves[0] as string);
  const tail = halves.length === 2 ? groupsOf(halves[1] as string) : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  let value = 0n;
  for (const group of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(group)) return null;
    value = (value << 16n) | BigInt(Number.parseInt(group, 16));
  }
  return value;
}

function kindOfV4(value: bigint): AddressKind {
  return V4_RANGES.find((r) => inRange(value, r.base, r.bits, 32))?.kind ?? 'public';
}

/**
 * What kind of address an IP literal is. IPv4 written inside IPv6 (`::ffff:127.0.0.1`, or the
 * NAT64 prefix `64:ff9b::/96`) is judged as the IPv4 address it reaches. Not an IP: `null`.
 *
 * @example
 * addressKind('::ffff:169.254.169.254'); // 'metadata'
 */
export function addressKind(ip: string): AddressKind | null {
  const bare = ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip;
  const four = parseV4(bare);
  if (four !== null) return kindOfV4(four);
  if (!bare.includes(':') || bare.includes('%')) return null; // zone ids (`fe80::1%eth0`) are not URLs' business
  const six = parseV6(bare);
  if (six === null) return null;
  for (const embedding of [MAPPED_V4, NAT64_V4]) {
    if (inRange(six, embedding.base, embedding.bits, 128)) return kindOfV4(six & 0xffff_ffffn);
  }
  return V6_RANGES.find((r) => inRange(six, r.base, r.bits, 128))?.kind ?? 'public';
}

const WHY: Record<Exclude<AddressKind, 'public'>, string> = {
  loopback: 'a loopback address (this server itself)',
  private: 'a private network address',
  'link-local': 'a link-local address',
  metadata: 'a cloud metadata address',
  multicast: 'a multicast address',
  'carrier-grade NAT': 'a carrier-grade NAT address (100.64.0.0/10)',
  unspecified: 'an unspecified address',
  reserved: 'a reserved address',
};

/**
 * Why an address may not receive a webhook in the mode, or `null` when it may. Test mode allows
 * loopback, for a receiver on the developer's own machine; link-local and metadata addresses
 * are refused in every mode, since they hand out the server's cloud credentials.
 */
export function refusalFor(ip: string, livemode: boolean): string | null {
  const kind = addressKind(ip);
  if (kind === null) return `${ip} is not an IP address`;
  if (kind === 'public') return null;
  if (kind === 'loopback' && !livemode) return null;
  const modes = kind === 'link-local' || kind === 'metadata' ? 'in any mode' : livemode ? 'in live mode' : 'in test mode (only loopback is allowed there)';
  return `${ip} is ${WHY[kind]}, which webhooks may not reach ${modes}`;
}

/** A URL that passed {@link checkWebhookUrl}, and the addresses it was checked at. */
export interface CheckedUrl {
  url: URL;
  /** Every address the host resolved to, each allowed; connect to one of these, never resolve again. */
  addresses: ResolvedAddress[];
}

const MAX_URL_LENGTH = 2048;

function refuse(message: string): AppError {
  return new AppError('VALIDATION_FAILED', `The webhook URL is refused: ${message}.`, [{ field: 'url', message }]);
}

/**
 * Parses and checks a webhook endpoint URL for the mode, resolving its host with `resolve`.
 * Live mode needs `https`; every address the host resolves to must be allowed
 * ({@link refusalFor}), so one private answer among public ones still refuses the URL.
 *
 * @throws AppError VALIDATION_FAILED naming what is refused and why.
 * @example
 * const { url, addresses } = await checkWebhookUrl('https://hooks.example.com/tts', { livemode: true, resolve });
 */
export async function checkWebhookUrl(raw: string, { livemode, resolve }: { livemode: boolean; resolve: ResolveHost }): Promise<CheckedUrl> {
  if (raw.length > MAX_URL_LENGTH) throw refuse(`it is longer than ${MAX_URL_LENGTH} characters`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw refuse('it is not an absolute URL such as https://example.com/webhooks');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw refuse(`the scheme must be https, not ${url.protocol.slice(0, -1)}`);
  if (url.username || url.password) throw refuse('it must not carry a user name or password; authenticate the request by its TTS-Signature header');
  if (url.hash) throw refuse('it must not have a #fragment');
  // WHATWG URL parsing has already turned `http://2130706433/` and `http://0x7f.1/` into 127.0.0.1.
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  let addresses: ResolvedAddress[];
  if (addressKind(host) !== null) {
    addresses = [{ address: host, family: host.includes(':') ? 6 : 4 }];
  } else {
    try {
      addresses = await resolve(host);
    } catch {
      addresses = [];
    }
    if (addresses.length === 0) throw refuse(`the host ${host} does not resolve to any address`);
  }
  for (const { address } of addresses) {
    const why = refusalFor(address, livemode);
    if (why) throw refuse(address === host ? why : `${host} resolves to ${address}, and ${why}`);
  }
  // After the address checks, so a URL aimed at a metadata or private address is refused for that, the graver reason.
  if (livemode && url.protocol !== 'https:') throw refuse('live mode sends webhooks over https only, so the payload and its signature cannot be read on the way');
  return { url, addresses };
}
