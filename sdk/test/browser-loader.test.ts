// @vitest-environment happy-dom
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadCheckout } from '../src/browser.js';

/**
 * A stand-in for the widget script, so these tests can count loads and fail them on demand: a
 * minimal element honouring the documented contract — attributes `event`, `key`, `api-base`,
 * `prefill-*`; methods `open()` and `close()`; events `tts-paid` (detail `{ order, tickets }`) and
 * `tts-close`. It records what it was given on `window.__ttsOpened`; `window.__ttsOutcome` says
 * whether the buyer pays (and keeps looking at the tickets) or closes at once. The real widget
 * is driven through this loader in Chromium by the widget's end-to-end tests.
 */
const STAND_IN = `
window.__ttsLoads = (window.__ttsLoads || 0) + 1;
customElements.define('tts-checkout', class extends HTMLElement {
  open() {
    const attrs = {};
    for (const a of this.getAttributeNames()) attrs[a] = this.getAttribute(a);
    (window.__ttsOpened = window.__ttsOpened || []).push({ attrs, connected: this.isConnected });
    setTimeout(() => {
      if (window.__ttsOutcome === 'paid') {
        const order = { id: 'ord_1', object: 'order', status: 'paid' };
        this.dispatchEvent(new CustomEvent('tts-paid', { bubbles: true, composed: true, detail: { order, tickets: [{ id: 'tkt_1' }] } }));
      } else {
        this.close();
      }
    }, 0);
  }
  close() {
    this.dispatchEvent(new CustomEvent('tts-close', { bubbles: true, composed: true }));
  }
});`;

let server: Server;
let base: string;
let failuresLeft = 0;
let served = 0;
let requests = 0;

declare global {
  interface Window {
    __ttsLoads?: number;
    __ttsOpened?: Array<{ attrs: Record<string, string>; connected: boolean }>;
    __ttsOutcome?: 'paid' | 'closed';
  }
}

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url !== '/widget/v1/tts-checkout.js') return void res.writeHead(404).end();
    requests += 1;
    if (failuresLeft > 0) {
      failuresLeft -= 1;
      return void res.writeHead(503).end();
    }
    served += 1;
    res.writeHead(200, { 'Content-Type': 'text/javascript' }).end(STAND_IN);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const scripts = () => Array.from(document.querySelectorAll('script')).filter((s) => s.src.endsWith('/widget/v1/tts-checkout.js'));

describe('loadCheckout', () => {
  // A paid checkout stays open until the buyer closes it: close any a test left behind.
  afterEach(() => {
    for (const el of document.querySelectorAll<HTMLElement & { close(): void }>('tts-checkout')) el.close();
  });

  it('refuses anything but a publishable key', async () => {
    await expect(loadCheckout({ publishableKey: 'sk_test_oops', baseUrl: base })).rejects.toThrow(/publishable key/);
    expect(scripts()).toHaveLength(0);
  });

  it('rejects when the script fails to load, removes the failed tag, and injects a fresh one on the next try', async () => {
    failuresLeft = 2;
    await expect(loadCheckout({ publishableKey: 'pk_test_abc', baseUrl: base })).rejects.toThrow(/Could not load/);
    expect(scripts()).toHaveLength(0);
    await expect(loadCheckout({ publishableKey: 'pk_test_abc', baseUrl: `${base}/` })).rejects.toThrow(/Could not load/);
    expect(requests).toBe(2);
    expect(scripts()).toHaveLength(0);
    expect(customElements.get('tts-checkout')).toBeUndefined();
  });

  it('reuses a script tag the page already has instead of adding another', async () => {
    const own = document.createElement('script');
    own.src = `${base}/widget/v1/tts-checkout.js`;
    // As the embed snippet has it. (happy-dom fetches a non-async script synchronously, which
    // would deadlock against this in-process server.)
    own.async = true;
    document.head.appendChild(own);
    const checkout = await loadCheckout({ publishableKey: 'pk_test_abc', baseUrl: base });
    expect(checkout).not.toBeNull();
    expect(customElements.get('tts-checkout')).toBeDefined();
    expect(scripts()).toEqual([own]);
    expect(served).toBe(1);
  });

  it('injects the script once however often it is called', async () => {
    const [a, b] = await Promise.all([loadCheckout({ publishableKey: 'pk_test_abc', baseUrl: base }), loadCheckout({ publishableKey: 'pk_test_other', baseUrl: base })]);
    expect(a).not.toBeNull();
    expect(b).not.toBeNull();
    expect(scripts()).toHaveLength(1);
    expect(served).toBe(1);
    expect(window.__ttsLoads).toBe(1);
  });

  it('opens the element with the documented attributes and resolves with the paid order and tickets', async () => {
    window.__ttsOutcome = 'paid';
    const checkout = await loadCheckout({ publishableKey: 'pk_test_abc', baseUrl: base });
    const result = await checkout!.open({ event: 'evt_123', prefill: { name: 'Asha Rao', email: 'asha@example.com', phone: '+91 98765 43210' } });
    expect(result).toEqual({ status: 'paid', order: { id: 'ord_1', object: 'order', status: 'paid' }, tickets: [{ id: 'tkt_1' }] });
    expect(window.__ttsOpened!.at(-1)).toEqual({
      connected: true,
      attrs: {
        event: 'evt_123',
        key: 'pk_test_abc',
        'api-base': base,
        'prefill-name': 'Asha Rao',
        'prefill-email': 'asha@example.com',
        'prefill-phone': '+91 98765 43210',
      },
    });
  });

  it('leaves the paid checkout open for the buyer to see the tickets, and removes it when closed', async () => {
    window.__ttsOutcome = 'paid';
    const checkout = await loadCheckout({ publishableKey: 'pk_test_abc', baseUrl: base });
    await expect(checkout!.open({ event: 'evt_123' })).resolves.toMatchObject({ status: 'paid' });
    const open = document.querySelectorAll<HTMLElement & { close(): void }>('tts-checkout');
    expect(open).toHaveLength(1);
    open[0]!.close();
    expect(document.querySelectorAll('tts-checkout')).toHaveLength(0);
  });

  it('resolves { status: "closed" } when the buyer closes the checkout', async () => {
    window.__ttsOutcome = 'closed';
    const checkout = await loadCheckout({ publishableKey: 'pk_test_abc', baseUrl: base });
    await expect(checkout!.open({ event: 'evt_123' })).resolves.toEqual({ status: 'closed' });
    expect(window.__ttsOpened!.at(-1)!.attrs).toEqual({ event: 'evt_123', key: 'pk_test_abc', 'api-base': base });
  });
});
