import { beforeAll, describe, expect, it } from 'vitest';
import {
  TtsAuthenticationError,
  TtsConflictError,
  TtsPermissionError,
  verifyTicketCode,
  type Event,
  type Order,
  type RefundExceedsRemainingDetails,
  type RefundFailedDetails,
} from '../src/index.js';
import { buildTestApp, buyer, eventParams, organizer, readCode, sdkFor, type TestApp } from './helpers.js';

let t: TestApp;
let org: Awaited<ReturnType<typeof organizer>>;
let event: Event;

beforeAll(async () => {
  t = await buildTestApp();
  org = await organizer(t);
  event = await org.tts.events.create(eventParams());
});

/** Creates, verifies and pays an order the way a partner page does, with the publishable key. */
async function buyTwo(who: { name: string; email: string; phone?: string } = buyer()): Promise<Order> {
  const order = await org.browser.orders.create({ event: event.id, items: [{ ticket_type: event.ticket_types[0]!.id, quantity: 2 }], buyer: who });
  const client_secret = order.client_secret!;
  const verified = await org.browser.orders.verify(order.id, { client_secret, code: await readCode(t, order.buyer.email) });
  const payment = await org.browser.testGateway.pay({ gateway_order_id: verified.payment!.gateway_order_id! });
  return org.browser.orders.pay(order.id, {
    client_secret,
    gateway_order_id: payment.gateway_order_id,
    gateway_payment_id: payment.gateway_payment_id,
    signature: payment.signature!,
  });
}

describe('account and keys', () => {
  it('retrieves the account of the secret key', async () => {
    const account = await org.tts.account.retrieve();
    expect(account).toMatchObject({ id: org.account.id, object: 'account', email: org.account.email });
  });

  it('sets and reads back the tax profile, and refuses a GSTIN of another state', async () => {
    const other = await organizer(t);
    await expect(other.tts.account.retrieveTaxProfile()).rejects.toMatchObject({ status: 404 });
    const set = await other.tts.account.updateTaxProfile({ legal_name: 'Mumbai Music Co.', address: 'Marine Drive', state: '27', gstin: '27AAPFU0939F1ZV' });
    expect(set).toMatchObject({ object: 'tax_profile', state: '27', gstin: '27AAPFU0939F1ZV' });
    expect(await other.tts.account.retrieveTaxProfile()).toEqual(set);
    await expect(other.tts.account.updateTaxProfile({ ...set, state: '29' })).rejects.toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
  });

  it('lists the keys without their secrets and rolls one, after which the old key is refused', async () => {
    const other = await organizer(t);
    const keys = await other.tts.keys.list();
    expect(keys.data.map((k) => k.kind).sort()).toEqual(['publishable', 'secret']);
    expect(keys.data.every((k) => k.secret === undefined)).toBe(true);

    const rolled = await other.tts.keys.roll({ kind: 'publishable' });
    expect(rolled.secret).toMatch(/^pk_test_/);
    await expect(other.browser.events.retrievePublic(event.id)).rejects.toBeInstanceOf(TtsAuthenticationError);
  });

  it('takes a restricted key, which reads what it may and throws TtsPermissionError naming the permission it lacks', async () => {
    const { raw } = await t.services.accounts.createRestrictedKey(org.account.id, 'test', { name: 'Read-only', permissions: ['events:read'] });
    const readOnly = sdkFor(t, raw);
    expect((await readOnly.events.retrieve(event.id)).id).toBe(event.id);
    const refused = readOnly.events.create(eventParams());
    await expect(refused).rejects.toBeInstanceOf(TtsPermissionError);
    await expect(refused).rejects.toMatchObject({ code: 'FORBIDDEN', message: 'This needs the events:write permission; this restricted key does not have it.' });
  });
});

