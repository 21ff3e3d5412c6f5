import { describe, expect, it } from 'vitest';
import { assetUrl } from '../../src/console/assets.js';
import { qrSvg } from '../../src/delivery/qr.js';
import type { EventDoc } from '../../src/domain/events.js';
import { eventBody } from '../helpers/app.js';
import { issueTickets } from '../helpers/checkout.js';
import { ConsoleBrowser, consoleWithOrganizer, fieldError, visibleText } from './helpers.js';

/** A complete new-event form as an organizer fills it in. */
function eventForm(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    name: 'Monsoon Jazz Night',
    venue: 'NCPA, Mumbai',
    description: 'Indo-jazz by the sea.\r\nBring a friend.',
    starts_at: '2030-06-08T19:30',
    ends_at: '2030-06-08T23:00',
    timezone: 'Asia/Kolkata',
    capacity: '300',
    'ticket_types.0.name': 'General',
    'ticket_types.0.price': '999',
    'ticket_types.0.capacity': '',
    'ticket_types.0.max_per_order': '6',
    'ticket_types.1.name': 'Front rows',
    'ticket_types.1.price': '2,499.50',
    'ticket_types.1.capacity': '40',
    'ticket_types.1.max_per_order': '',
    'ticket_types.2.name': '',
    'ticket_types.2.price': '',
    sales_start_at: '',
    sales_end_at: '2030-06-08T18:00',
    valid_from: '',
    valid_until: '',
    allowed_origins: 'https://www.example.com/\nhttps://tickets.example.com',
    require_email_verification: 'on',
    hold_minutes: '20',
    status: 'published',
    ...overrides,
  };
}

async function createInConsole(browser: ConsoleBrowser, overrides: Record<string, string> = {}) {
  await browser.get('/console/events/new');
  const res = await browser.post('/console/events', eventForm(overrides));
  expect(res.status, visibleText(res.text).slice(0, 400)).toBe(303);
  return /evt_[0-9A-Za-z]{22}/.exec(res.location ?? '')![0];
}

