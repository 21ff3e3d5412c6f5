import { expect } from 'vitest';
import { totpCode, totpStep } from '../../src/domain/totp.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';

export const ORIGIN = 'http://tickets.test';
export const PASSWORD = 'correct horse battery';

/** One response, read once: status, headers, body text and the cookies it set. */
export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  location: string | null;
  setCookies: string[];
}

interface RequestOptions {
  /** Sent as `Origin`; `null` leaves the header out. Default: our own origin on POSTs. */
  origin?: string | null;
  headers?: Record<string, string>;
}

/**
 * A browser for `app.request()`: keeps cookies like a browser does (by name, for /console),
 * sends our Origin on POSTs, and remembers the last CSRF token a page carried.
 */
export class ConsoleBrowser {
  readonly cookies = new Map<string, string>();
  /** The `_csrf` value of the last page fetched that had a form. */
  csrf = '';

  constructor(readonly t: TestApp) {}

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private async send(method: string, path: string, body: string | undefined, contentType: string | undefined, options: RequestOptions): Promise<Reply> {
    const headers: Record<string, string> = { ...options.headers };
    if (this.cookies.size > 0) headers.Cookie = this.cookieHeader();
    if (contentType) headers['Content-Type'] = contentType;
    const origin = options.origin === undefined ? (method === 'GET' ? null : ORIGIN) : options.origin;
    if (origin !== null) headers.Origin = origin;
    const res = await this.t.app.request(path, { method, headers, ...(body === undefined ? {} : { body }) });
    const setCookies = res.headers.getSetCookie();
    for (const line of setCookies) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (/max-age=0/i.test(line) || /expires=Thu, 01 Jan 1970/i.test(line) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const text = await res.text();
    const token = /name="_csrf" value="([^"]+)"/.exec(text)?.[1] ?? /data-csrf="([^"]+)"/.exec(text)?.[1];
    if (token) this.csrf = token;
    return { status: res.status, headers: res.headers, text, location: res.headers.get('Location'), setCookies };
  }

  get(path: string, options: RequestOptions = {}): Promise<Reply> {
    return this.send('GET', path, undefined, undefined, options);
  }

  /** A form POST; `_csrf` is the last token seen unless the form gives its own (or `null` for none). */
  post(path: string, form: Record<string, string | null> = {}, options: RequestOptions = {}): Promise<Reply> {
    const fields: Record<string, string> = {};
    if (!('_csrf' in form)) fields._csrf = this.csrf;
    for (const [k, v] of Object.entries(form)) if (v !== null) fields[k] = v;
    return this.send('POST', path, new URLSearchParams(fields).toString(), 'application/x-www-form-urlencoded', options);
  }

  /** A JSON POST as the scanner's script sends it, with the CSRF header. */
  postJson(path: string, body: unknown, options: RequestOptions & { csrf?: string | null } = {}): Promise<Reply> {
    const csrf = options.csrf === undefined ? this.csrf : options.csrf;
    const headers: Record<string, string> = { Accept: 'application/json', ...(csrf === null ? {} : { 'X-CSRF-Token': csrf }), ...options.headers };
    return this.send('POST', path, JSON.stringify(body), 'application/json', { ...options, headers });
  }

  /** Follows a redirect the way a browser would (GET). */
  async follow(reply: Reply): Promise<Reply> {
    expect(reply.location, `a redirect (got ${reply.status})`).toBeTruthy();
    return this.get(reply.location!);
  }
}

let accounts = 0;

/** Signs up through the console and returns the signed-in browser and what the welcome page showed. */
export async function signUpInConsole(t: TestApp, name = 'Asha Events') {
  accounts += 1;
  const email = `organizer${accounts}-${Date.now()}@example.com`;
  const browser = new ConsoleBrowser(t);
  await browser.get('/console/signup');
  const welcome = await browser.post('/console/signup', { name, email, password: PASSWORD });
  expect(welcome.status, welcome.text.slice(0, 500)).toBe(200);
  const sk = /sk_test_[0-9A-Za-z]{36}/.exec(welcome.text)?.[0] ?? '';
  const pk = /pk_test_[0-9A-Za-z]{36}/.exec(welcome.text)?.[0] ?? '';
  const account = (await t.store.collection<{ _id: string; email: string }>('accounts').findOne({ email }))!;
  return { browser, email, sk, pk, account: account._id, owner: { account: account._id, livemode: false }, welcome };
}

/**
 * A console browser signed in by the login form; with `totpSecret`, through the two-step code
 * (computed for the test clock) when the account asks for one.
 */
export async function signIn(t: TestApp, email: string, password = PASSWORD, { totpSecret }: { totpSecret?: string | null } = {}): Promise<ConsoleBrowser> {
  const browser = new ConsoleBrowser(t);
  await browser.get('/console/login');
  const res = await browser.post('/console/login', { email, password, next: '/console' });
  expect(res.status, res.text.slice(0, 300)).toBe(303);
  if (res.location?.startsWith('/console/login/two-factor')) {
    expect(totpSecret, 'the account asks for a two-step code: pass its secret').toBeTruthy();
    await browser.follow(res);
    // The next step's code (accepted: one step of drift): the current one may have been spent at enrolment.
    const coded = await browser.post('/console/login/two-factor', { code: totpCode(totpSecret!, totpStep(t.clock.now()) + 1), next: '/console' });
    expect(coded.status, coded.text.slice(0, 300)).toBe(303);
  }
  return browser;
}

/** A test app with an organizer signed in to the console. */
export async function consoleWithOrganizer(env: Record<string, string> = {}) {
  const t = await buildTestApp({ env });
  return { t, ...(await signUpInConsole(t)) };
}

/** The text of an HTML page without tags, whitespace collapsed: what a reader sees. */
export function visibleText(html: string): string {
  return html
    .replace(/<style[\s\S]*?<\/style>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, ' ')
    .trim();
}

/** The error text under a form field (`<p class="field-error" id="f-<name>-error">`). */
export function fieldError(html: string, field: string): string | undefined {
  const id = `f-${field.replace(/[^A-Za-z0-9_-]/g, '-')}-error`;
  const m = new RegExp(`<p class="field-error" id="${id}">([^<]*)</p>`).exec(html);
  return m?.[1]
    ?.replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}
