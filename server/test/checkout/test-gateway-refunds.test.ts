/**
 * Refunds in test mode end the ways Razorpay's do, chosen by the buyer's email
 * (docs/domain-rules.md#trying-refunds-in-test-mode): refused at once (`refund-fails@`),
 * pending then processed (`refund-pending@`), pending then failed (`refund-pending-fails@`).
 * A pending one ends through the sweeper asking the gateway again, as for Razorpay. Driven
 * through the API and the console, as an organizer trying the product would.
 */
import { describe, expect, it } from 'vitest';
import type { OutboxJob } from '../../src/delivery/outbox.js';
import { testRefundOutcome } from '../../src/payments/test-gateway.js';
import { signUpInConsole, visibleText } from '../console/helpers.js';
import { buildTestApp, eventBody, type TestApp } from '../helpers/app.js';
import { payWithTestGateway, startOrder } from '../helpers/checkout.js';

/** An organizer signed in to the console, with a test event sold without email codes. */
async function organizer(t: TestApp) {
  const org = await signUpInConsole(t);
  const res = await t.call('POST', '/v1/events', { key: org.sk, body: eventBody({ require_email_verification: false }) });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { ...org, event: res.body.id as string, general: res.body.ticket_types[0].id as string };
}

/** A paid test order for a buyer with `email`. */
async function paidOrder(t: TestApp, org: Awaited<ReturnType<typeof organizer>>, email: string) {
  const order = await startOrder(t, org.pk, org.event, [{ ticket_type: org.general, quantity: 2 }], { name: 'Asha Rao', email, phone: '+91 98765 43210' });
  const paid = await payWithTestGateway(t, org.pk, order, order.payment.gateway_order_id);
  expect(paid.status, JSON.stringify(paid.body)).toBe(200);
  return paid.body;
}

const mailJobs = (t: TestApp, kind: string, order: string) => t.store.collection<OutboxJob>('outbox').find({ kind, 'payload.order': order });

async function ticketPage(org: Awaited<ReturnType<typeof organizer>>, ticket: string): Promise<string> {
  const res = await org.browser.get(`/console/tickets/${ticket}`);
  expect(res.status).toBe(200);
  return visibleText(res.text);
}