describe('creating an event', () => {
  it('hides a ticket type whose Hidden box is ticked, and shows it again when unticked', async () => {
    const { t, browser, sk } = await consoleWithOrganizer();
    const id = await createInConsole(browser, { 'ticket_types.1.hidden': 'on' });
    const types = () => t.call('GET', `/v1/events/${id}`, { key: sk }).then((r) => r.body.ticket_types.map((tt: { hidden: boolean }) => tt.hidden));
    expect(await types()).toEqual([false, true]);
    const form = await browser.get(`/console/events/${id}/edit`);
    expect(form.text).toMatch(/name="ticket_types\.1\.hidden"[^>]*checked/);
    const api = (await t.call('GET', `/v1/events/${id}`, { key: sk })).body;
    const edit = await browser.post(`/console/events/${id}/edit`, {
      ...eventForm(),
      'ticket_types.0.id': api.ticket_types[0].id,
      'ticket_types.1.id': api.ticket_types[1].id,
    });
    expect(edit.status, visibleText(edit.text).slice(0, 400)).toBe(303);
    expect(await types()).toEqual([false, false]);
  });

  it('turns the form into exactly the event the API would create', async () => {
    const { t, browser, sk } = await consoleWithOrganizer();
    const id = await createInConsole(browser);
    const api = (await t.call('GET', `/v1/events/${id}`, { key: sk })).body;
    expect(api).toMatchObject({
      name: 'Monsoon Jazz Night',
      venue: 'NCPA, Mumbai',
      description: 'Indo-jazz by the sea.\nBring a friend.',
      // 7:30 pm at the venue in India is 14:00 UTC, whatever the server's zone.
      starts_at: '2030-06-08T14:00:00.000Z',
      ends_at: '2030-06-08T17:30:00.000Z',
      sales_start_at: null,
      sales_end_at: '2030-06-08T12:30:00.000Z',
      timezone: 'Asia/Kolkata',
      capacity: 300,
      allowed_origins: ['https://www.example.com', 'https://tickets.example.com'],
      open_amount: null,
      require_email_verification: true,
      hold_minutes: 20,
      status: 'published',
      livemode: false,
    });
    expect(
      api.ticket_types.map((tt: { name: string; price: number; capacity: number | null; max_per_order: number }) => [tt.name, tt.price, tt.capacity, tt.max_per_order]),
    ).toEqual([
      ['General', 99_900, null, 6],
      ['Front rows', 249_950, 40, 10],
    ]);
    const page = await browser.get(`/console/events/${id}?notice=created`);
    expect(visibleText(page.text)).toContain('Event created.');
  });

  it('shows each problem under its own field and keeps what was typed', async () => {
    const { t, browser } = await consoleWithOrganizer();
    await browser.get('/console/events/new');
    const res = await browser.post(
      '/console/events',
      eventForm({
        name: '',
        ends_at: '2030-06-08T18:00', // before the start
        capacity: 'lots',
        'ticket_types.1.price': 'free',
        'ticket_types.1.capacity': '400', // more than the event's capacity would be fine to type, but not allowed
        allowed_origins: 'https://ok.example.com\nnot a url',
        timezone: 'Mars/Olympus_Mons',
        open_amount_enabled: 'on',
        open_amount_min: '',
        open_amount_max: '50000',
      }),
    );
    expect(res.status).toBe(400);
    expect(fieldError(res.text, 'name')).toBe('must not be empty');
    expect(fieldError(res.text, 'capacity')).toBe('must be a whole number');
    expect(fieldError(res.text, 'ticket_types.1.price')).toBe('enter a price in rupees, such as 499 or 499.50');
    expect(fieldError(res.text, 'allowed_origins')).toMatch(/^line 2: must be an origin like https:\/\/example.com/);
    expect(fieldError(res.text, 'timezone')).toBe('must be an IANA time zone such as Asia/Kolkata');
    expect(fieldError(res.text, 'open_amount_min')).toBe('enter an amount in rupees, such as 500 or 499.50');
    expect(res.text).toContain('aria-invalid="true"');
    expect(res.text).toContain('<a href="#f-capacity">Capacity</a>'); // the summary links to each field
    expect(res.text).toContain('value="2030-06-08T18:00"');
    expect(res.text).toContain('https://ok.example.com\nnot a url</textarea>');
    expect(await t.store.collection('events').count({})).toBe(0);
  });

  it('shows the domain’s cross-field rules under the field they are about', async () => {
    const { browser } = await consoleWithOrganizer();
    await browser.get('/console/events/new');
    const res = await browser.post('/console/events', eventForm({ ends_at: '2030-06-08T18:00', 'ticket_types.1.capacity': '400', 'ticket_types.1.name': 'general' }));
    expect(res.status).toBe(400);
    expect(fieldError(res.text, 'ends_at')).toBe('must be after starts_at');
    expect(fieldError(res.text, 'ticket_types.1.capacity')).toBe("must not exceed the event's capacity");
    expect(fieldError(res.text, 'ticket_types.1.name')).toBe('must be unique within the event');
  });

  it('asks for at least one ticket type', async () => {
    const { browser } = await consoleWithOrganizer();
    await browser.get('/console/events/new');
    const res = await browser.post(
      '/console/events',
      eventForm({
        'ticket_types.0.name': '',
        'ticket_types.0.price': '',
        'ticket_types.0.max_per_order': '',
        'ticket_types.1.name': '',
        'ticket_types.1.price': '',
        'ticket_types.1.capacity': '',
      }),
    );
    expect(res.status).toBe(400);
    expect(fieldError(res.text, 'ticket_types.0.name')).toBe('add at least one ticket type');
  });

  it('takes an open amount in rupees and a draft status', async () => {
    const { t, browser, sk } = await consoleWithOrganizer();
    const id = await createInConsole(browser, { open_amount_enabled: 'on', open_amount_min: '100', open_amount_max: '1,00,000', status: 'draft', require_email_verification: '' });
    const api = (await t.call('GET', `/v1/events/${id}`, { key: sk })).body;
    expect(api).toMatchObject({ open_amount: { min: 10_000, max: 10_000_000 }, status: 'draft', require_email_verification: false });
  });
});

