import { fileURLToPath } from 'node:url';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Owner } from '../../src/domain/events.js';
import { PAGE_CSP } from '../../src/pages/layout.js';
import { buildTestApp, eventBody, type TestApp } from '../helpers/app.js';

// Standard-font metrics for pdfjs; without them it warns on every Helvetica page.
const STANDARD_FONTS = fileURLToPath(new URL('../../../node_modules/pdfjs-dist/standard_fonts/', import.meta.url));
const HOSTILE = `<script>alert("x")</script> O'Brien & "Sons"`;

let t: TestApp;
let sk: string;
let owner: Owner;

beforeEach(async () => {
  t = await buildTestApp();
  const keys = await t.signUp();
  sk = keys.sk;
  owner = { account: keys.account.id, livemode: false };
});

async function issueTicket(overrides: Record<string, unknown> = {}, holder = 'Asha Rao') {
  const res = await t.call('POST', '/v1/events', { key: sk, body: eventBody(overrides) });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const event = res.body;
  const order = await t.services.fulfilment.issue(owner, {
    event: event.id,
    ticket_type: event.ticket_types[0].id,
    quantity: 1,
    holder: { name: holder, email: 'asha@example.com' },
  });
  const [ticket] = await t.services.tickets.listForOrder(order._id);
  if (!ticket) throw new Error('no ticket issued');
  return { event, ticket };
}

async function pdfText(bytes: Uint8Array): Promise<string> {
  const pdf = await getDocument({ data: bytes, standardFontDataUrl: STANDARD_FONTS, verbosity: 0 }).promise;
  const page = await pdf.getPage(1);
  const text = (await page.getTextContent()).items.map((item) => ('str' in item ? item.str : '')).join(' ');
  await pdf.destroy();
  return text;
}

/** Every tag closes in order and the root is <svg>: enough to call our generated SVG well-formed. */
function assertWellFormedSvg(svg: string): void {
  expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
  const stack: string[] = [];
  for (const [, close, name, selfClose] of svg.matchAll(/<(\/?)([a-zA-Z][\w:-]*)(?:\s[^<>]*?)?(\/?)>/g)) {
    if (close) expect(stack.pop()).toBe(name);
    else if (!selfClose) stack.push(name as string);
  }
  expect(stack).toEqual([]);
  expect(svg.replace(/<[^<>]*>/g, '')).toBe(''); // no stray text or unclosed brackets
}

