/** Seats coming back while people wait wake the waiting-list job, instead of waiting for its round. */
import { beforeEach, describe, expect, it } from 'vitest';
import { backgroundJobs, createBackgroundRunner, type BackgroundRunner, type TickOutcome } from '../../src/background.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { issueTickets, startOrder } from '../helpers/checkout.js';
import { joinLine, waitingListEvent } from './helpers.js';

let t: TestApp;
let runner: BackgroundRunner;
/** The rounds the seat notices started, as the server wires them (main.ts). */
let woken: Array<Promise<TickOutcome>>;

beforeEach(async () => {
  t = await buildTestApp();
  runner = createBackgroundRunner(backgroundJobs(t.services), { leases: t.services.leases, logger: t.logger });
  woken = [];
  t.services.seatsBack.listen(() => woken.push(runner.wake('waiting-list')));
});

const statusOf = async (sk: string, id: string) => (await t.call('GET', `/v1/waiting_list_entries/${id}`, { key: sk })).body.status;

describe('waking the waiting-list job', () => {
  it('offers a cancelled order’s seat to the line at once, with no round of the timer', async () => {
    const org = await waitingListEvent(t, 1);
    const order = await startOrder(t, org.pk, org.event.id, [{ ticket_type: org.vip, quantity: 1 }]);
    const entry = await joinLine(t, org.pk, org.event.id, org.vip, 1);
    expect(woken).toHaveLength(0);
    await t.call('POST', `/v1/orders/${order.id}/cancel`, { key: org.pk, body: { client_secret: order.client_secret } });
    expect(woken).toHaveLength(1);
    expect(await woken[0]).toBe('ran');
    expect(await statusOf(org.sk, entry.id)).toBe('offered');
  });

  it('offers seats a capacity increase adds at once', async () => {
    const org = await waitingListEvent(t, 1);
    await issueTickets(t, org.sk, org.event.id, org.vip, { name: 'Early', email: 'early@example.com' }, 1);
    const entry = await joinLine(t, org.pk, org.event.id, org.vip, 1);
    const event = (await t.call('GET', `/v1/events/${org.event.id}`, { key: org.sk })).body;
    const types = event.ticket_types.map((tt: { id: string; name: string; price: number; capacity: number | null }) => ({
      id: tt.id,
      name: tt.name,
      price: tt.price,
      capacity: tt.id === org.vip ? 2 : tt.capacity,
    }));
    expect((await t.call('PATCH', `/v1/events/${org.event.id}`, { key: org.sk, body: { ticket_types: types } })).status).toBe(200);
    expect(woken).toHaveLength(1);
    expect(await woken[0]).toBe('ran');
    expect(await statusOf(org.sk, entry.id)).toBe('offered');
  });

  it('stays asleep when seats come back to an event nobody waits for', async () => {
    const org = await waitingListEvent(t, 2);
    const order = await startOrder(t, org.pk, org.event.id, [{ ticket_type: org.vip, quantity: 1 }]);
    await t.call('POST', `/v1/orders/${order.id}/cancel`, { key: org.pk, body: { client_secret: order.client_secret } });
    expect(woken).toHaveLength(0);
  });

  it('runs once more when woken during a round', async () => {
    let runs = 0;
    let finish!: () => void;
    const run = () =>
      new Promise<void>((resolve) => {
        runs += 1;
        finish = resolve;
      });
    const slow = createBackgroundRunner([{ name: 'job', everyMs: 5_000, run }], { leases: t.services.leases, logger: t.logger });
    const first = slow.tick('job');
    await Promise.resolve();
    await new Promise((resolve) => setImmediate(resolve));
    expect(await slow.wake('job')).toBe('busy');
    finish();
    expect(await first).toBe('ran');
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(runs).toBe(2);
    finish();
    await slow.stop();
  });
});
