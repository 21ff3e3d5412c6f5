import { afterEach, describe, expect, it, vi } from 'vitest';
import { $, API, button, enterCode, mount, root, setup, text, toVerify, until } from './test-support/harness.js';
import { awaitPayment, keep, kept, markPaying } from './resume.js';

afterEach(() => {
  document.body.replaceChildren();
  sessionStorage.clear();
  vi.unstubAllGlobals();
});

/** The page reloads: the element goes and a new one for the same event comes. */
async function reload(org: { pk: string; event: { id: string } }) {
  document.body.replaceChildren();
  return mount({ event: org.event.id, key: org.pk, 'api-base': API });
}

const dialogOpen = (el: HTMLElement) => (el.shadowRoot!.querySelector('dialog') as HTMLDialogElement).open;

describe('reloading mid-checkout', () => {
  it('resumes the open order at its step, with the modal open, and holds no second set of seats', async () => {
    const { el, t, org, route } = await setup();
    const { code } = await toVerify(el, t);
    const fresh = await reload(org);
    await until(() => expect(text(fresh)).toContain('Check your email'));
    expect(dialogOpen(fresh)).toBe(true);
    expect(text(fresh)).toMatch(/Seats held for 1[45]:\d\d/);
    expect(route.calls.filter((c) => c === 'POST /v1/orders')).toHaveLength(1);
    await enterCode(fresh, await code());
    await until(() => expect(text(fresh)).toContain('Fail the payment'));
    expect(await t.store.collection('orders').count({ event: org.event.id })).toBe(1);
  });

  it('shows the tickets again after a reload once paid', async () => {
    const { el, t, org } = await setup();
    const { code } = await toVerify(el, t);
    await enterCode(el, await code());
    await until(() => expect(text(el)).toMatch(/Pay ₹/));
    button(el, /^Pay ₹/).click();
    await until(() => expect(text(el)).toContain('You’re in!'));
    const fresh = await reload(org);
    await until(() => expect(text(fresh)).toContain('You’re in!'));
    expect(root(fresh).querySelectorAll('[part="ticket"]')).toHaveLength(1);
    // Closing after the purchase forgets it: the next load starts afresh.
    $(fresh, '[part="close"]').click();
    const after = await reload(org);
    await until(() => expect(text(after)).toContain('Buy tickets'));
    await new Promise((r) => setTimeout(r, 50));
    expect(dialogOpen(after)).toBe(false);
  });

  it('cancels the held order before starting again, so its seats come back', async () => {
    const { el, t, org, route } = await setup();
    await toVerify(el, t);
    const [order] = await t.store.collection<{ _id: string; status: string } & Record<string, unknown>>('orders').find({ event: org.event.id });
    button(el, 'Start again').click();
    await until(() => expect(text(el)).toContain('Choose tickets'));
    expect(route.calls).toContain(`POST /v1/orders/${order!._id}/cancel`);
    expect((await t.store.collection<{ _id: string; status: string } & Record<string, unknown>>('orders').findOne({ _id: order!._id }))?.status).toBe('cancelled');
    const fresh = await reload(org);
    await until(() => expect(text(fresh)).toContain('Buy tickets'));
    await new Promise((r) => setTimeout(r, 50));
    expect(dialogOpen(fresh)).toBe(false);
  });
});

describe('waiting for a payment made while the tab was away', () => {
  const order = (status: string) => ({ id: 'ord_1', status }) as unknown as import('@trendy-tickets/sdk').Order;

  it('asks again after a failed read and returns the order once it is no longer awaiting payment', async () => {
    const answers: Array<() => Promise<ReturnType<typeof order>>> = [
      async () => order('awaiting_payment'),
      async () => Promise.reject(new Error('offline')),
      async () => order('paid'),
    ];
    const paid = await awaitPayment(() => answers.shift()!(), { until: Date.now() + 1_000, every: 1 });
    expect(paid?.status).toBe('paid');
    expect(answers).toHaveLength(0);
  });

  it('gives up when its time is over or the element is gone, so the buyer may pay again', async () => {
    let reads = 0;
    const retrieve = async () => {
      reads++;
      return order('awaiting_payment');
    };
    expect(await awaitPayment(retrieve, { until: Date.now() + 20, every: 5 })).toBeNull();
    expect(reads).toBeGreaterThan(1);
    expect(await awaitPayment(retrieve, { until: Date.now() + 60_000, every: 5, alive: () => false })).toBeNull();
  });

  it('remembers that Checkout was opened for the kept order, and forgets it when Checkout closes unpaid', () => {
    keep('evt_1', { id: 'ord_1', secret: 's', deadline: 1 });
    markPaying('evt_1', true);
    expect(kept('evt_1')).toEqual({ id: 'ord_1', secret: 's', deadline: 1, paying: true });
    markPaying('evt_1', false);
    expect(kept('evt_1')?.paying).toBe(false);
    markPaying('evt_2', true);
    expect(kept('evt_2')).toBeNull();
  });
});