describe('editing an event', () => {
  it('shows the event as entered, in the venue’s time and in rupees', async () => {
    const { browser } = await consoleWithOrganizer();
    const id = await createInConsole(browser);
    const form = await browser.get(`/console/events/${id}/edit`);
    expect(form.text).toContain('name="starts_at" type="datetime-local" value="2030-06-08T19:30"');
    expect(form.text).toContain('name="ticket_types.1.price" type="text" value="2499.50"');
    expect(form.text).toContain('https://www.example.com\nhttps://tickets.example.com</textarea>');
    expect(form.text).toMatch(/name="ticket_types\.0\.id" value="tt_[0-9A-Za-z]{22}"/);
  });

  it('renames, reprices, adds and removes ticket types, keeping their ids', async () => {
    const { t, browser, sk } = await consoleWithOrganizer();
    const id = await createInConsole(browser);
    const before = (await t.call('GET', `/v1/events/${id}`, { key: sk })).body;
    const [general, front] = before.ticket_types;
    await browser.get(`/console/events/${id}/edit`);
    const res = await browser.post(
      `/console/events/${id}/edit`,
      eventForm({
        name: 'Monsoon Jazz Night II',
        starts_at: '2030-06-09T19:30',
        ends_at: '2030-06-09T23:00',
        sales_end_at: '',
        'ticket_types.0.id': general.id,
        'ticket_types.0.name': 'General admission',
        'ticket_types.0.price': '1099',
        'ticket_types.1.id': front.id,
        'ticket_types.1.remove': 'on',
        'ticket_types.2.name': 'Student',
        'ticket_types.2.price': '499',
        'ticket_types.2.capacity': '50',
      }),
    );
    expect(res.status, visibleText(res.text).slice(0, 300)).toBe(303);
    expect(res.location).toBe(`/console/events/${id}?notice=saved`);
    const after = (await t.call('GET', `/v1/events/${id}`, { key: sk })).body;
    expect(after).toMatchObject({ name: 'Monsoon Jazz Night II', starts_at: '2030-06-09T14:00:00.000Z', sales_end_at: null });
    expect(after.ticket_types.map((tt: { id: string; name: string; price: number }) => [tt.id === general.id, tt.name, tt.price])).toEqual([
      [true, 'General admission', 109_900],
      [false, 'Student', 49_900],
    ]);
  });

  it('refuses a form that lists one ticket type in two rows, keeping what was sold', async () => {
    const { t, browser, sk } = await consoleWithOrganizer();
    const id = await createInConsole(browser);
    const event = (await t.call('GET', `/v1/events/${id}`, { key: sk })).body;
    const [general, front] = event.ticket_types;
    await issueTickets(t, sk, id, front.id, { name: 'Kavya Menon', email: 'kavya@example.com' }, 5);
    await browser.get(`/console/events/${id}/edit`);
    const res = await browser.post(
      `/console/events/${id}/edit`,
      eventForm({
        'ticket_types.0.id': general.id,
        'ticket_types.1.id': front.id,
        'ticket_types.2.id': front.id,
        'ticket_types.2.name': 'Front rows, again',
        'ticket_types.2.price': '2499.50',
        'ticket_types.2.capacity': '40',
      }),
    );
    expect(res.status).toBe(400);
    expect(fieldError(res.text, 'ticket_types.2.name')).toBe('appears more than once; send each ticket type once');
    const after = (await t.call('GET', `/v1/events/${id}`, { key: sk })).body;
    expect(after.ticket_types).toHaveLength(2);
    expect(after.ticket_types[1]).toMatchObject({ id: front.id, sold: 5, available: 35 });
  });

  it('refuses a capacity below what is sold, under the capacity field', async () => {
    const { t, browser, sk } = await consoleWithOrganizer();
    const id = await createInConsole(browser);
    const event = (await t.call('GET', `/v1/events/${id}`, { key: sk })).body;
    await issueTickets(t, sk, id, event.ticket_types[0].id, { name: 'Kavya Menon', email: 'kavya@example.com' }, 5);
    const form = await browser.get(`/console/events/${id}/edit`);
    expect(form.text).toContain('5 sold or held: this type can be renamed or repriced, not removed.');
    const res = await browser.post(
      `/console/events/${id}/edit`,
      eventForm({ capacity: '3', 'ticket_types.0.id': event.ticket_types[0].id, 'ticket_types.1.id': event.ticket_types[1].id, 'ticket_types.1.capacity': '' }),
    );
    expect(res.status).toBe(409);
    expect(fieldError(res.text, 'capacity')).toBe('must be at least 5 (sold + held)');
    expect((await t.call('GET', `/v1/events/${id}`, { key: sk })).body.capacity).toBe(300);
  });
});

