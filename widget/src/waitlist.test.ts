import type { PublicEvent } from '@trendy-tickets/sdk';
import { html, nothing, render } from 'lit/html.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildTestApp, type TestApp } from '../../server/test/helpers/app.js';
import { organizerWithEvent } from '../../server/test/helpers/checkout.js';
import { createApi } from './api.js';
import { i18n, registerMessages } from './i18n.js';
import { hi } from './locales/hi.js';
import { API, routeFetch, type Route } from './test-support/harness.js';
import { createWaitlist, type Waitlist } from './waitlist.js';

afterEach(() => {
  document.body.replaceChildren();
  vi.unstubAllGlobals();
});

/**
 * The waiting-list part on its own, rendered into the page with the element's Lit as the element
 * renders it, talking to the real server app: what the element hands it, and nothing more.
 */
async function openPart(options: { locale?: 'en' | 'hi'; event?: Record<string, unknown>; app?: TestApp } = {}) {
  const t = options.app ?? (await buildTestApp());
  const org = await organizerWithEvent(t, { ticket_types: [{ name: 'General', price: 49_900, capacity: 2, max_per_order: 4 }], ...options.event });
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
