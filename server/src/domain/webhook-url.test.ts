import { describe, expect, it } from 'vitest';
import { AppError } from '../kernel/errors.js';
import { addressKind, checkWebhookUrl, refusalFor, type ResolveHost } from './webhook-url.js';

const resolvesTo =
  (table: Record<string, string[]>): ResolveHost =>
  async (host) =>
    (table[host] ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

async function refusal(url: string, livemode: boolean, resolve: ResolveHost = resolvesTo({})): Promise<string> {
  try {
    await checkWebhookUrl(url, { livemode, resolve });
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('VALIDATION_FAILED');
    return (err as AppError).message;
  }
  throw new Error(`${url} was accepted`);
}

describe('addressKind', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.0.10', 'private'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['169.254.169.254', 'metadata'],
    ['169.254.10.1', 'link-local'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'link-local'],
    ['fd12:3456::1', 'private'],
    ['fd00:ec2::254', 'metadata'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:a9fe:a9fe', 'metadata'],
    ['64:ff9b::a00:1', 'private'],
    ['93.184.216.34', 'public'],
    ['2606:4700::1111', 'public'],
  ])('judges %s as %s', (ip, kind) => {
    expect(addressKind(ip)).toBe(kind);
  });
});

describe('refusalFor', () => {
  it('allows loopback in test mode only, and refuses metadata in both modes', () => {
    expect(refusalFor('127.0.0.1', false)).toBeNull();
    expect(refusalFor('127.0.0.1', true)).toMatch(/loopback.*live mode/);
    expect(refusalFor('169.254.169.254', false)).toMatch(/cloud metadata address.*in any mode/);
    expect(refusalFor('fd00:ec2::254', false)).toMatch(/metadata/);
    expect(refusalFor('10.0.0.5', false)).toMatch(/private network address.*test mode/);
  });
});

describe('checkWebhookUrl', () => {
  it('refuses http://169.254.169.254/ in test and live mode, naming the metadata address', async () => {
    for (const livemode of [false, true]) {
      expect(await refusal('http://169.254.169.254/latest/meta-data/', livemode)).toMatch(/169\.254\.169\.254 is a cloud metadata address/);
    }
    expect(await refusal('https://169.254.169.254/', true)).toMatch(/metadata/);
  });

  it('refuses http://[::1] in live mode as loopback, and plain http to a public host', async () => {
    expect(await refusal('http://[::1]/hook', true)).toMatch(/::1 is a loopback address.*live mode/);
    expect(await refusal('http://hooks.example.test/', true, resolvesTo({ 'hooks.example.test': ['93.184.216.34'] }))).toMatch(/live mode sends webhooks over https only/);
    expect(await refusal('https://[::1]/hook', true)).toMatch(/::1 is a loopback address/);
  });

  it('refuses a host name that resolves to 127.0.0.1 in live mode, saying what it resolved to', async () => {
    const message = await refusal('https://hooks.example.test/tts', true, resolvesTo({ 'hooks.example.test': ['127.0.0.1'] }));
    expect(message).toContain('hooks.example.test resolves to 127.0.0.1');
    expect(message).toContain('loopback');
  });

  it('refuses a name when any one of its addresses is private', async () => {
    const resolve = resolvesTo({ 'mixed.example.test': ['93.184.216.34', '10.0.0.7'] });
    expect(await refusal('https://mixed.example.test/', true, resolve)).toContain('10.0.0.7');
  });

  it('refuses numeric spellings of loopback that URL parsing turns into 127.0.0.1', async () => {
    expect(await refusal('https://2130706433/', true)).toContain('127.0.0.1');
    expect(await refusal('https://0x7f.1/', true)).toContain('127.0.0.1');
    expect(await refusal('https://[::ffff:7f00:1]/', true)).toMatch(/loopback/);
  });

  it('refuses other schemes, credentials in the URL and names that do not resolve', async () => {
    expect(await refusal('ftp://example.test/', false)).toMatch(/scheme must be https/);
    expect(await refusal('https://user:pw@example.test/', true, resolvesTo({ 'example.test': ['93.184.216.34'] }))).toMatch(/user name or password/);
    expect(await refusal('https://nowhere.example.test/', true)).toMatch(/does not resolve/);
  });

  it('accepts https to a public address in live mode and http to loopback in test mode', async () => {
    const live = await checkWebhookUrl('https://hooks.example.test/tts', { livemode: true, resolve: resolvesTo({ 'hooks.example.test': ['93.184.216.34'] }) });
    expect(live.addresses).toEqual([{ address: '93.184.216.34', family: 4 }]);
    const local = await checkWebhookUrl('http://127.0.0.1:4242/hook', { livemode: false, resolve: resolvesTo({}) });
    expect(local.addresses).toEqual([{ address: '127.0.0.1', family: 4 }]);
  });
});
