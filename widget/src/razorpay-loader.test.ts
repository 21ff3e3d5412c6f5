import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RazorpayConstructor } from './razorpay-loader.js';

/**
 * A stand-in for checkout.razorpay.com on 127.0.0.1: `/v1/checkout.js` defines `Razorpay` as the
 * real script does (and counts its runs), `/broken.js` fails the first time, `/empty.js` defines
 * nothing. The real checkout.js is loaded the same way in Chromium by the end-to-end tests.
 */
let server: Server;
let base: string;
let brokenFailures = 1;

beforeAll(async () => {
  server = createServer((req, res) => {
    const js = (body: string) => res.writeHead(200, { 'Content-Type': 'text/javascript' }).end(body);
    if (req.url === '/v1/checkout.js') return js('window.__runs = (window.__runs || 0) + 1; window.Razorpay = function Razorpay() {};');
    if (req.url === '/broken.js') return brokenFailures-- > 0 ? void res.writeHead(503).end() : js('window.Razorpay = function Razorpay() {};');
    if (req.url === '/empty.js') return js('window.__empty = true;');
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

declare global {
  interface Window {
    __runs?: number;
  }
}

const tags = (src: string) => [...document.querySelectorAll<HTMLScriptElement>('script')].filter((s) => s.src === src);

/** The loader as a fresh page has it: it remembers its one load per page. */
let loadRazorpay: typeof import('./razorpay-loader.js').loadRazorpay;
beforeEach(async () => {
  vi.resetModules();
  ({ loadRazorpay } = await import('./razorpay-loader.js'));
});

afterEach(() => {
  document.head.replaceChildren();
  window.Razorpay = undefined;
  delete window.__runs;
});

describe('Razorpay Checkout loader', () => {
  it('adds checkout.js once, however often Pay is clicked, and resolves Razorpay once it has run', async () => {
    const src = `${base}/v1/checkout.js`;
    expect(tags(src)).toHaveLength(0);
    const [first, second] = [loadRazorpay(src), loadRazorpay(src)];
    expect(tags(src)).toHaveLength(1);
    expect(tags(src)[0]!.async).toBe(true);
    const Razorpay: RazorpayConstructor = await first;
    expect(await second).toBe(Razorpay);
    expect(window.__runs).toBe(1);
    expect(await loadRazorpay(src)).toBe(Razorpay);
    expect(window.__runs).toBe(1);
  });

  it('reuses a Razorpay the page already loaded, without adding a tag', async () => {
    const own = function Razorpay() {} as unknown as RazorpayConstructor;
    window.Razorpay = own;
    await expect(loadRazorpay(`${base}/v1/checkout.js`)).resolves.toBe(own);
    expect(document.querySelectorAll('script')).toHaveLength(0);
  });

  it('forgets a failed load and removes its tag, so the next Pay click tries again', async () => {
    const src = `${base}/broken.js`;
    await expect(loadRazorpay(src)).rejects.toThrow(`Could not load ${src}`);
    expect(tags(src)).toHaveLength(0);
    await expect(loadRazorpay(src)).resolves.toBeTypeOf('function');
  });

  it('treats a script that runs but defines no Razorpay as a failed load', async () => {
    await expect(loadRazorpay(`${base}/empty.js`)).rejects.toThrow('Could not load');
  });
});
