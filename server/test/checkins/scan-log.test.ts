import { describe, expect, it } from 'vitest';
import { buildTestApp } from '../helpers/app.js';
import { issueTickets, organizerWithEvent } from '../helpers/checkout.js';

describe("an event's scan log with each scan's ticket (checkins.log)", () => {
  it('pairs every scan with its ticket, newest first, and a code that matched no ticket with none', async () => {
    const t = await buildTestApp();
    const { account, sk, event, general } = await organizerWithEvent(t);
    const [first, second] = await issueTickets(t, sk, event.id, general, { name: 'Kavya Menon', email: 'kavya@example.com' }, 2);
    const owner = { account: account.id as string, livemode: false };
    await t.services.checkins.scan(owner, { code: first!.code, event: event.id, by: 'Gate 1' });
    t.clock.advance(1_000);
    await t.services.checkins.scan(owner, { code: 'not a ticket', event: event.id, by: 'Gate 1' });
    t.clock.advance(1_000);
    await t.services.checkins.scan(owner, { code: second!.code, event: event.id, by: 'Gate 2' });

    const log = await t.services.checkins.log(owner, event.id, { limit: 10 });
    expect(log.data.map(({ checkin, ticket }) => [checkin.result, ticket?._id ?? null])).toEqual([
      ['accepted', second!.id],
      ['rejected', null],
      ['accepted', first!.id],
    ]);
    expect(log.hasMore).toBe(false);
  });

  it("refuses another account's event", async () => {
    const t = await buildTestApp();
    const { event } = await organizerWithEvent(t);
    const stranger = await t.signUp();
    await expect(t.services.checkins.log({ account: stranger.account.id, livemode: false }, event.id, { limit: 10 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
