import { describe, expect, it } from 'vitest';
import { CSV_BATCH_SIZE, createAttendanceService } from '../../src/domain/attendance.js';
import type { FindOptions, Store } from '../../src/store/port.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { checkInAt, issueTickets, organizerWithEvent } from '../helpers/checkout.js';

const HEADER = ['ticket_id', 'holder_name', 'holder_email', 'ticket_type', 'status', 'checked_in_at', 'checked_in_by', 'order', 'issued_at', 'campaign', 'promo_code'];

/**
 * A strict RFC 4180 parser: records end in CRLF, quoted fields may hold quotes
 * (doubled), commas, CR and LF; anything else (a bare LF, a stray quote) throws.
 */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let i = 0;
  const fail = (why: string): never => {
    throw new Error(`invalid CSV at ${i}: ${why}`);
  };
  while (i < text.length) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= text.length) fail('unterminated quoted field');
        if (text[i] === '"') {
          if (text[i + 1] !== '"') break;
          field += '"';
          i += 2;
        } else field += text[i++];
      }
      i++; // the closing quote
    } else {
      while (i < text.length && !',\r\n'.includes(text[i]!)) {
        if (text[i] === '"') fail('quote inside an unquoted field');
        field += text[i++];
      }
    }
    record.push(field);
    if (text[i] === ',') {
      i++;
    } else if (text.startsWith('\r\n', i)) {
      records.push(record);
      record = [];
      i += 2;
    } else fail(`expected a comma or CRLF, got ${JSON.stringify(text[i] ?? 'end of input')}`);
  }
  if (record.length > 0) fail('last record has no CRLF');
  return records;
}

async function download(t: TestApp, sk: string, eventId: string, query = '') {
  const res = await t.app.request(`/v1/events/${eventId}/attendees.csv${query}`, { headers: { Authorization: `Bearer ${sk}` } });
  const bytes = new Uint8Array(await res.arrayBuffer());
  // ignoreBOM: keep the BOM in the text so the test sees exactly what Excel sees.
  return { res, bytes, text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes) };
}

