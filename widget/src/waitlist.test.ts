import type { PublicEvent } from '@trendy-tickets/sdk';
import { html, nothing, render } from 'lit/html.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildTestApp, type TestApp } from '../../server/test/helpers/app.js';
import { issueTickets, organizerWithEvent, readCode } from '../../server/test/helpers/checkout.js';
import { createApi } from './api.js';
import type { WaitingListErrorCode } from './error-messages.js';
import { i18n, registerMessages } from './i18n.js';
import { hi } from './locales/hi.js';
import { WAITLIST_WORDS } from './locales/waitlist.js';
import { parts } from './parts.js';
import { $, API, button, mount, root, routeFetch, text, type Route, type as typeIn, until } from './test-support/harness.js';
import { createWaitlist, OWN_WORDS, type Waitlist } from './waitlist.js';

afterEach(() => {
  document.body.replaceChildren();
  vi.unstubAllGlobals();
});

/**
 * An event whose only type, General (2 seats, at most 4 an order), is sold out, with its
 * waiting list on unless `waitingList` says otherwise.
 */
async function soldOut(t: TestApp, options: { waitingList?: boolean; sell?: boolean } = {}) {
  const org = await organizerWithEvent(t, {
    ticket_types: [{ name: 'General', price: 49_900, capacity: 2, max_per_order: 4 }],
    waiting_list: { enabled: options.waitingList ?? true },
  });
  if (options.sell ?? true) await issueTickets(t, org.sk, org.event.id, org.general, { name: 'Early Bird', email: 'early@example.com' }, 2);
  return org;
}

/**
 * The waiting-list part on its own, rendered into the page with the element's Lit as the element
 * renders it, talking to the real server app: what the element hands it, and nothing more.
 */
async function openPart(options: { locale?: 'en' | 'hi'; waitingList?: boolean; sell?: boolean; app?: TestApp } = {}) {
  const t = options.app ?? (await buildTestApp());
  const org = await soldOut(t, options);
  const route: Route = routeFetch(t);
  const event = (await createApi(API, org.pk).event(org.event.id)) as PublicEvent;
  const box = document.createElement('div');
  document.body.append(box);
  const i = i18n(options.locale ?? 'en');
  let part: Waitlist | undefined;
  let left = 0;
  const draw = () => part && render(part.view({ i, event }), box);
  part = createWaitlist(
    { html, nothing },
    {
      api: () => createApi(API, org.pk),
      changed: draw,
      focus: (id) => void Promise.resolve().then(() => box.querySelector<HTMLElement>(`#${id}`)?.focus()),
      back: () => (left += 1),
    },
    org.general,
  );
  draw();
  const field = (id: string) => box.querySelector<HTMLInputElement>(`#${id}`)!;
  const words = () => (box.textContent ?? '').replace(/\s+/g, ' ').trim();
  return { t, org, route, box, event, field, words, left: () => left };
}

/** Fills the form and presses Join the waiting list. */
function join(box: HTMLElement, field: (id: string) => HTMLInputElement, who: { name: string; email: string; quantity?: string }): void {
  typeInto(field('wl-name'), who.name);
  typeInto(field('wl-email'), who.email);
  typeInto(field('wl-quantity'), who.quantity ?? '1');
  submitForm(box);
}

let people = 0;
/** Someone with an email of their own (the code limit is per address). */
function person(name = 'Asha Rao') {
  people += 1;
  return { name, email: `waiting${people}@example.com` };
}

/** Types into an input as a person does. */
function typeInto(input: HTMLInputElement, value: string): void {
  input.value = value;
  input.dispatchEvent(new Event('input', { bubbles: true }));
}

/** Presses the form's submit button as Enter does. */
function submitForm(box: HTMLElement): void {
  box.querySelector('form')!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
}

