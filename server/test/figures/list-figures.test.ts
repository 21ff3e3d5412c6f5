import { describe, expect, it } from 'vitest';
import { backgroundJobs } from '../../src/background.js';
import { LIST_RECOUNT_QUIET_MS } from '../../src/domain/list-figures.js';
import { eventBody } from '../helpers/app.js';
import { issueTickets } from '../helpers/checkout.js';
import { consoleWithOrganizer, visibleText } from '../console/helpers.js';

/** Check-in lists' figures (docs/domain-rules.md#check-in-lists): per list in the stats and the console, from counters, recounted when off. */

async function eventWithLists() {
  const setup = await consoleWithOrganizer();
  const created = await setup.t.call('POST', '/v1/events', { key: setup.sk, body: eventBody() });
  const event = created.body as { id: string; ticket_types: Array<{ id: string }> };
  const tickets = await issueTickets(setup.t, setup.sk, event.id, event.ticket_types[0]!.id, { name: 'Kavya Menon', email: 'kavya@example.com' }, 3);
  const { t, owner } = setup;
  const dayTwo = await t.services.checkinLists.create(owner, event.id, { name: 'Day 2' });
  t.clock.advance(1_000); // lists are listed oldest first
  const lounge = await t.services.checkinLists.create(owner, event.id, { name: 'Lounge', reentry: true });
  const scan = (code: string, list: string) => t.services.checkins.scan(owner, { code, event: event.id, by: 'Gate 1', list });
  for (const tk of tickets) await scan(tk.code, dayTwo._id);
  await scan(tickets[0]!.code, lounge._id); // in
  await scan(tickets[1]!.code, lounge._id); // in
  await scan(tickets[1]!.code, lounge._id); // out
  const stats = async () => (await t.call('GET', `/v1/events/${event.id}/stats`, { key: setup.sk })).body.checkin_lists;
  return { ...setup, event, dayTwo, lounge, stats };
}

describe('check-in list figures', () => {
  it('gives admitted per list and who is inside a re-entry list, in the stats and on the event page', async () => {
    const { browser, event, dayTwo, lounge, stats } = await eventWithLists();
    expect(await stats()).toEqual([
      { list: dayTwo._id, name: 'Day 2', reentry: false, admitted: 3, inside: null },
      { list: lounge._id, name: 'Lounge', reentry: true, admitted: 2, inside: 1 },
    ]);
    const page = visibleText((await browser.get(`/console/events/${event.id}`)).text);
    expect(page).toMatch(/Check-in lists List Admitted Inside now Day 2 3 — Lounge 2 1/);
  });

  it('recounts a damaged list counter from its passes once the list is still, and logs the drift', async () => {
    const { t, dayTwo, lounge, stats } = await eventWithLists();
    // A process killed between a pass's write and its counter's $inc leaves the counter off.
    await t.store.collection('checkin_lists').updateOne({ _id: lounge._id }, { $set: { inside: 7 } });
    await t.store.collection('checkin_lists').updateOne({ _id: dayTwo._id }, { $inc: { admitted: -1, inside: -1 } });
    expect((await stats())[1]).toMatchObject({ inside: 7 }); // the figures are the counters, not a count of scans
    const job = backgroundJobs(t.services, t.logger).find((j) => j.name === 'checkin-list-counters')!;
    // While the door is busy the recount waits: a scan between its two writes is not drift.
    expect(await job.run()).toEqual({ repaired: 0 });
    t.clock.advance(LIST_RECOUNT_QUIET_MS + 1);
    expect(await job.run()).toEqual({ repaired: 3 });
    expect(await stats()).toEqual([expect.objectContaining({ list: dayTwo._id, admitted: 3 }), expect.objectContaining({ list: lounge._id, admitted: 2, inside: 1 })]);
    const logged = t.logger.entries.find((e) => e.msg === 'check-in list counters repaired');
    expect(logged?.level).toBe('warn');
    expect(logged?.drifts).toContainEqual({ list: lounge._id, event: lounge.event, field: 'inside', was: 7, now: 1 });
    expect(logged?.drifts).toContainEqual({ list: dayTwo._id, event: dayTwo.event, field: 'admitted', was: 2, now: 3 });
    expect(await job.run()).toEqual({ repaired: 0 });
  });
});