describe('cancelling an event', () => {
  it('asks for confirmation, then stops sales for good', async () => {
    const { t, browser, sk } = await consoleWithOrganizer();
    const id = await createInConsole(browser);
    const confirm = await browser.get(`/console/events/${id}/cancel`);
    expect(visibleText(confirm.text)).toContain('This cannot be undone.');
    const unconfirmed = await browser.post(`/console/events/${id}/cancel`, {});
    expect(unconfirmed.status).toBe(400);
    expect(fieldError(unconfirmed.text, 'confirm')).toBe('Tick the box to confirm.');
    const done = await browser.post(`/console/events/${id}/cancel`, { confirm: 'on' });
    expect(done.location).toBe(`/console/events/${id}?notice=cancelled`);
    expect((await t.call('GET', `/v1/events/${id}`, { key: sk })).body.status).toBe('cancelled');
    const page = await browser.get(`/console/events/${id}`);
    expect(visibleText(page.text)).toContain('Its tickets are refused at the door.');
    expect(page.text).not.toContain(`href="/console/events/${id}/edit"`);
    const edit = await browser.get(`/console/events/${id}/edit`);
    expect(visibleText(edit.text)).toContain('A cancelled event cannot be changed.');
  });
});

describe('the Embed panel', () => {
  it('fills the snippets with the publishable key this browser was shown at sign-up', async () => {
    const { browser, pk } = await consoleWithOrganizer();
    const id = await createInConsole(browser);
    const page = await browser.get(`/console/events/${id}`);
    const text = visibleText(page.text);
    expect(text).toContain(`<script src="http://tickets.test/widget/v1/tts-checkout.js" async></script> <tts-checkout event="${id}" key="${pk}"></tts-checkout>`);
    expect(text).toContain(`loadCheckout({ publishableKey: '${pk}', baseUrl: 'http://tickets.test' })`);
    expect(text).toContain(`http://tickets.test/checkout/${id}?key=${pk}`);
    // The package is not on the registry: the panel installs it from this server, and says why.
    expect(text).toContain('The SDK is not on the npm registry yet; until it is, install it from this server:');
    expect(text).toContain('npm install http://tickets.test/packages/trendy-tickets-sdk-latest.tgz');
    expect(text).not.toContain('npm install @trendy-tickets/sdk');
    expect(page.text).not.toMatch(/sk_test_[0-9A-Za-z]{36}/); // no secret key on any page
  });

  it('gives each snippet a copy button through the console’s own script, and shows the checkout link as a QR code', async () => {
    const { browser, pk } = await consoleWithOrganizer();
    const id = await createInConsole(browser);
    const page = await browser.get(`/console/events/${id}`);
    expect(page.text).toContain(`<script src="${assetUrl('copy.js')}" defer=""></script>`);
    for (const label of ['script tag', 'install command', 'SDK snippet', 'checkout link']) expect(page.text).toContain(`data-copy="${label}"`);
    // The QR encodes exactly the link shown above it (the same drawing qrSvg makes of it).
    const link = `http://tickets.test/checkout/${id}?key=${pk}`;
    const path = /<path fill="#000" d="([^"]+)"/.exec(qrSvg(link, { size: 200 }))?.[1];
    const qr = /<div class="checkout-qr" id="checkout-qr">([\s\S]*?)<\/div><\/div>/.exec(page.text)?.[1] ?? '';
    expect(qr).toContain(`d="${path}"`);
    expect(qr).toContain('aria-label="QR code of the checkout link for Monsoon Jazz Night"');
    expect(qr).toContain('download="checkout-qr.svg"');
    expect((await browser.t.app.request(assetUrl('copy.js'))).status).toBe(200);
  });

  it('asks another browser for the key, and accepts only this account’s publishable key', async () => {
    const { t, browser, email, pk, sk } = await consoleWithOrganizer();
    const id = await createInConsole(browser);
    const elsewhere = new ConsoleBrowser(t);
    await elsewhere.get('/console/login');
    await elsewhere.post('/console/login', { email, password: 'correct horse battery' });
    const page = await elsewhere.get(`/console/events/${id}`);
    expect(visibleText(page.text)).toContain(`Your newest one ends in ${pk.slice(-4)}.`);
    expect(visibleText(page.text)).toContain(`<tts-checkout event="${id}" key="pk_…">`);
    expect(page.text).not.toContain('id="checkout-qr"'); // a QR of a link without its key would lead nowhere

    const secret = await elsewhere.post('/console/publishable-key', { publishable_key: sk, next: `/console/events/${id}#embed` });
    expect(secret.status).toBe(400);
    expect(fieldError(secret.text, 'publishable_key')).toContain('That is a secret key: never paste it into a web page.');
    const stranger = await t.signUp();
    const foreign = await elsewhere.post('/console/publishable-key', { publishable_key: stranger.pk, next: `/console/events/${id}` });
    expect(fieldError(foreign.text, 'publishable_key')).toBe('That is not an active test publishable key of this account.');

    const saved = await elsewhere.post('/console/publishable-key', { publishable_key: pk, next: `/console/events/${id}` });
    expect(saved.location).toBe(`/console/events/${id}?notice=key_saved#embed`);
    expect(visibleText((await elsewhere.get(`/console/events/${id}`)).text)).toContain(`<tts-checkout event="${id}" key="${pk}">`);
  });

  it('stops using a key once it is rolled', async () => {
    const { t, browser, sk, pk } = await consoleWithOrganizer();
    const id = await createInConsole(browser);
    await t.call('POST', '/v1/keys/roll', { key: sk, body: { kind: 'publishable' } });
    const page = await browser.get(`/console/events/${id}`);
    expect(page.text).not.toContain(pk);
    expect(page.text).toContain('name="publishable_key"');
  });
});

describe('the events list', () => {
  it('pages through events newest first, with an empty state', async () => {
    const { t, browser, sk } = await consoleWithOrganizer();
    const empty = await browser.get('/console/events');
    expect(visibleText(empty.text)).toContain('No test events yet');
    for (let i = 0; i < 27; i++) {
      t.clock.advance(1000);
      await t.call('POST', '/v1/events', { key: sk, body: eventBody({ name: `Event ${i}` }) });
    }
    const first = await browser.get('/console/events');
    expect(first.text).toContain('Event 26');
    expect(first.text).not.toContain('>Event 1<');
    const next = /href="(\/console\/events\?cursor=[^"]+)"/.exec(first.text)![1]!.replace(/&amp;/g, '&');
    const second = await browser.get(next);
    expect(second.text).toContain('>Event 1<');
    expect(second.text).toContain('>Event 0<');
    expect(second.text).not.toContain('Next page');
    const events = await t.store.collection<EventDoc>('events').count({});
    expect(events).toBe(27);
  });
});
