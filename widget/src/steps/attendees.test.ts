import type { PublicEvent } from '@trendy-tickets/sdk';
import { html, nothing, render } from 'lit/html.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildTestApp, type TestApp } from '../../../server/test/helpers/app.js';
import { organizerWithEvent } from '../../../server/test/helpers/checkout.js';
import { createAttendees } from '../attendees.js';
import { i18n, registerMessages } from '../i18n.js';
import { hi } from '../locales/hi.js';
import { parts } from '../parts.js';
import { $, API, button, enterDetails, mount, recordEvents, root, routeFetch, submit, text, type, until } from '../test-support/harness.js';

afterEach(() => {
  document.body.replaceChildren();
  vi.unstubAllGlobals();
});

async function addQuestion(t: TestApp, sk: string, event: string, body: Record<string, unknown>) {
  const res = await t.call('POST', `/v1/events/${event}/questions`, { key: sk, body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string };
}

/**
 * A page-mode checkout of an event that asks a name and email per ticket, a T-shirt size and a
 * few more kinds of each attendee, and the company and a phone once per order; on its details step.
 */
async function atDetails(quantity = 2, before: () => void = () => undefined) {
  const t = await buildTestApp();
  const org = await organizerWithEvent(t, { attendee_details: 'name_email', require_email_verification: false });
  const ask = (body: Record<string, unknown>) => addQuestion(t, org.sk, org.event.id, body);
  const q = {
    size: await ask({ label: 'T-shirt size', kind: 'choice', options: ['S', 'M', 'L'], required: true, scope: 'ticket' }),
    meals: await ask({ label: 'Meals', kind: 'multiple_choice', options: ['Lunch', 'Dinner'], scope: 'ticket' }),
    age: await ask({ label: 'Age', kind: 'number', scope: 'ticket' }),
    born: await ask({ label: 'Date of birth', kind: 'date', scope: 'ticket' }),
    note: await ask({ label: 'Anything else', kind: 'long_text', scope: 'ticket' }),
    company: await ask({ label: 'Company', kind: 'text', required: true }),
    phone: await ask({ label: 'Office phone', kind: 'phone' }),
    terms: await ask({ label: 'I accept the code of conduct', kind: 'checkbox', required: true }),
  };
  const route = routeFetch(t);
  const events = recordEvents();
  before();
  const el = await mount({ event: org.event.id, key: org.pk, 'api-base': API, mode: 'page', quantity: String(quantity) });
  await until(() => expect(text(el)).toContain('Choose tickets'));
  submit(el);
  await until(() => expect(text(el)).toContain('Your details'));
  return { t, org, q, route, events, el };
}

const input = (el: Parameters<typeof root>[0], id: string) => $<HTMLInputElement>(el, `#${id}`);

/** Chooses an option of a `<select>` as a person does. */
function choose(select: HTMLSelectElement, value: string): void {
  select.value = value;
  select.dispatchEvent(new Event('change', { bubbles: true, composed: true }));
}

/** Ticks a checkbox as a person does. */
function tick(box: HTMLInputElement): void {
  box.checked = true;
  box.dispatchEvent(new Event('change', { bubbles: true, composed: true }));
}

describe('attendee names and questions on the details step', () => {
  it('shows a fieldset per ticket with its name, email and questions, and the order questions once, each field labelled', async () => {
    const { el, org, q } = await atDetails(2);
    await until(() => expect(text(el)).toContain('Ticket 1 of'));
    const seat = (k: number) => `a-${org.general}-${k}`;
    const legends = [...root(el).querySelectorAll('fieldset > legend')].map((l) => l.textContent?.trim());
    expect(legends).toEqual(expect.arrayContaining(['Ticket 1 of 2: General', 'Ticket 2 of 2: General', 'About your order']));
    for (const k of [0, 1]) {
      expect(input(el, `${seat(k)}-name`).type).toBe('text');
      expect(input(el, `${seat(k)}-name`).required).toBe(true);
      expect(input(el, `${seat(k)}-email`).type).toBe('email');
      expect(input(el, `${seat(k)}-email`).required).toBe(false);
      expect($(el, `#${seat(k)}-${q.size.id}`).tagName).toBe('SELECT');
      expect(input(el, `${seat(k)}-${q.age.id}`).type).toBe('number');
      expect(input(el, `${seat(k)}-${q.born.id}`).type).toBe('date');
      expect($(el, `#${seat(k)}-${q.note.id}`).tagName).toBe('TEXTAREA');
      // A multiple choice is a group of checkboxes under the question as its legend.
      expect($(el, `#${seat(k)}-${q.meals.id}`).tagName).toBe('FIELDSET');
      expect(input(el, `${seat(k)}-${q.meals.id}-1`).type).toBe('checkbox');
    }
    expect(input(el, `o-${q.company.id}`).type).toBe('text');
    expect(input(el, `o-${q.phone.id}`).type).toBe('tel');
    expect(input(el, `o-${q.terms.id}`).type).toBe('checkbox');
    // Every input has a label naming it: `for` its id, or the label around it.
    for (const field of root(el).querySelectorAll<HTMLInputElement>('[part="attendees"] input, [part="attendees"] select, [part="attendees"] textarea')) {
      const labelled = root(el).querySelector(`label[for="${field.id}"]`) ?? field.closest('label');
      expect(labelled?.textContent?.trim(), field.id).toBeTruthy();
    }
    expect($(el, `label[for="${seat(0)}-${q.size.id}"]`).textContent).toContain('T-shirt size *');
  });

  it('sends nothing while a name or a required answer is missing or a value is wrong, tying each message to its field and focusing the first', async () => {
    const { el, org, q, route } = await atDetails(1);
    const seat = `a-${org.general}-0`;
    await until(() => expect(text(el)).toContain('Ticket 1 of'));
    type(input(el, `${seat}-${q.age.id}`), 'many');
    type(input(el, `o-${q.phone.id}`), '12');
    await enterDetails(el, { name: 'Asha Rao', email: 'asha@example.com', phone: '' });
    await until(() => expect(root(el).activeElement?.id).toBe(`${seat}-name`));
    const name = input(el, `${seat}-name`);
    expect(name.getAttribute('aria-invalid')).toBe('true');
    expect(name.getAttribute('aria-describedby')).toBe(`${seat}-name-e`);
    expect($(el, `#${seat}-name-e`).textContent).toBe('Enter a name for this ticket.');
    expect($(el, `#${seat}-${q.size.id}-e`).textContent).toBe('Answer this question.');
    expect($(el, `#o-${q.company.id}-e`).textContent).toBe('Answer this question.');
    expect($(el, `#o-${q.terms.id}-e`).textContent).toBe('Tick this box to continue.');
    expect($(el, `#o-${q.phone.id}-e`).textContent).toBe('Enter a phone number like +91 98765 43210.');
    expect(route.calls.filter((c) => c.startsWith('POST'))).toEqual([]);
    // Changing a field takes its message away.
    type(name, 'Ravi Kumar');
    await el.updateComplete;
    expect(root(el).querySelector(`#${seat}-name-e`)).toBeNull();
    expect(name.getAttribute('aria-invalid')).toBe('false');
  });

  it('sends each ticket’s attendee in items order and the order’s answers, and the order has them', async () => {
    const { t, el, org, q, route, events } = await atDetails(2);
    const seat = (k: number) => `a-${org.general}-${k}`;
    await until(() => expect(text(el)).toContain('Ticket 1 of'));
    let sent: Record<string, unknown> = {};
    route.tamper = (path, body) => {
      if (path === '/v1/orders') sent = body;
      return body;
    };
    type(input(el, `${seat(0)}-name`), 'Ravi Kumar');
    type(input(el, `${seat(0)}-email`), 'ravi@example.com');
    choose($<HTMLSelectElement>(el, `#${seat(0)}-${q.size.id}`), 'M');
    tick(input(el, `${seat(0)}-${q.meals.id}-1`));
    type(input(el, `${seat(0)}-${q.age.id}`), '34');
    type(input(el, `${seat(1)}-name`), 'Meera Iyer');
    choose($<HTMLSelectElement>(el, `#${seat(1)}-${q.size.id}`), 'S');
    type(input(el, `${seat(1)}-${q.born.id}`), '1990-04-01');
    type(input(el, `o-${q.company.id}`), 'Acme');
    tick(input(el, `o-${q.terms.id}`));
    await enterDetails(el, { name: 'Asha Rao', email: 'asha@example.com', phone: '' });
    await until(() => expect(text(el)).toMatch(/Pay ₹/));
    expect(sent.attendees).toEqual([
      { ticket_type: org.general, name: 'Ravi Kumar', email: 'ravi@example.com', answers: { [q.size.id]: 'M', [q.meals.id]: ['Dinner'], [q.age.id]: 34 } },
      { ticket_type: org.general, name: 'Meera Iyer', answers: { [q.size.id]: 'S', [q.born.id]: '1990-04-01' } },
    ]);
    expect(sent.answers).toEqual({ [q.company.id]: 'Acme', [q.terms.id]: true });
    const id = events.find((e) => e.type === 'tts-order-created')?.detail.order.id as string;
    const order = await t.call('GET', `/v1/orders/${id}`, { key: org.sk });
    expect(order.body.answers).toEqual({ [q.company.id]: 'Acme', [q.terms.id]: true });
  });

  it('asks the name of the one ticket of an open-amount order and sends it as its attendee', async () => {
    const t = await buildTestApp();
    const org = await organizerWithEvent(t, { attendee_details: 'name', require_email_verification: false, open_amount: { min: 10_000, max: 10_000_000 } });
    const route = routeFetch(t);
    const events = recordEvents();
    let sent: Record<string, unknown> = {};
    route.tamper = (path, body) => {
      if (path === '/v1/orders') sent = body;
      return body;
    };
    const el = await mount({ event: org.event.id, key: org.pk, 'api-base': API, mode: 'page' });
    await until(() => expect($<HTMLInputElement>(el, '#amount')).toBeTruthy());
    type($<HTMLInputElement>(el, '#amount'), '250');
    submit(el);
    const seat = `a-${org.general}-0`;
    await until(() => expect(input(el, `${seat}-name`)).toBeTruthy());
    type(input(el, `${seat}-name`), 'Ravi Kumar');
    await enterDetails(el, { name: 'Asha Rao', email: 'asha@example.com', phone: '' });
    await until(() => expect(text(el)).toMatch(/Pay ₹/));
    expect(sent).toMatchObject({ amount: 25_000, attendees: [{ ticket_type: org.general, name: 'Ravi Kumar' }] });
    const id = events.find((e) => e.type === 'tts-order-created')?.detail.order.id as string;
    const order = await t.call('GET', `/v1/orders/${id}`, { key: org.sk });
    // Without the attendee the server refuses an open-amount order of an event that asks names.
    expect(order.body).toMatchObject({ status: 'awaiting_payment', amount: 25_000 });
  });

  it('puts an answer the server refuses back on its field with the server’s words', async () => {
    const { el, org, q, route } = await atDetails(1);
    const seat = `a-${org.general}-0`;
    await until(() => expect(text(el)).toContain('Ticket 1 of'));
    // What the form let through, changed on the way: the server's check is the last word.
    route.tamper = (path, body) => {
      if (path !== '/v1/orders') return body;
      const [first] = body.attendees as Array<{ answers: Record<string, unknown> }>;
      return { ...body, attendees: [{ ...first, answers: { ...first?.answers, [q.size.id]: 'XXL' } }] };
    };
    type(input(el, `${seat}-name`), 'Ravi Kumar');
    choose($<HTMLSelectElement>(el, `#${seat}-${q.size.id}`), 'M');
    type(input(el, `o-${q.company.id}`), 'Acme');
    tick(input(el, `o-${q.terms.id}`));
    await enterDetails(el, { name: 'Asha Rao', email: 'asha@example.com', phone: '' });
    const size = $<HTMLSelectElement>(el, `#${seat}-${q.size.id}`);
    await until(() => expect(size.getAttribute('aria-invalid')).toBe('true'));
    expect(size.getAttribute('aria-describedby')).toBe(`${seat}-${q.size.id}-e`);
    expect($(el, `#${seat}-${q.size.id}-e`).textContent).toBeTruthy();
    expect(text(el)).toContain('Your details');
    await until(() => expect(root(el).activeElement?.id).toBe(`${seat}-${q.size.id}`));
  });
});

describe('the attendee part', () => {
  it('says when it did not load, sends nothing meanwhile, and shows its fields after Try again', async () => {
    const load = parts.load;
    let blocked = true;
    try {
      const { el, route } = await atDetails(1, () => {
        parts.load = (base, file) => (blocked && file === 'tts-checkout.attendees.js' ? Promise.reject(new TypeError('Failed to fetch')) : load(base, file));
      });
      await until(() => expect(text(el)).toContain('Part of the checkout did not load. Check your connection.'));
      await enterDetails(el, { name: 'Asha Rao', email: 'asha@example.com', phone: '' });
      await el.updateComplete;
      expect(route.calls.filter((c) => c.startsWith('POST'))).toEqual([]);
      blocked = false;
      button(el, 'Try again').click();
      await until(() => expect(text(el)).toContain('Ticket 1 of 1: General'));
      expect(text(el)).not.toContain('did not load');
    } finally {
      parts.load = load;
    }
  });

  it('speaks Hindi when the checkout does', () => {
    registerMessages('hi', hi);
    const attendees = createAttendees({ html, nothing }, { changed: () => undefined, focus: () => undefined });
    const event = {
      attendee_details: 'name_email',
      ticket_types: [{ id: 'tt_general', name: 'General' }],
      questions: [{ id: 'q_company', label: 'कंपनी', kind: 'choice', options: ['A'], required: true, scope: 'order', ticket_types: null, position: 1 }],
    } as unknown as PublicEvent;
    const box = document.createElement('div');
    document.body.append(box);
    render(html`${attendees.fields(i18n('hi'), event, { tt_general: 1 })}`, box);
    const shown = box.textContent?.replace(/\s+/g, ' ') ?? '';
    for (const words of ['टिकट 1/1: General', 'टिकटधारक का नाम', 'टिकटधारक का ईमेल (वैकल्पिक)', 'आपके ऑर्डर के बारे में', 'चुनें…']) expect(shown).toContain(words);
  });
});