describe('ticket page (happy)', () => {
  it('shows the event, holder, status, QR and links, under the strict CSP and no-store', async () => {
    const { ticket } = await issueTicket({ name: 'Monsoon Jazz Night', venue: 'NCPA, Mumbai' });
    const res = await t.app.request(`/tickets/${ticket._id}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toContain('text/html');
    expect(res.headers.get('Content-Security-Policy')).toBe(PAGE_CSP);
    expect(res.headers.get('Cache-Control')).toBe('no-store');
    const html = await res.text();
    expect(html.startsWith('<!doctype html><html lang="en">')).toBe(true);
    expect(html).toContain('name="viewport"');
    expect(html).toContain('Monsoon Jazz Night');
    expect(html).toContain('NCPA, Mumbai');
    expect(html).toContain('Asha Rao');
    expect(html).toContain('General');
    expect(html).toContain('VALID');
    expect(html).toMatch(/IST/); // the start time is in the event's zone, named
    expect(html).toContain(ticket._id);
    expect(html).toContain('<svg xmlns="http://www.w3.org/2000/svg"');
    expect(html).toContain(`href="/tickets/${ticket._id}.pdf"`);
    expect(html).toContain(`href="/tickets/${ticket._id}/calendar.ics"`);
    expect(html).toContain('https://calendar.google.com/calendar/render?action=TEMPLATE');
    expect(html).not.toMatch(/<script/i);
  });

  it('serves the PDF at /tickets/:id.pdf and it holds the ticket id', async () => {
    const { ticket } = await issueTicket();
    const res = await t.app.request(`/tickets/${ticket._id}.pdf`);
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toBe('application/pdf');
    expect(res.headers.get('Content-Disposition')).toBe(`inline; filename="ticket-${ticket._id}.pdf"`);
    expect(res.headers.get('Cache-Control')).toBe('no-store');
    const text = await pdfText(new Uint8Array(await res.arrayBuffer()));
    expect(text).toContain(ticket._id);
    expect(text).toContain('Asha Rao');
  });

  it('marks a test-mode ticket TEST on its page and its PDF, and links the find-my-tickets page', async () => {
    const { ticket } = await issueTicket();
    const html = await (await t.app.request(`/tickets/${ticket._id}`)).text();
    expect(html).toContain('<strong>TEST TICKET</strong> · made in test mode, not valid for entry.');
    expect(html).toContain('href="/tickets/find"');
    const pdf = await pdfText(new Uint8Array(await (await t.app.request(`/tickets/${ticket._id}.pdf`)).arrayBuffer()));
    expect(pdf).toContain('TEST TICKET - NOT VALID FOR ENTRY');
  });

  it('serves the QR as a well-formed SVG that other origins may embed', async () => {
    const { ticket } = await issueTicket();
    const res = await t.app.request(`/tickets/${ticket._id}/qr.svg`);
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toBe('image/svg+xml');
    expect(res.headers.get('Cache-Control')).toBe('no-store');
    // Needs app.ts to let handlers' headers win over the security headers' same-origin default.
    expect(res.headers.get('Cross-Origin-Resource-Policy')).toBe('cross-origin');
    assertWellFormedSvg(await res.text());
  });

  it('serves an RFC 5545 calendar file with CRLF lines, escaped text and the ticket id as UID', async () => {
    const { ticket } = await issueTicket({ name: 'Jazz, Blues; and\\more', venue: 'NCPA, Mumbai' });
    const res = await t.app.request(`/tickets/${ticket._id}/calendar.ics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toBe('text/calendar; charset=utf-8');
    expect(res.headers.get('Content-Disposition')).toBe(`attachment; filename="ticket-${ticket._id}.ics"`);
    const ics = await res.text();
    expect(ics.startsWith('BEGIN:VCALENDAR\r\nVERSION:2.0\r\n')).toBe(true);
    expect(ics.endsWith('END:VCALENDAR\r\n')).toBe(true);
    expect(ics.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/); // no bare LF or CR anywhere
    const unfolded = ics.replace(/\r\n /g, '');
    expect(unfolded).toContain(`UID:${ticket._id}\r\n`);
    expect(unfolded).toContain('SUMMARY:Jazz\\, Blues\\; and\\\\more\r\n');
    expect(unfolded).toContain('LOCATION:NCPA\\, Mumbai\r\n');
    expect(unfolded).toContain('DTSTART:20300608T140000Z\r\n');
    expect(unfolded).toContain('DTEND:20300608T180000Z\r\n');
    expect(unfolded).toContain('STATUS:CONFIRMED');
    for (const line of ics.split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
  });

  it('folds long calendar lines without splitting a multi-byte character', async () => {
    const { ticket } = await issueTicket({ name: 'दिवाली मेला '.repeat(12).trim() });
    const ics = await (await t.app.request(`/tickets/${ticket._id}/calendar.ics`)).text();
    const lines = ics.split('\r\n');
    for (const line of lines) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
    expect(ics.replace(/\r\n /g, '')).toContain(`SUMMARY:${'दिवाली मेला '.repeat(12).trim()}\r\n`);
  });

  it('marks a checked-in ticket as used', async () => {
    const { ticket } = await issueTicket();
    await t.store.collection('tickets').updateOne({ _id: ticket._id }, { $set: { status: 'checked_in', checked_in_at: t.clock.now() } });
    const html = await (await t.app.request(`/tickets/${ticket._id}`)).text();
    expect(html).toContain('CHECKED IN');
    expect(html).toContain('Already used');
  });
});

describe('ticket page (errors)', () => {
  it('answers an unknown ticket id with a friendly HTML 404, and 404 for its PDF and SVG', async () => {
    const missing = 'tkt_0000000000000000000000';
    const page = await t.app.request(`/tickets/${missing}`);
    expect(page.status).toBe(404);
    expect(page.headers.get('Content-Type')).toContain('text/html');
    expect(await page.text()).toContain('Ticket not found');
    expect((await t.app.request(`/tickets/${missing}.pdf`)).status).toBe(404);
    expect((await t.app.request(`/tickets/${missing}/qr.svg`)).status).toBe(404);
    expect((await t.app.request(`/tickets/${missing}/calendar.ics`)).status).toBe(404);
  });

  it('answers a mangled ticket link with the friendly page, not the API JSON', async () => {
    for (const path of ['/tickets/not-a-ticket', '/tickets/tkt_abc.png', '/tickets/tkt_short']) {
      const res = await t.app.request(path);
      expect(res.status, path).toBe(404);
      expect(await res.text()).toContain('Ticket not found');
    }
  });

  it('keeps /tickets/:id and /tickets/:id.pdf apart', async () => {
    const { ticket } = await issueTicket();
    const page = await t.app.request(`/tickets/${ticket._id}`);
    const pdf = await t.app.request(`/tickets/${ticket._id}.pdf`);
    expect(page.headers.get('Content-Type')).toContain('text/html');
    expect(pdf.headers.get('Content-Type')).toBe('application/pdf');
  });
});

describe('ticket page (security)', () => {
  it('escapes hostile event and holder names', async () => {
    const { ticket } = await issueTicket({ name: HOSTILE, venue: `"><img src=x onerror=alert(1)>` }, HOSTILE);
    const html = await (await t.app.request(`/tickets/${ticket._id}`)).text();
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;script&gt;');
    expect(html).not.toContain(`O'Brien & "Sons"`);
  });

  it('shows a voided ticket clearly, without a QR, and refuses its PDF and QR', async () => {
    const { ticket } = await issueTicket();
    await t.services.tickets.void(owner, ticket._id);
    const res = await t.app.request(`/tickets/${ticket._id}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('VOIDED');
    expect(html).not.toContain('<svg');
    expect(html).not.toContain(`/tickets/${ticket._id}.pdf`);
    expect((await t.app.request(`/tickets/${ticket._id}.pdf`)).status).toBe(410);
    expect((await t.app.request(`/tickets/${ticket._id}/qr.svg`)).status).toBe(410);
    expect(await (await t.app.request(`/tickets/${ticket._id}/calendar.ics`)).text()).toContain('STATUS:CANCELLED');
  });

  it('shows no QR once the event is cancelled', async () => {
    const { event, ticket } = await issueTicket();
    await t.services.events.cancel(owner, event.id);
    const html = await (await t.app.request(`/tickets/${ticket._id}`)).text();
    expect(html).toContain('EVENT CANCELLED');
    expect(html).not.toContain('<svg');
  });

  it('keeps the bearer link out of Referer headers and search indexes', async () => {
    const { ticket } = await issueTicket();
    const res = await t.app.request(`/tickets/${ticket._id}`);
    expect(res.headers.get('X-Robots-Tag')).toBe('noindex, nofollow');
    const html = await res.text();
    expect(html).toContain('<meta name="referrer" content="no-referrer"/>');
    expect(html).toContain('rel="noopener noreferrer"');
  });
});
