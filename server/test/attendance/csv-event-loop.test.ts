import { describe, expect, it } from 'vitest';
import type { TicketDoc } from '../../src/domain/tickets.js';
import { CSV_BATCH_SIZE } from '../../src/domain/attendance.js';
import { buildTestApp } from '../helpers/app.js';
import { organizerWithEvent } from '../helpers/checkout.js';

const ROWS = 20_000;

describe('the attendee CSV of a large event', () => {
  it('streams 20,000 rows, giving the event loop a turn after every page and answering other requests meanwhile', { timeout: 120_000 }, async () => {
    const t = await buildTestApp();
    const { sk, event, general, account } = await organizerWithEvent(t, { capacity: ROWS });
    // Written straight to the store: issuing 20,000 tickets one order at a time would take minutes,
    // and the export reads tickets only. Another event's tickets share the collection, as in production.
    const base = t.clock.now().getTime();
    const ticket = (i: number, eventId: string): TicketDoc => ({
      _id: `tkt_${String(i).padStart(12, '0')}${eventId.slice(-4)}`,
      account: account.id,
      livemode: false,
      event: eventId,
      order: `ord_${String(Math.floor(i / 4)).padStart(12, '0')}${eventId.slice(-4)}`,
      index: i % 4,
      ticket_type: general,
      ticket_type_name: 'General',
      price: 49_900,
      holder: { name: `Guest ${i}`, email: `guest${i}@example.com` },
      status: i % 3 === 0 ? 'checked_in' : 'valid',
      code: 'TTS1.x',
      valid_from: null,
      valid_until: null,
      checked_in_at: i % 3 === 0 ? new Date(base) : null,
      checked_in_by: null,
      voided_at: null,
      // Batches share a creation time, as one order's tickets do.
      created_at: new Date(base - Math.floor(i / 7) * 1000),
      counted: i % 3 === 0 ? `checked_in:${new Date(base).toISOString()}` : 'valid',
    });
    const tickets = t.store.collection<TicketDoc>('tickets');
    for (let from = 0; from < ROWS; from += 2_000) {
      await tickets.insertMany(Array.from({ length: 2_000 }, (_, k) => ticket(from + k, event.id)));
      await tickets.insertMany(Array.from({ length: 500 }, (_, k) => ticket(from + k, 'evt_other0000')));
    }

    const res = await t.app.request(`/v1/events/${event.id}/attendees.csv`, { headers: { Authorization: `Bearer ${sk}` } });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const text: string[] = [];
    const decoder = new TextDecoder();
    // The first page also compiles the code it runs; turns are counted over the steady stream after it.
    const first = await reader.read();
    let bytes = first.value?.byteLength ?? 0;
    text.push(decoder.decode(first.value, { stream: true }));
    // Turns of the event loop during the stream: an export that yields between pages gives at
    // least one per page; one that runs to the end in one go gives none.
    let turns = 0;
    let counting = true;
    const countTurns = () => {
      turns++;
      if (counting) setImmediate(countTurns);
    };
    setImmediate(countTurns);
    const healthz: number[] = [];
    const probe = (async () => {
      for (let i = 0; i < 20; i++) {
        const sent = performance.now();
        expect((await t.app.request('/healthz')).status).toBe(200);
        healthz.push(performance.now() - sent);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
      text.push(decoder.decode(value, { stream: true }));
    }
    counting = false;
    await probe;
    const lines = text.join('').split('\r\n').filter(Boolean);
    expect(lines).toHaveLength(ROWS + 1);
    expect(bytes).toBeGreaterThan(ROWS * 50);
    // 40 pages, 39 boundaries between them; the first read already holds the whole first page.
    expect(turns).toBeGreaterThanOrEqual(Math.floor(ROWS / CSV_BATCH_SIZE) - 2);
    // Every probe was answered while the export streamed. How long the loop is held is a figure
    // for the bench (scan p99 during an export), not for a timed assertion here.
    expect(healthz).toHaveLength(20);
  });
});