describe('the waiting-list form', () => {
  it('asks a name, an email and how many tickets (up to the type’s most per order), each labelled, with the focus on its heading', async () => {
    const { box, field, words } = await openPart();
    expect(words()).toContain('Waiting list: General');
    for (const [id, label] of [
      ['wl-name', 'Full name'],
      ['wl-email', 'Email'],
      ['wl-quantity', 'Tickets wanted (1 to 4)'],
    ]) {
      expect(box.querySelector(`label[for="${id}"]`)?.textContent?.trim(), id).toBe(label);
      expect(field(id!).required, id).toBe(true);
    }
    expect(field('wl-email').type).toBe('email');
    expect(field('wl-quantity').type).toBe('number');
    expect(field('wl-quantity').max).toBe('4');
    expect(field('wl-quantity').value).toBe('1');
    await vi.waitFor(() => expect(document.activeElement?.id).toBe('wl-h'));
  });

  it('sends nothing while the name is empty, the email is wrong or more tickets are asked than one order takes, tying each message to its field and focusing the first', async () => {
    const { box, field, route } = await openPart();
    typeInto(field('wl-email'), 'asha@');
    typeInto(field('wl-quantity'), '5');
    submitForm(box);
    for (const [id, message] of [
      ['wl-name', 'Enter your name.'],
      ['wl-email', 'Enter a valid email address.'],
      ['wl-quantity', 'Choose from 1 to 4 tickets.'],
    ]) {
      expect(field(id!).getAttribute('aria-invalid'), id).toBe('true');
      expect(field(id!).getAttribute('aria-describedby'), id).toBe(`${id}-e`);
      expect(box.querySelector(`#${id}-e`)?.textContent, id).toBe(message);
    }
    await vi.waitFor(() => expect(document.activeElement?.id).toBe('wl-name'));
    expect(route.calls.filter((c) => c.startsWith('POST'))).toEqual([]);
    // Changing a field takes its message away; Join checks it again.
    typeInto(field('wl-name'), 'Asha Rao');
    expect(box.querySelector('#wl-name-e')).toBeNull();
    expect(field('wl-name').getAttribute('aria-invalid')).toBe('false');
    typeInto(field('wl-quantity'), '0');
    submitForm(box);
    expect(box.querySelector('#wl-quantity-e')?.textContent).toBe('Choose from 1 to 4 tickets.');
    expect(route.calls.filter((c) => c.startsWith('POST'))).toEqual([]);
  });

  it('goes back to the tickets on Back', async () => {
    const { box, left } = await openPart();
    const back = [...box.querySelectorAll('button')].find((b) => b.textContent?.trim() === 'Back')!;
    back.click();
    expect(left()).toBe(1);
  });

  it('speaks Hindi in a Hindi checkout', async () => {
    registerMessages('hi', hi);
    const { words, box } = await openPart({ locale: 'hi' });
    expect(words()).toContain('प्रतीक्षा सूची: General');
    expect(box.querySelector('label[for="wl-quantity"]')?.textContent).toBe('कितने टिकट चाहिए (1 से 4)');
    expect(box.querySelector('button.primary')?.textContent?.trim()).toBe('प्रतीक्षा सूची में जुड़ें');
  });
});

describe('the waiting-list form, against the server', () => {
  it('says each refusal of the server in words: the list closed, seats on sale again, already waiting', async () => {
    const closed = await openPart({ waitingList: false });
    join(closed.box, closed.field, person());
    await until(() => expect(closed.words()).toContain('The waiting list for this event is closed.'));
    expect(closed.route.answers).toContain('POST /v1/waiting_list_entries 409');
    expect(closed.box.querySelector('#wl-e')?.getAttribute('role')).toBe('alert');
    document.body.replaceChildren();

    const onSale = await openPart({ sell: false });
    join(onSale.box, onSale.field, person());
    await until(() => expect(onSale.words()).toContain('Seats are on sale again: you can buy them now.'));
    document.body.replaceChildren();

    const twice = await openPart();
    const who = person();
    const first = await twice.t.call('POST', '/v1/waiting_list_entries', {
      key: twice.org.pk,
      body: { event: twice.org.event.id, ticket_type: twice.org.general, quantity: 1, ...who },
    });
    const body = { code: await readCode(twice.t, who.email), client_secret: first.body.client_secret };
    expect((await twice.t.call('POST', `/v1/waiting_list_entries/${first.body.id}/verify`, { key: twice.org.pk, body })).status).toBe(200);
    join(twice.box, twice.field, who);
    await until(() => expect(twice.words()).toContain(`${who.email} is already on the waiting list for General.`));
  });

  it('has words of its own for every waiting-list code, in English and in Hindi', () => {
    const codes: Record<WaitingListErrorCode, true> = { WAITING_LIST_CLOSED: true, SEATS_AVAILABLE: true, ALREADY_WAITING: true };
    for (const code of Object.keys(codes) as WaitingListErrorCode[]) {
      for (const locale of ['en', 'hi'] as const) expect(WAITLIST_WORDS[locale][OWN_WORDS[code]], `${locale} ${code}`).toBeTruthy();
    }
  });

  it('sends the typed details and the type, then takes the emailed code, and says a wrong one with the tries left', async () => {
    const { t, org, box, field, words, route } = await openPart();
    let sent: Record<string, unknown> = {};
    route.tamper = (path, body) => {
      if (path === '/v1/waiting_list_entries') sent = body;
      return body;
    };
    const who = person('  Meera Iyer ');
    join(box, field, { ...who, quantity: '3' });
    await until(() => expect(words()).toContain(`Enter the 6-digit code we sent to ${who.email}.`));
    expect(sent).toEqual({ event: org.event.id, ticket_type: org.general, quantity: 3, name: 'Meera Iyer', email: who.email });
    await vi.waitFor(() => expect(document.activeElement?.id).toBe('wl-code'));
    const code = await readCode(t, who.email);
    typeInto(field('wl-code'), code === '000000' ? '111111' : '000000');
    await until(() => expect(words()).toContain('That code is not right.'));
    expect(words()).toContain('Tries left: 4');
    expect(field('wl-code').getAttribute('aria-invalid')).toBe('true');
    expect(field('wl-code').getAttribute('aria-describedby')).toBe('wl-e wl-tries');
    // A pasted code with spaces works too, and the sixth digit sends it.
    typeInto(field('wl-code'), `${code.slice(0, 3)} ${code.slice(3)}`);
    await until(() => expect(words()).toContain('You’re number 1 in line for General.'));
    expect(words()).toContain('We’ll email you when seats come free; the offer holds them for a limited time.');
    await vi.waitFor(() => expect(document.activeElement?.id).toBe('wl-done'));
    const id = route.calls.find((c) => c.includes('/verify'))?.split('/')[3];
    expect((await t.call('GET', `/v1/waiting_list_entries/${id}`, { key: org.sk })).body).toMatchObject({ status: 'waiting', quantity: 3, name: 'Meera Iyer' });
  });

  it('sends a new code on request and says it is on its way', async () => {
    const { box, field, words, route } = await openPart();
    join(box, field, person());
    await until(() => expect(field('wl-code')).toBeTruthy());
    box.querySelector<HTMLButtonElement>('#wl-resend')!.click();
    await until(() => expect(words()).toContain('A new code is on its way.'));
    expect(route.answers.some((a) => /^POST \/v1\/waiting_list_entries\/wle_\w+\/resend_code 200$/.test(a))).toBe(true);
  });
});

