/**
 * Drives `<tts-checkout>` in happy-dom against the real server app: the element's `fetch` goes
 * to `app.request()` (the same app, store and mail the server runs, in memory), with the
 * `Origin` header a browser on this page would send. No fetch doubles, no canned JSON.
 */
import { expect, vi } from 'vitest';
import { ManualClock } from '../../../server/src/kernel/clock.js';
import { createEmbeddedStore } from '../../../server/src/store/embedded.js';
import type { Collection, Doc, Store } from '../../../server/src/store/port.js';
import { buildTestApp, type TestApp } from '../../../server/test/helpers/app.js';
import { organizerWithEvent, readCode } from '../../../server/test/helpers/checkout.js';
import '../tts-checkout.js';
import type { TtsCheckout } from '../tts-checkout.js';

/** The test app's PUBLIC_URL: the element's `api-base` in these tests. */
export const API = 'http://tickets.test';

export interface Route {
  /** Every API call the element made, in order: `POST /v1/orders`, … */
  calls: string[];
  /** Every answer that reached the element, in order: `POST /v1/orders 201`, … (lost ones are not here). */
  answers: string[];
  /** While true, every call fails as a dropped connection does (`TypeError: Failed to fetch`). */
  offline: boolean;
  /** Changes a request's JSON body before the app sees it (a tampering network, for error paths). */
  tamper?: ((path: string, body: Record<string, unknown>) => Record<string, unknown>) | undefined;
  /** Holds calls whose path matches until `release()`: a payment "in flight". */
  hold(pattern: RegExp): { release(): void; reached: Promise<void> };
  /**
   * Loses the next answer to a call whose path matches: the app gets the request, the element
   * sees a dropped connection. By default the connection drops once the app has answered;
   * `early` drops it as soon as the request is out, while the app is still working on it.
   * `handled` settles with the app's answer that the element never saw.
   */
  drop(pattern: RegExp, options?: { early?: boolean }): { handled: Promise<Response> };
}

/** Routes `fetch` to the app; restored by `vi.unstubAllGlobals()`. */
export function routeFetch(t: TestApp): Route {
  const held: Array<{ pattern: RegExp; gate: Promise<void>; arrived: () => void }> = [];
  const drops: Array<{ pattern: RegExp; early: boolean; handled: (answer: Promise<Response>) => void }> = [];
  const route: Route = {
    calls: [],
    answers: [],
    offline: false,
    drop(pattern, { early = false } = {}) {
      let handled!: (answer: Promise<Response>) => void;
      const answer = new Promise<Response>((r) => (handled = r));
      drops.push({ pattern, early, handled });
      return { handled: answer };
    },
    hold(pattern) {
      let release!: () => void;
      let arrived!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      const reached = new Promise<void>((r) => (arrived = r));
      held.push({ pattern, gate, arrived });
      return { release, reached };
    },
  };
  vi.stubGlobal('fetch', async (input: string, init: RequestInit = {}) => {
    const url = new URL(input);
    if (route.offline || url.origin !== API) throw new TypeError('Failed to fetch');
    const path = url.pathname + url.search;
    route.calls.push(`${init.method ?? 'GET'} ${url.pathname}`);
    const wait = held.find((h) => h.pattern.test(url.pathname));
    if (wait) {
      held.splice(held.indexOf(wait), 1);
      wait.arrived();
      await wait.gate;
    }
    let body = init.body;
    if (route.tamper && typeof body === 'string') body = JSON.stringify(route.tamper(url.pathname, JSON.parse(body) as Record<string, unknown>));
    const headers = new Headers(init.headers);
    headers.set('Origin', location.origin);
    const answer = Promise.resolve(t.app.request(path, { ...init, headers, ...(body === undefined ? {} : { body }) }));
    const drop = drops.find((d) => d.pattern.test(url.pathname));
    if (drop) {
      drops.splice(drops.indexOf(drop), 1);
      drop.handled(answer);
      if (!drop.early) await answer;
      throw new TypeError('Failed to fetch');
    }
    const res = await answer;
    route.answers.push(`${init.method ?? 'GET'} ${url.pathname} ${res.status}`);
    return res;
  });
  return route;
}

/**
 * The test app on a store whose `orders` inserts can be paused: `pause()` holds the next one,
 * so a request stays in flight inside the server, past its idempotency claim, until `resume()`.
 */