describe('GET /v1/events/{id}/attendees.csv', () => {
  it('is a UTF-8 download with a BOM, a header row and CRLF line endings', async () => {
    const t = await buildTestApp();
    const { sk, event, general } = await organizerWithEvent(t);
    const [ticket] = await issueTickets(t, sk, event.id, general, { name: 'Asha Rao', email: 'asha@example.com' });
    await checkInAt(t, ticket!, '2030-06-08T13:30:00.000Z');
    const { res, bytes, text } = await download(t, sk, event.id);
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('Content-Disposition')).toBe(`attachment; filename="attendees-${event.id}.csv"`);
    expect(res.headers.get('Cache-Control')).toBe('no-store');
    expect(res.headers.get('X-Request-Id')).toMatch(/^req_/);
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(text.startsWith('\uFEFF')).toBe(true);
    const body = text.slice(1);
    expect(body.replaceAll('\r\n', '')).not.toMatch(/[\r\n]/);
    expect(body).toBe(
      `${HEADER.join(',')}\r\n` + `${ticket!.id},Asha Rao,asha@example.com,General,checked_in,2030-06-08T13:30:00.000Z,door-1,${ticket!.order},2030-06-01T10:00:00.000Z,,\r\n`,
    );
  });

  it('round-trips hostile names through an RFC 4180 parser, with formula cells made inert', async () => {
    const t = await buildTestApp();
    const { sk, event } = await organizerWithEvent(t, { ticket_types: [{ name: '@Backstage', price: 0 }] });
    const type = event.ticket_types[0].id;
    // The API refuses control characters in names; data imported or stored earlier may still hold them.
    const hostile: Array<[name: string, email: string, csvName: string, csvEmail: string]> = [
      ['=HYPERLINK("http://evil","x")', 'one@example.com', `'=HYPERLINK("http://evil","x")`, 'one@example.com'],
      ['+1', '+1@example.com', "'+1", "'+1@example.com"],
      ['-2', '-2@example.com', "'-2", "'-2@example.com"],
      ['@SUM(A1)', '=cmd|"/C calc"!A0@example.com', "'@SUM(A1)", `'=cmd|"/C calc"!A0@example.com`],
      ['\tTabbed', 'tab@example.com', "'\tTabbed", 'tab@example.com'],
      ['\rCarriage', 'cr@example.com', "'\rCarriage", 'cr@example.com'],
      ['Say "hi", friend', 'quote@example.com', 'Say "hi", friend', 'quote@example.com'],
      ['Rao, Asha', 'comma@example.com', 'Rao, Asha', 'comma@example.com'],
      ['Line one\nLine two\r\nLine three', 'nl@example.com', 'Line one\nLine two\r\nLine three', 'nl@example.com'],
      ['राहुल शर्मा', 'rahul@example.com', 'राहुल शर्मा', 'rahul@example.com'],
      ['Zoë 🎉🎟️ 👩🏽‍💻', 'emoji@example.com', 'Zoë 🎉🎟️ 👩🏽‍💻', 'emoji@example.com'],
      ['A=B+C-D@E', 'mid@example.com', 'A=B+C-D@E', 'mid@example.com'],
    ];
    const expected = new Map<string, string[]>();
    for (const [name, email, csvName, csvEmail] of hostile) {
      const [ticket] = await issueTickets(t, sk, event.id, type, { name: 'Placeholder', email: 'placeholder@example.com' });
      await t.store.collection('tickets').updateOne({ _id: ticket!.id }, { $set: { 'holder.name': name, 'holder.email': email } });
      expected.set(ticket!.id, [ticket!.id, csvName, csvEmail, "'@Backstage", 'valid', '', '', ticket!.order, ticket!.created_at, '', '']);
      t.clock.advance(1_000);
    }
    const { res, text } = await download(t, sk, event.id);
    expect(res.status).toBe(200);
    const [header, ...rows] = parseCsv(text.slice(1));
    expect(header).toEqual(HEADER);
    expect(rows).toHaveLength(hostile.length);
    expect(new Map(rows.map((row) => [row[0]!, row]))).toEqual(expected);
    // No cell a spreadsheet would evaluate survives.
    for (const cell of rows.flat()) expect(cell, cell).not.toMatch(/^[=+\-@\t\r]/);
  });

  it('exports with the same filters as the list', async () => {
    const t = await buildTestApp();
    const { sk, event, general } = await organizerWithEvent(t);
    const [asha] = await issueTickets(t, sk, event.id, general, { name: 'Asha Rao', email: 'asha@example.com' });
    const [ravi] = await issueTickets(t, sk, event.id, general, { name: 'Ravi Kumar', email: 'ravi@example.com' });
    const [gone] = await issueTickets(t, sk, event.id, general, { name: 'Asha Voided', email: 'void@example.com' });
    await t.call('POST', `/v1/tickets/${gone!.id}/void`, { key: sk });
    await checkInAt(t, ravi!, t.clock.now().toISOString());
    const idsOf = async (query: string) =>
      parseCsv((await download(t, sk, event.id, query)).text.slice(1))
        .slice(1)
        .map((row) => row[0]);
    expect((await idsOf('')).sort()).toEqual([asha!.id, ravi!.id].sort());
    expect(await idsOf('?checked_in=true')).toEqual([ravi!.id]);
    expect(await idsOf('?checked_in=false')).toEqual([asha!.id]);
    expect(await idsOf('?q=ASHA')).toEqual([asha!.id]);
    expect(await idsOf('?q=nobody')).toEqual([]);
    const bad = await t.call('GET', `/v1/events/${event.id}/attendees.csv?limit=5`, { key: sk });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual([{ field: 'query.limit', message: 'is not a known field' }]);
  });

  it('streams 1,200 attendees completely, each exactly once, newest first', async () => {
    const t = await buildTestApp();
    const { sk, event, general } = await organizerWithEvent(t, { capacity: 2000 });
    const issued: string[] = [];
    for (let batch = 0; batch < 24; batch++) {
      if (batch % 3 === 0) t.clock.advance(60_000);
      const tickets = await issueTickets(t, sk, event.id, general, { name: `Guest ${batch}`, email: `guest${batch}@example.com` }, 50);
      issued.push(...tickets.map((x) => x.id));
    }
    const { res, text } = await download(t, sk, event.id);
    expect(res.status).toBe(200);
    const [header, ...rows] = parseCsv(text.slice(1));
    expect(header).toEqual(HEADER);
    expect(rows).toHaveLength(1200);
    expect(new Set(rows.map((row) => row[0])).size).toBe(1200);
    expect(rows.map((row) => row[0]!).sort()).toEqual([...issued].sort());
    const issuedAt = rows.map((row) => Date.parse(row[8]!));
    expect(issuedAt).toEqual([...issuedAt].sort((a, b) => b - a));
  });

  it('reads the tickets lazily, one batch at a time', async () => {
    const t = await buildTestApp();
    const { sk, event, general, account } = await organizerWithEvent(t, { capacity: 2000 });
    for (let batch = 0; batch < 24; batch++) await issueTickets(t, sk, event.id, general, { name: 'Guest', email: 'guest@example.com' }, 50);
    const limits: Array<number | undefined> = [];
    const spying: Store = {
      ...t.store,
      driver: t.store.driver,
      collection: (name) => {
        const real = t.store.collection(name);
        if (name !== 'tickets') return real;
        return Object.assign(Object.create(real), {
          find: (filter: Record<string, unknown>, options?: FindOptions) => {
            limits.push(options?.limit);
            return real.find(filter, options);
          },
        });
      },
    };
    const attendance = createAttendanceService({ store: spying, clock: t.clock, figures: t.services.figures });
    const lines = (await attendance.attendeesCsv({ account: account.id, livemode: false }, event.id))[Symbol.asyncIterator]();
    await lines.next(); // the header: no tickets read yet
    expect(limits).toEqual([]);
    // Each batch's rows come as one string.
    const rowsIn = (part: string) => part.split('\r\n').length - 1;
    let next = await lines.next();
    expect(limits).toEqual([CSV_BATCH_SIZE + 1]);
    let rows = 0;
    for (; !next.done; next = await lines.next()) rows += rowsIn(next.value);
    expect(rows).toBe(1200);
    expect(limits).toEqual(Array.from({ length: Math.ceil(1200 / CSV_BATCH_SIZE) }, () => CSV_BATCH_SIZE + 1));
  });

  it('answers errors as JSON before any CSV is sent', async () => {
    const t = await buildTestApp();
    const { sk, event } = await organizerWithEvent(t);
    const stranger = await t.signUp('Stranger');
    const theirs = await t.call('GET', `/v1/events/${event.id}/attendees.csv`, { key: stranger.sk });
    expect(theirs.status).toBe(404);
    expect(theirs.headers.get('Content-Type')).toMatch(/^application\/json/);
    expect(theirs.headers.get('Content-Disposition')).toBeNull();
    const bad = await t.call('GET', `/v1/events/${event.id}/attendees.csv?checked_in=maybe`, { key: sk });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual([{ field: 'query.checked_in', message: 'must be true or false' }]);
  });
});
