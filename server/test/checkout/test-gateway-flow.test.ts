import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSmtpMailer } from '../../src/delivery/mailer.js';
import { startSmtpSink, type SmtpSink } from '../delivery/smtp-sink.js';
import { buildTestApp } from '../helpers/app.js';
import { buyer, mailWorker, organizerWithEvent, payWithTestGateway, startOrder } from '../helpers/checkout.js';
import { pdfPages } from '../helpers/pdf.js';

/**
 * The attendee's whole path in test mode with a publishable key, mail going
 * through a real SMTP server: order → code from the received mail → verify →
 * test gateway → pay → tickets → PDF → tickets mail with the PDFs attached.
 */

let smtp: SmtpSink;
beforeAll(async () => {
  smtp = await startSmtpSink();
});
afterAll(async () => {
  await smtp.stop();
});

describe('checkout in test mode, through a real SMTP server', () => {
  it('sells two tickets to a buyer who verifies by email and pays with the test gateway', async () => {
    const t = await buildTestApp();
    const mailer = createSmtpMailer({ url: smtp.url, from: 'Tickets <tickets@tts.test>' });
    const worker = mailWorker(t, mailer);
    const { pk, event, general } = await organizerWithEvent(t);
    const who = buyer('Asha Rao');

    const order = await startOrder(t, pk, event.id, [{ ticket_type: general, quantity: 2 }], who);
    expect(order).toMatchObject({
      status: 'awaiting_verification',
      amount: 2 * 49_900,
      quantity: 2,
      currency: 'INR',
      verification: { required: true, sent_to: who.email, attempts_left: 5 },
      payment: null,
      tickets: [],
    });
    expect(order.client_secret).toMatch(new RegExp(`^${order.id}_secret_[0-9A-Za-z]{32}$`));
    expect((await t.call('GET', `/v1/events/${event.id}`, { key: (await t.signUp()).sk })).status).toBe(404);

    // The code arrives by SMTP.
    expect((await worker.runOnce()).sent).toBe(1);
    const [codeMail] = await smtp.parsed();
    expect(codeMail?.to && 'text' in codeMail.to ? codeMail.to.text : '').toBe(who.email);
    const code = codeMail?.text?.match(/\b(\d{6})\b/)?.[1];
    expect(code).toMatch(/^\d{6}$/);

    const verified = await t.call('POST', `/v1/orders/${order.id}/verify`, { key: pk, body: { client_secret: order.client_secret, code } });
    expect(verified.status).toBe(200);
    expect(verified.body.status).toBe('awaiting_payment');
    expect(verified.body.payment).toMatchObject({ gateway: 'test', amount: 99_800, currency: 'INR', gateway_payment_id: null });
    expect(verified.body.payment.gateway_order_id).toMatch(/^order_/);

    const paid = await payWithTestGateway(t, pk, order, verified.body.payment.gateway_order_id);
    expect(paid.status, JSON.stringify(paid.body)).toBe(200);
    expect(paid.body.status).toBe('paid');
    expect(paid.body.tickets).toHaveLength(2);
    for (const ticket of paid.body.tickets) {
      expect(ticket).toMatchObject({ status: 'valid', event: event.id, order: order.id, ticket_type: general, holder: { name: 'Asha Rao', email: who.email } });
      expect(ticket.id).toMatch(/^tkt_[0-9A-Za-z]{29}$/);
      expect(ticket.code).toMatch(new RegExp(`^TTS1\\.${ticket.id}\\.${event.id}\\.[A-Za-z0-9_-]{86}$`));
      expect(ticket.url).toBe(`http://tickets.test/tickets/${ticket.id}`);
    }

    // Seats moved from held to sold.
    const after = await t.call('GET', `/v1/public/events/${event.id}`, { key: pk });
    expect(after.body.available).toBe(98);

    // The tickets arrive by SMTP with one PDF per ticket, each showing its ticket id, then the
    // organizer's receipt (not registered for GST: no tax invoice).
    expect((await worker.runOnce()).sent).toBe(1);
    const ticketsMail = (await smtp.parsed()).at(-1);
    expect(ticketsMail?.subject).toMatch(/Monsoon Jazz Night/);
    expect(ticketsMail?.attachments.map((a) => a.contentType)).toEqual(['application/pdf', 'application/pdf', 'application/pdf']);
    const receipt = ticketsMail?.attachments.at(-1);
    expect(receipt?.filename).toMatch(/^receipt-RCT-\d{4}-000001\.pdf$/);
    expect((await pdfPages(new Uint8Array(receipt?.content ?? [])))[0]).toContain('RECEIPT');
    for (const [i, attachment] of (ticketsMail?.attachments ?? []).slice(0, 2).entries()) {
      const ticketId = paid.body.tickets[i].id;
      expect(attachment.filename).toBe(`ticket-${ticketId}.pdf`);
      expect(attachment.size).toBeLessThanOrEqual(20 * 1024);
      const [page] = await pdfPages(new Uint8Array(attachment.content));
      expect(page).toContain(ticketId);
      expect(page).toContain('Asha Rao');
    }
    expect(ticketsMail?.text).toContain(paid.body.tickets[0].url);
    await mailer.close();
  });

  it('goes straight to payment when the event does not ask for email verification', async () => {
    const t = await buildTestApp();
    const { pk, event, vip } = await organizerWithEvent(t, { require_email_verification: false });
    const order = await startOrder(t, pk, event.id, [{ ticket_type: vip, quantity: 1 }]);
    expect(order.status).toBe('awaiting_payment');
    expect(order.verification).toEqual({ required: false, sent_to: null, attempts_left: null });
    const paid = await payWithTestGateway(t, pk, order, order.payment.gateway_order_id);
    expect(paid.body.tickets).toHaveLength(1);
    expect(paid.body.tickets[0].ticket_type).toBe(vip);
  });

  it('issues free tickets without any payment step', async () => {
    const t = await buildTestApp();
    const { pk, event } = await organizerWithEvent(t, { require_email_verification: false, ticket_types: [{ name: 'Free entry', price: 0 }] });
    const order = await startOrder(t, pk, event.id, [{ ticket_type: event.ticket_types[0].id, quantity: 3 }]);
    expect(order).toMatchObject({ status: 'paid', amount: 0, payment: null });
    expect(order.tickets).toHaveLength(3);
  });

  it('sells an open-amount ticket at the amount the buyer chose, within the bounds', async () => {
    const t = await buildTestApp();
    const { pk, event } = await organizerWithEvent(t, { require_email_verification: false, open_amount: { min: 10_000, max: 1_000_000 } });
    const res = await t.call('POST', '/v1/orders', { key: pk, body: { event: event.id, amount: 250_000, buyer: buyer() } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ amount: 250_000, quantity: 1, items: [{ ticket_type: event.ticket_types[0].id, unit_price: 250_000, quantity: 1 }] });
    const tooLow = await t.call('POST', '/v1/orders', { key: pk, body: { event: event.id, amount: 9_999, buyer: buyer() } });
    expect(tooLow.status).toBe(400);
    expect(tooLow.body.error.details).toEqual([{ field: 'amount', message: 'must be between 10000 and 1000000 paise' }]);
  });

  it('lets the organizer start an order with the secret key and read it without a client secret', async () => {
    const t = await buildTestApp();
    const { sk, event, general } = await organizerWithEvent(t, { require_email_verification: false });
    const created = await t.call('POST', '/v1/orders', { key: sk, body: { event: event.id, items: [{ ticket_type: general, quantity: 1 }], buyer: buyer() } });
    expect(created.status).toBe(201);
    const read = await t.call('GET', `/v1/orders/${created.body.id}`, { key: sk });
    expect(read.status).toBe(200);
    expect(read.body).not.toHaveProperty('client_secret');
  });
});
