import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_BASE_URL, TrendyTickets, TtsError, verifyTicketCode } from '../src/index.js';

afterEach(() => {
  vi.unstubAllEnvs();
  vi.unstubAllGlobals();
});

describe('configuration', () => {
  it('reads TTS_API_KEY and TTS_BASE_URL when options are absent', async () => {
    vi.stubEnv('TTS_API_KEY', 'sk_test_fromenv');
    vi.stubEnv('TTS_BASE_URL', 'https://tickets.example.com');
    const seen: Array<{ url: string; auth: string | null }> = [];
    const client = new TrendyTickets({
      fetch: async (url, init) => {
        seen.push({ url, auth: new Headers(init.headers).get('Authorization') });
        return Response.json({ id: 'acct_1', object: 'account' });
      },
    });
    await client.account.retrieve();
    expect(seen).toEqual([{ url: 'https://tickets.example.com/v1/account', auth: 'Bearer sk_test_fromenv' }]);
  });

  it('prefers options over the environment and defaults to a local server', () => {
    vi.stubEnv('TTS_API_KEY', 'sk_test_fromenv');
    vi.stubEnv('TTS_BASE_URL', '');
    expect(new TrendyTickets({ apiKey: 'sk_test_given' }).baseUrl).toBe(DEFAULT_BASE_URL);
  });

  it('refuses to start without a key, naming TTS_API_KEY', () => {
    vi.stubEnv('TTS_API_KEY', '');
    expect(() => new TrendyTickets()).toThrow(/TTS_API_KEY/);
  });

  it('works where there is no `process` at all (browsers, edge)', () => {
    vi.stubGlobal('process', undefined);
    expect(new TrendyTickets({ apiKey: 'pk_test_x' }).baseUrl).toBe(DEFAULT_BASE_URL);
  });

  it('refuses a secret key in a browser unless dangerouslyAllowBrowser is set; publishable keys are fine', () => {
    vi.stubGlobal('window', {});
    expect(() => new TrendyTickets({ apiKey: 'sk_test_secret' })).toThrow(TtsError);
    expect(() => new TrendyTickets({ apiKey: 'sk_test_secret' })).toThrow(/publishable key/);
    expect(() => new TrendyTickets({ apiKey: 'rk_test_restricted' })).toThrow(/publishable key/);
    expect(() => new TrendyTickets({ apiKey: 'sk_test_secret', dangerouslyAllowBrowser: true })).not.toThrow();
    expect(() => new TrendyTickets({ apiKey: 'pk_test_public' })).not.toThrow();
  });

  it('encodes query parameters and drops the ones left out', async () => {
    const urls: string[] = [];
    const client = new TrendyTickets({
      apiKey: 'sk_test_x',
      baseUrl: 'https://tickets.example.com/',
      fetch: async (url) => {
        urls.push(url);
        return Response.json({ object: 'list', data: [], has_more: false, next_cursor: null });
      },
    });
    await client.events.attendees('evt_1', { q: 'asha rao', checked_in: false }).page();
    expect(urls).toEqual(['https://tickets.example.com/v1/events/evt_1/attendees?q=asha+rao&checked_in=false']);
  });
});

describe('verifyTicketCode', () => {
  async function signer() {
    const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify'])) as CryptoKeyPair;
    const raw = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey));
    const publicKey = Buffer.from(raw).toString('base64url');
    const sign = async (text: string) =>
      `${text}.${Buffer.from(await crypto.subtle.sign({ name: 'Ed25519' }, pair.privateKey, new TextEncoder().encode(text))).toString('base64url')}`;
    return { publicKey, sign };
  }

  it('accepts a genuine code and names its ticket and event', async () => {
    const { publicKey, sign } = await signer();
    const code = await sign('TTS1.tkt_abc.evt_def');
    expect(await verifyTicketCode(code, publicKey)).toEqual({ valid: true, ticketId: 'tkt_abc', eventId: 'evt_def' });
  });

  it('refuses edited, truncated, foreign-key and non-TTS codes', async () => {
    const { publicKey, sign } = await signer();
    const other = await signer();
    const code = await sign('TTS1.tkt_abc.evt_def');
    expect((await verifyTicketCode(code.replace('evt_def', 'evt_xyz'), publicKey)).valid).toBe(false);
    expect((await verifyTicketCode(code.slice(0, -4), publicKey)).valid).toBe(false);
    expect((await verifyTicketCode(code, other.publicKey)).valid).toBe(false);
    expect(await verifyTicketCode('tkt_abc', publicKey)).toEqual({ valid: false, ticketId: null, eventId: null });
    expect((await verifyTicketCode('TTS1.tkt_abc.evt_def.!!!', publicKey)).valid).toBe(false);
  });

  it('rejects a malformed public key', async () => {
    await expect(verifyTicketCode('TTS1.a.b.c', 'not-a-key')).rejects.toThrow(/base64url raw 32-byte key/);
  });
});