describe('the test gateway’s refund endings, chosen by the buyer’s email', () => {
  it('reads the ending from the part of the email before @ and any +tag', () => {
    expect(testRefundOutcome('refund-fails@example.com')).toBe('fails');
    expect(testRefundOutcome('Refund-Pending+asha@example.com')).toBe('pending');
    expect(testRefundOutcome('refund-pending-fails+2@shop.in')).toBe('pending-fails');
    expect(testRefundOutcome('asha@example.com')).toBe('processed');
    expect(testRefundOutcome('asha+refund-fails@example.com')).toBe('processed');
    expect(testRefundOutcome(null)).toBe('processed');
  });

  it('refuses a refund for refund-fails@: 409 REFUND_FAILED, the order still paid, the organizer mailed and shown it in the console', async () => {
    const t = await buildTestApp();
    const org = await organizer(t);
    const order = await paidOrder(t, org, 'refund-fails+asha@example.com');

    const res = await t.call('POST', `/v1/orders/${order.id}/refund`, { key: org.sk });
    expect(res.status, JSON.stringify(res.body)).toBe(409);
    expect(res.body.error).toMatchObject({
      code: 'REFUND_FAILED',
      message: expect.stringMatching(/not have enough balance/),
      details: { reason: 'insufficient_balance', order: { id: order.id, status: 'paid', refund: { status: 'failed', amount: order.amount } } },
    });
    for (const ticket of res.body.error.details.order.tickets) expect(ticket.status).toBe('valid');
    expect(await mailJobs(t, 'refund_notice', order.id)).toHaveLength(0);
    expect(await mailJobs(t, 'refund_failed', order.id)).toEqual([expect.objectContaining({ to: org.email })]);

    const page = await ticketPage(org, order.tickets[0].id);
    expect(page).toContain('Refund failed');
    expect(page).toMatch(/not have enough balance.*The order is still paid and this ticket still admits/);

    // Asking again (a minute later) asks again, and is refused again: the email decides every time.
    t.clock.advance(60_000);
    const again = await t.call('POST', `/v1/orders/${order.id}/refund`, { key: org.sk });
    expect(again.status).toBe(409);
    expect(await mailJobs(t, 'refund_failed', order.id)).toHaveLength(2);
  });

  it('keeps a refund for refund-pending@ pending (202), then the sweeper finds it processed: the order refunded, the buyer told', async () => {
    const t = await buildTestApp();
    const org = await organizer(t);
    const order = await paidOrder(t, org, 'refund-pending@example.com');

    const res = await t.call('POST', `/v1/orders/${order.id}/refund`, { key: org.sk });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body).toMatchObject({ status: 'paid', refund: { status: 'pending', amount: order.amount, failure_reason: null } });
    expect(await ticketPage(org, order.tickets[0].id)).toMatch(/Refund pending.*The test gateway has not finished it yet/);
    // Asked again while pending: the same refund, still 202.
    expect((await t.call('POST', `/v1/orders/${order.id}/refund`, { key: org.sk })).status).toBe(202);

    // Before its minute is up, the sweeper's second look still finds it pending.
    t.clock.advance(30_000);
    await t.services.repair.sweep();
    expect((await t.call('GET', `/v1/orders/${order.id}`, { key: org.sk })).body.refund.status).toBe('pending');

    t.clock.advance(2 * 60_000);
    await t.services.repair.sweep();
    const after = await t.call('GET', `/v1/orders/${order.id}`, { key: org.sk });
    expect(after.body).toMatchObject({ status: 'refunded', refund: { status: 'processed' } });
    for (const ticket of after.body.tickets) expect(ticket.status).toBe('voided');
    expect(await mailJobs(t, 'refund_notice', order.id)).toEqual([expect.objectContaining({ to: 'refund-pending@example.com' })]);
    expect(await ticketPage(org, order.tickets[0].id)).toContain('Refunded');
    // A refunded order answers 200 however often it is asked.
    expect((await t.call('POST', `/v1/orders/${order.id}/refund`, { key: org.sk })).status).toBe(200);
  });

  it('ends a refund for refund-pending-fails@ failed on the sweeper’s second look: still paid, organizer told, buyer not', async () => {
    const t = await buildTestApp();
    const org = await organizer(t);
    const order = await paidOrder(t, org, 'refund-pending-fails@example.com');

    expect((await t.call('POST', `/v1/orders/${order.id}/refund`, { key: org.sk })).status).toBe(202);
    t.clock.advance(2 * 60_000);
    await t.services.repair.sweep();

    const after = await t.call('GET', `/v1/orders/${order.id}`, { key: org.sk });
    expect(after.body).toMatchObject({ status: 'paid', refund: { status: 'failed', failure_reason: expect.any(String) } });
    for (const ticket of after.body.tickets) expect(ticket.status).toBe('valid');
    expect(await mailJobs(t, 'refund_notice', order.id)).toHaveLength(0);
    expect(await mailJobs(t, 'refund_failed', order.id)).toEqual([expect.objectContaining({ to: org.email })]);
    const page = await ticketPage(org, order.tickets[0].id);
    expect(page).toMatch(/Refund failed.*still paid and this ticket still admits/);

    // The money went back to the test payment, so refunding again is asked for afresh (and fails the same way).
    const again = await t.call('POST', `/v1/orders/${order.id}/refund`, { key: org.sk });
    expect(again.status).toBe(202);
  });

  it('tells organizers in test mode how to try each ending, on the Developers page', async () => {
    const t = await buildTestApp();
    const org = await organizer(t);
    const page = visibleText((await org.browser.get('/console/developers')).text);
    expect(page).toMatch(/Test refunds.*refund-fails@….*409 REFUND_FAILED.*refund-pending@….*202.*refund-pending-fails@…/);
  });
});
