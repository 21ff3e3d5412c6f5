import { expect } from 'vitest';
import { createCancellationWorker } from '../../src/delivery/cancellation-jobs.js';
import type { OutboxJob } from '../../src/domain/ports.js';
import type { RefundDoc } from '../../src/domain/refunds.js';
import type { TestApp } from '../helpers/app.js';
import { buyer, mailWorker, organizerWithEvent, payWithTestGateway, startOrder } from '../helpers/checkout.js';

/** An organizer with a test event (no email codes) and `count` paid orders of one ticket each, paid through the test gateway. */
export async function eventWithPaidOrders(t: TestApp, count: number, emailOf: (i: number) => string = () => buyer().email) {
  const org = await organizerWithEvent(t, { capacity: Math.max(30, count + 10), require_email_verification: false });
  return { ...org, orders: await paidOrders(t, org.pk, org.event.id, org.general, count, emailOf) };
}

/** `count` paid orders of one ticket of `ticketType` each, paid through the test gateway. */
export async function paidOrders(t: TestApp, pk: string, event: string, ticketType: string, count: number, emailOf: (i: number) => string = () => buyer().email) {
  const orders: Array<{ id: string; amount: number; email: string }> = [];
  for (let i = 0; i < count; i++) {
    const who = { ...buyer(), email: emailOf(i) };
    const order = await startOrder(t, pk, event, [{ ticket_type: ticketType, quantity: 1 }], who);
    const paid = await payWithTestGateway(t, pk, order, order.payment.gateway_order_id);
    expect(paid.status, JSON.stringify(paid.body)).toBe(200);
    orders.push({ id: order.id, amount: paid.body.amount, email: who.email });
  }
  return orders;
}

/** The `cancellation` channel's worker on the test app's store and clock. */
export function cancellationWorker(t: TestApp, options: { batchSize?: number; perform?: (job: OutboxJob) => Promise<Record<string, unknown>> } = {}) {
  return createCancellationWorker({
    store: t.store,
    clock: t.clock,
    workerId: 'test-cancellation-worker',
    perform: options.perform ?? ((job) => t.services.eventCancellation.perform(job)),
    ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
  });
}

/** Runs the cancellation jobs, then the mails they queued, until nothing is due. */
export async function runToTheEnd(t: TestApp): Promise<void> {
  const worker = cancellationWorker(t);
  for (;;) {
    const s = await worker.runOnce();
    if (s.sent + s.retried + s.dead + s.lost === 0) break;
  }
  const mail = mailWorker(t);
  for (;;) {
    const s = await mail.runOnce();
    if (s.sent + s.retried + s.dead + s.lost === 0) break;
  }
}

/** The order refunds asked of the gateway, per order. */
export async function refundsPerOrder(t: TestApp): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const refund of await t.store.collection<RefundDoc>('refunds').find({ purpose: 'order' })) counts.set(refund.order, (counts.get(refund.order) ?? 0) + 1);
  return counts;
}

/** How many mails the captured mailbox holds per recipient whose subject says the event is cancelled. */
export async function noticesPerBuyer(t: TestApp): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const mail of await t.mailbox.list({ limit: 1000 })) {
    if (/is cancelled$/.test(mail.subject)) counts.set(mail.to, (counts.get(mail.to) ?? 0) + 1);
  }
  return counts;
}