describe('events', () => {
  it('creates, retrieves, updates and reads the public view', async () => {
    expect(event).toMatchObject({ object: 'event', name: 'Monsoon Jazz Night', capacity: 100, status: 'published' });
    expect((await org.tts.events.retrieve(event.id)).id).toBe(event.id);
    const updated = await org.tts.events.update(event.id, { venue: 'Blue Frog, Mumbai' });
    expect(updated.venue).toBe('Blue Frog, Mumbai');
    const view = await org.browser.events.retrievePublic(event.id);
    expect(view).toMatchObject({ object: 'public_event', id: event.id, sales_open: true });
  });

  it('lists events as a first page and by auto-pagination', async () => {
    const page = await org.tts.events.list({ limit: 1 });
    expect(page.object).toBe('list');
    expect(page.data).toHaveLength(1);
    const all: string[] = [];
    for await (const e of org.tts.events.list({ limit: 1 })) all.push(e.id);
    expect(all).toContain(event.id);
    expect((await org.tts.events.list().page()).data.map((e) => e.id)).toEqual(all);
  });

  it('cancels an event', async () => {
    const doomed = await org.tts.events.create(eventParams({ name: 'Rained out' }));
    const cancelled = await org.tts.events.cancel(doomed.id);
    expect(cancelled.status).toBe('cancelled');
  });

  it('cancels an event with the buyers’ refunds and notices chosen, and shows the run on the event', async () => {
    const doomed = await org.tts.events.create(eventParams({ name: 'Flooded out' }));
    const cancelled = await org.tts.events.cancel(doomed.id, { refund_orders: true, reason: 'The venue flooded' });
    expect(cancelled).toMatchObject({
      status: 'cancelled',
      cancellation: { refund_orders: true, notify_buyers: true, reason: 'The venue flooded', orders_refunded: 0, orders_failed: 0, finished_at: null },
    });
    const quiet = await org.tts.events.cancel((await org.tts.events.create(eventParams({ name: 'Called off' }))).id, { notify_buyers: false });
    expect(quiet.cancellation).toBeNull();
  });

  it('publishes a verification key that verifies real ticket codes and refuses edited ones', async () => {
    const key = await org.browser.events.verificationKey(event.id);
    expect(key).toMatchObject({ object: 'verification_key', algorithm: 'Ed25519', event: event.id });
    const { data } = await org.tts.tickets.issue({
      event: event.id,
      ticket_type: event.ticket_types[0]!.id,
      holder: { name: 'Meera Iyer', email: 'meera@example.com' },
      send_email: false,
    });
    const code = data[0]!.code;
    expect(await verifyTicketCode(code, key.public_key)).toEqual({ valid: true, ticketId: data[0]!.id, eventId: event.id });
    const forged = code.replace(data[0]!.id, 'tkt_AAAAAAAAAAAAAAAAAAAAAA');
    expect((await verifyTicketCode(forged, key.public_key)).valid).toBe(false);
  });
});

describe('orders and the test gateway', () => {
  it('takes a buyer from hold to paid with tickets, then refunds', async () => {
    const paid = await buyTwo();
    expect(paid.status).toBe('paid');
    expect(paid.tickets).toHaveLength(2);
    const read = await org.tts.orders.retrieve(paid.id);
    expect(read.tickets.map((tk) => tk.id)).toEqual(paid.tickets.map((tk) => tk.id));
    const refunded = await org.tts.orders.refund(paid.id);
    expect(refunded.status).toBe('refunded');
    expect(refunded.tickets.every((tk) => tk.status === 'voided')).toBe(true);
  });

  it('refunds a ticket, then an amount, then the rest, and throws REFUND_EXCEEDS_REMAINING past what was paid', async () => {
    const paid = await buyTwo();
    const [first] = paid.tickets;
    const byTicket = await org.tts.orders.refund(paid.id, { tickets: [first!.id] });
    expect(byTicket).toMatchObject({ status: 'partially_refunded', refunded_amount: paid.amount / 2 });
    expect(byTicket.refunds).toEqual([expect.objectContaining({ status: 'processed', tickets: [first!.id] })]);
    const over = await org.tts.orders.refund(paid.id, { amount: paid.amount }).then(
      () => null,
      (err: unknown) => err,
    );
    expect(over).toBeInstanceOf(TtsConflictError);
    expect((over as TtsConflictError).details as RefundExceedsRemainingDetails).toEqual({ requested: paid.amount, remaining: paid.amount / 2 });
    await org.tts.orders.refund(paid.id, { amount: 100 });
    const rest = await org.tts.orders.refund(paid.id);
    expect(rest).toMatchObject({ status: 'refunded', refunded_amount: paid.amount });
    expect(rest.refunds.map((r) => r.amount)).toEqual([paid.amount / 2, 100, paid.amount / 2 - 100]);
  });

  it('resolves a refund still pending (202) with the paid order, and throws REFUND_FAILED with the order when refused', async () => {
    const pending = await org.tts.orders.refund((await buyTwo({ name: 'Asha Rao', email: 'refund-pending+sdk@example.com' })).id);
    expect(pending).toMatchObject({ status: 'paid', refund: { status: 'pending' } });

    const paid = await buyTwo({ name: 'Asha Rao', email: 'refund-fails+sdk@example.com' });
    const refused = await org.tts.orders.refund(paid.id).then(
      () => null,
      (err: unknown) => err,
    );
    expect(refused).toBeInstanceOf(TtsConflictError);
    const error = refused as TtsConflictError;
    expect(error).toMatchObject({ status: 409, code: 'REFUND_FAILED' });
    const details = error.details as RefundFailedDetails;
    expect(details.reason).toBe('insufficient_balance');
    expect(details.order).toMatchObject({ id: paid.id, status: 'paid', refund: { status: 'failed' } });
  });

  it('resends a code and cancels an unpaid order with the client secret', async () => {
    const order = await org.browser.orders.create({ event: event.id, items: [{ ticket_type: event.ticket_types[0]!.id, quantity: 1 }], buyer: buyer() });
    const client_secret = order.client_secret!;
    const resent = await org.browser.orders.resendCode(order.id, { client_secret });
    expect(resent.status).toBe('awaiting_verification');
    expect((await org.browser.orders.retrieve(order.id, { client_secret })).id).toBe(order.id);
    const cancelled = await org.browser.orders.cancel(order.id, { client_secret });
    expect(cancelled.status).toBe('cancelled');
  });

  it('reports a failed test payment', async () => {
    const order = await org.browser.orders.create({ event: event.id, items: [{ ticket_type: event.ticket_types[0]!.id, quantity: 1 }], buyer: buyer() });
    const verified = await org.browser.orders.verify(order.id, { client_secret: order.client_secret!, code: await readCode(t, order.buyer.email) });
    const failed = await org.browser.testGateway.pay({ gateway_order_id: verified.payment!.gateway_order_id!, outcome: 'failure' });
    expect(failed).toMatchObject({ outcome: 'failure', signature: null });
    expect(failed.error?.code).toBeTruthy();
  });
});

