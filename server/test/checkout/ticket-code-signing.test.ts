import { describe, expect, it } from 'vitest';
import { createTicketCodes, parseTicketCode, verifyTicketCodeSignature } from '../../src/domain/ticket-codes.js';
import { ManualClock } from '../../src/kernel/clock.js';
import { newId } from '../../src/kernel/ids.js';
import { createSqliteStore } from '../../src/store/sqlite.js';

/** Whether `work` lets a `setImmediate` scheduled after it starts run before it settles: work done off the event loop does. */
async function turnsFirst<T>(work: () => Promise<T>): Promise<{ result: T; order: string[] }> {
  const order: string[] = [];
  const pending = work().then((result) => {
    order.push('done');
    return result;
  });
  setImmediate(() => order.push('event loop turned'));
  return { result: await pending, order };
}

const TICKET = newId('tkt');
const EVENT = newId('evt');

describe('ticket codes', () => {
  async function codes() {
    const store = await createSqliteStore();
    const service = createTicketCodes({ store, clock: new ManualClock('2030-06-01T10:00:00.000Z'), secret: 'a'.repeat(64) });
    // The account's key is made and cached by the first use, which reads and writes the store.
    await service.sign('acct_1', newId('tkt'), EVENT);
    return service;
  }

  it('signs a code on the thread pool, so the event loop serves other requests meanwhile', async () => {
    const service = await codes();
    const { result: code, order } = await turnsFirst(() => service.sign('acct_1', TICKET, EVENT));
    expect(order).toEqual(['event loop turned', 'done']);
    const parsed = parseTicketCode(code);
    expect(parsed).not.toBeNull();
    expect(verifyTicketCodeSignature(parsed!, await service.publicKey('acct_1'))).toBe(true);
  });

  it('checks a code on the thread pool, and still refuses one signed by another key', async () => {
    const service = await codes();
    const good = parseTicketCode(await service.sign('acct_1', TICKET, EVENT))!;
    const { result: valid, order } = await turnsFirst(() => service.verify('acct_1', good));
    expect(order).toEqual(['event loop turned', 'done']);
    expect(valid).toBe(true);
    const foreign = parseTicketCode(await service.sign('acct_2', TICKET, EVENT))!;
    expect(await service.verify('acct_1', foreign)).toBe(false);
  });
});