describe('Join the waiting list, in the checkout', () => {
  it('shows on a sold-out type of an event whose list is on, lists the type rather than “all sold”, and opens the form with the focus on its heading', async () => {
    const t = await buildTestApp();
    const org = await soldOut(t);
    routeFetch(t);
    const el = await mount({ event: org.event.id, key: org.pk, 'api-base': API, mode: 'page' });
    await until(() => expect(text(el)).toContain('Join the waiting list'));
    expect(text(el)).not.toContain('All tickets are sold.');
    expect(text(el)).toContain('Sold out');
    const join = button(el, 'Join the waiting list');
    expect(join.getAttribute('aria-describedby')).toBe(`n-${org.general}`);
    join.click();
    await until(() => expect(text(el)).toContain('Waiting list: General'));
    await until(() => expect(root(el).activeElement?.id).toBe('wl-h'));
    expect($<HTMLInputElement>(el, '#wl-quantity').max).toBe('4');
    button(el, 'Back').click();
    await until(() => expect(text(el)).toContain('Choose tickets'));
  });

  it('joins through the element: details, code, place in line', async () => {
    const t = await buildTestApp();
    const org = await soldOut(t);
    routeFetch(t);
    const el = await mount({ event: org.event.id, key: org.pk, 'api-base': API, mode: 'page' });
    await until(() => expect(text(el)).toContain('Join the waiting list'));
    button(el, 'Join the waiting list').click();
    await until(() => expect(text(el)).toContain('Waiting list: General'));
    const who = person();
    typeIn($<HTMLInputElement>(el, '#wl-name'), who.name);
    typeIn($<HTMLInputElement>(el, '#wl-email'), who.email);
    button(el, 'Join the waiting list').click();
    await until(() => expect(text(el)).toContain('Check your email'));
    typeIn($<HTMLInputElement>(el, '#wl-code'), await readCode(t, who.email));
    await until(() => expect(text(el)).toContain('You’re number 1 in line for General.'));
  });

  it('keeps to the sold-out notice when the event has no waiting list', async () => {
    const t = await buildTestApp();
    const org = await soldOut(t, { waitingList: false });
    routeFetch(t);
    const el = await mount({ event: org.event.id, key: org.pk, 'api-base': API, mode: 'page' });
    await until(() => expect(text(el)).toContain('All tickets are sold.'));
    expect(text(el)).not.toContain('Join the waiting list');
  });

  it('says when the form did not load, and opens it after Try again', async () => {
    const t = await buildTestApp();
    const org = await soldOut(t);
    routeFetch(t);
    const load = parts.load;
    let blocked = true;
    parts.load = (base, file) => (blocked && file === 'tts-checkout.waitlist.js' ? Promise.reject(new TypeError('Failed to fetch')) : load(base, file));
    try {
      const el = await mount({ event: org.event.id, key: org.pk, 'api-base': API, mode: 'page' });
      await until(() => expect(text(el)).toContain('Join the waiting list'));
      button(el, 'Join the waiting list').click();
      await until(() => expect(text(el)).toContain('Part of the checkout did not load. Check your connection.'));
      blocked = false;
      button(el, 'Try again').click();
      await until(() => expect(text(el)).toContain('Waiting list: General'));
      expect(text(el)).not.toContain('did not load');
    } finally {
      parts.load = load;
    }
  });
});
