import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/kernel/clock.js';
import { buildTestApp } from '../helpers/app.js';
import { issueTickets, organizerWithEvent } from '../helpers/checkout.js';
import { tracedStore } from '../helpers/query-plans.js';

const closing: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closing.splice(0).map((close) => close()));
});

/** An event with three pages of attendees (one voided), on a store that records its statements. */
async function tracedEvent() {
  const clock = new ManualClock('2030-06-01T10:00:00.000Z');
  const traced = await tracedStore(clock);
  closing.push(() => traced.close());
  const t = await buildTestApp({ store: traced.store, clock });
  const org = await organizerWithEvent(t);
  const issued = [];
  for (let i = 0; i < 5; i += 1) {
    issued.push(...(await issueTickets(t, org.sk, org.event.id, org.general, { name: `Holder ${i}`, email: `holder${i}@example.com` })));
    clock.advance(1_000);
  }
  expect((await t.call('POST', `/v1/tickets/${issued[2]!.id}/void`, { key: org.sk })).status).toBe(200);
  return { t, traced, ...org, issued };
}

/** Every plan of a ticket read, one per line: what the assertions below look at. */
const ticketPlans = (traced: Awaited<ReturnType<typeof tracedStore>>) => {
  const plans = traced.plans('tickets');
  expect(plans.length).toBeGreaterThan(0);
  return plans.map((s) => `${s.plan}\n  for ${s.sql.slice(0, 160)}`).join('\n');
};

describe('attendee reads follow an index, however big the event', () => {
  it('reads the first and a later attendee page in index order, never sorting or scanning the event', async () => {
    const { t, traced, sk, event, issued } = await tracedEvent();
    traced.reset();
    const first = await t.call('GET', `/v1/events/${event.id}/attendees?limit=2`, { key: sk });
    expect(first.body.data.map((x: { id: string }) => x.id)).toEqual([issued[4]!.id, issued[3]!.id]);
    const second = await t.call('GET', `/v1/events/${event.id}/attendees?limit=2&cursor=${first.body.next_cursor}`, { key: sk });
    expect(second.body.data.map((x: { id: string }) => x.id)).toEqual([issued[1]!.id, issued[0]!.id]);
    const plans = ticketPlans(traced);
    expect(plans).toMatch(/USING INDEX "?tickets\.event_1_created_at_-1__id_-1"?/);
    expect(plans).not.toMatch(/SCAN tickets|TEMP B-TREE/);
  });

  it('exports the attendee CSV page by page in index order, never sorting or scanning the event', async () => {
    const { t, traced, sk, event } = await tracedEvent();
    traced.reset();
    const csv = await t.call('GET', `/v1/events/${event.id}/attendees.csv`, { key: sk });
    expect(csv.status).toBe(200);
    expect(String(csv.body).trim().split('\r\n')).toHaveLength(1 + 4);
    const plans = ticketPlans(traced);
    expect(plans).not.toMatch(/SCAN tickets|TEMP B-TREE/);
  });

  it('reads a checked-in filter through the status index, never sorting or scanning the event', async () => {
    const { t, traced, sk, event } = await tracedEvent();
    traced.reset();
    const notYet = await t.call('GET', `/v1/events/${event.id}/attendees?checked_in=false&limit=2`, { key: sk });
    expect(notYet.body.data).toHaveLength(2);
    expect(ticketPlans(traced)).not.toMatch(/SCAN tickets|TEMP B-TREE/);
  });
});