export async function appWithPausableOrders() {
  const clock = new ManualClock('2030-06-01T10:00:00.000Z');
  const store = await createEmbeddedStore({ now: () => clock.now() });
  let gate: { reached: () => void; open: Promise<void> } | null = null;
  const pausable: Store = {
    driver: store.driver,
    collection<T extends Doc>(name: string): Collection<T> {
      const real = store.collection<T>(name);
      if (name !== 'orders') return real;
      return new Proxy(real, {
        get(target, prop) {
          if (prop !== 'insertOne') {
            const value: unknown = Reflect.get(target, prop);
            return typeof value === 'function' ? value.bind(target) : value;
          }
          return async (doc: T) => {
            const g = gate;
            gate = null;
            if (g) {
              g.reached();
              await g.open;
            }
            return target.insertOne(doc);
          };
        },
      });
    },
    ensureIndexes: (specs) => store.ensureIndexes(specs),
    listCollections: () => store.listCollections(),
    ping: () => store.ping(),
    close: () => store.close(),
  };
  const t = await buildTestApp({ store: pausable, clock });
  function pause(): { reached: Promise<void>; resume(): void } {
    let reached!: () => void;
    let resume!: () => void;
    const arrived = new Promise<void>((r) => (reached = r));
    gate = { reached, open: new Promise<void>((r) => (resume = r)) };
    return { reached: arrived, resume };
  }
  return { t, pause };
}

/** A checkout against a fresh organizer's event, mounted and loaded. */
export async function setup(options: { event?: Record<string, unknown>; attrs?: Record<string, string>; app?: TestApp } = {}) {
  const t = options.app ?? (await buildTestApp());
  const org = await organizerWithEvent(t, options.event);
  const route = routeFetch(t);
  const events = recordEvents();
  const el = await mount({ event: org.event.id, key: org.pk, 'api-base': API, ...options.attrs });
  return { t, org, route, events, el };
}

/** Adds `<tts-checkout>` with these attributes to the page and waits for its first render. */
export async function mount(attrs: Record<string, string>): Promise<TtsCheckout> {
  const el = document.createElement('tts-checkout');
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, value);
  document.body.append(el);
  await el.updateComplete;
  return el;
}

/** Every `tts-*` event that reached the document (so only bubbling, composed ones), in order. */
export function recordEvents(): Array<CustomEvent & { type: string }> {
  const seen: Array<CustomEvent & { type: string }> = [];
  for (const type of ['tts-ready', 'tts-open', 'tts-close', 'tts-request-close', 'tts-order-created', 'tts-paid', 'tts-error']) {
    document.addEventListener(type, (e) => seen.push(e as CustomEvent));
  }
  return seen;
}

/** The element's shadow root. */
export const root = (el: TtsCheckout): ShadowRoot => el.shadowRoot!;

/** The visible text of the checkout, whitespace collapsed. */
export const text = (el: TtsCheckout): string => (root(el).textContent ?? '').replace(/\s+/g, ' ').trim();

/** The first element matching `selector` in the shadow root; fails the test when there is none. */
export function $<T extends Element = HTMLElement>(el: TtsCheckout, selector: string): T {
  const found = root(el).querySelector<T>(selector);
  expect(found, `an element matching ${selector}`).not.toBeNull();
  return found!;
}

/** The button (or link) whose text is `label`. */
export function button(el: TtsCheckout, label: string | RegExp): HTMLElement {
  const all = [...root(el).querySelectorAll<HTMLElement>('button, a')];
  const found = all.find((b) => (typeof label === 'string' ? b.textContent?.trim() === label : label.test(b.textContent ?? '')));
  expect(found, `a button labelled ${String(label)} among: ${all.map((b) => b.textContent?.trim()).join(' | ')}`).toBeDefined();
  return found!;
}

/** Types into an input as a person does: value, then `input` (and `blur` when asked). */
export function type(input: HTMLInputElement, value: string, { blur = false } = {}): void {
  input.value = value;
  input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
  if (blur) input.dispatchEvent(new FocusEvent('blur'));
}

/** Waits until `check` passes (the element renders in microtasks after each server answer). */
export const until = <T>(check: () => T | Promise<T>, timeout = 5000): Promise<T> => vi.waitFor(check, { timeout, interval: 5 });

/** Submits the step's form as pressing Enter does. */
export function submit(el: TtsCheckout): void {
  $(el, 'form').dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
}

/** Fills the details step and continues; resolves once the next step shows. */
export async function enterDetails(el: TtsCheckout, who = { name: 'Asha Rao', email: `asha${Math.random().toString(36).slice(2, 8)}@example.com`, phone: '' }) {
  await until(() => expect(text(el)).toContain('Your details'));
  type($<HTMLInputElement>(el, '#name'), who.name);
  type($<HTMLInputElement>(el, '#email'), who.email);
  type($<HTMLInputElement>(el, '#phone'), who.phone);
  submit(el);
  return who;
}

/** Opens the modal, continues from the tickets step and fills the details. */
export async function toVerify(el: TtsCheckout, t: TestApp, who?: { name: string; email: string; phone: string }) {
  await el.open();
  await until(() => expect(text(el)).toContain('Choose tickets'));
  submit(el);
  const buyer = await enterDetails(el, who);
  await until(() => expect(text(el)).toContain('Check your email'));
  return { buyer, code: () => readCode(t, buyer.email) };
}

/** Types the emailed code; the input submits itself at the sixth digit. */
export async function enterCode(el: TtsCheckout, code: string): Promise<void> {
  type($<HTMLInputElement>(el, '#code'), code);
}