describe('tickets, check-in and attendance', () => {
  it('issues tickets once per idempotency key, reads, and voids them', async () => {
    const params = { event: event.id, ticket_type: event.ticket_types[1]!.id, quantity: 2, holder: { name: 'Ravi Kumar', email: 'ravi@example.com' }, send_email: false };
    const first = await org.tts.tickets.issue(params, { idempotencyKey: 'partner-payment-42' });
    const again = await org.tts.tickets.issue(params, { idempotencyKey: 'partner-payment-42' });
    expect(again.data.map((tk) => tk.id)).toEqual(first.data.map((tk) => tk.id));
    const ticket = await org.tts.tickets.retrieve(first.data[0]!.id);
    expect(ticket).toMatchObject({ object: 'ticket', holder: { name: 'Ravi Kumar' } });
    const view = await org.tts.tickets.retrievePublic(ticket.id);
    expect(view).toMatchObject({ object: 'public_ticket', holder_first_name: 'Ravi' });
    expect((await org.tts.tickets.void(ticket.id)).status).toBe('voided');
  });

  it('admits once, refuses the second scan, undoes, and logs every scan', async () => {
    const { data } = await org.tts.tickets.issue({
      event: event.id,
      ticket_type: event.ticket_types[0]!.id,
      holder: { name: 'Asha Rao', email: 'asha@example.com' },
      send_email: false,
    });
    const first = await org.tts.checkins.create({ code: data[0]!.code, event: event.id, by: 'Gate 1' });
    expect(first).toMatchObject({ result: 'accepted', reason: null });
    const second = await org.tts.checkins.create({ code: data[0]!.code, event: event.id, by: 'Gate 2' });
    expect(second).toMatchObject({ result: 'rejected', reason: 'already_checked_in', first_checkin: { by: 'Gate 1' } });

    const log = await org.tts.events.checkins(event.id).toArray();
    expect(log.map((c) => c.id)).toEqual(expect.arrayContaining([first.id, second.id]));
    const undone = await org.tts.checkins.undo(first.id);
    expect(undone.undone_at).not.toBeNull();
  });

  it('lists attendees with filters, exports CSV text and reports stats', async () => {
    const { data } = await org.tts.tickets.issue({
      event: event.id,
      ticket_type: event.ticket_types[0]!.id,
      holder: { name: 'Zoya Khan', email: 'zoya@example.com' },
      send_email: false,
    });
    await org.tts.checkins.create({ code: data[0]!.code, event: event.id });
    const admitted = await org.tts.events.attendees(event.id, { checked_in: true }).toArray();
    expect(admitted.map((tk) => tk.id)).toContain(data[0]!.id);
    const found = await org.tts.events.attendees(event.id, { q: 'zoya' }).page();
    expect(found.data.map((tk) => tk.holder.name)).toEqual(['Zoya Khan']);

    const csv = await org.tts.events.attendeesCsv(event.id, { q: 'zoya' });
    expect(csv.startsWith('\uFEFFticket_id,')).toBe(true);
    expect(csv).toContain('Zoya Khan');

    const stats = await org.tts.events.stats(event.id);
    expect(stats).toMatchObject({ object: 'event_stats', event: event.id });
    expect(stats.checked_in).toBeGreaterThanOrEqual(1);
  });
});

describe('audit log', () => {
  it('lists who changed what with filters and auto-pagination, and exports CSV text', async () => {
    const other = await organizer(t);
    const created = await other.tts.events.create(eventParams());
    for (const name of ['First', 'Second', 'Third']) await other.tts.events.update(created.id, { name });

    const edits = await other.tts.auditLogs.list({ action: 'event.updated', limit: 2 }).toArray();
    expect(edits.map((e) => e.changes.name?.after)).toEqual(expect.arrayContaining(['First', 'Second', 'Third']));
    expect(edits).toHaveLength(3);
    expect(edits[0]).toMatchObject({ object: 'audit_log_entry', actor: { type: 'api_key' }, target: { type: 'event', id: created.id } });

    const about = await other.tts.auditLogs.list({ target: created.id }).page();
    expect(about.data.map((e) => e.action)).toContain('event.created');

    const csv = await other.tts.auditLogs.csv({ action: 'event.created' });
    expect(csv.startsWith('\uFEFFcreated_at,action,')).toBe(true);
    expect(csv).toContain(created.id);
  });
});
