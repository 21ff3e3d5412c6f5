import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSmtpMailer } from '../../src/delivery/mailer.js';
import { startSmtpSink, type SmtpSink } from '../delivery/smtp-sink.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { buyer, mailWorker, organizerWithEvent, payWithTestGateway } from '../helpers/checkout.js';

/** An organizer whose event sells without an email code, so an order is payable at once. */
async function setUp(t: TestApp, overrides: Record<string, unknown> = {}) {
  return organizerWithEvent(t, { require_email_verification: false, ...overrides });
}

async function addQuestion(t: TestApp, sk: string, event: string, body: Record<string, unknown>) {
  const res = await t.call('POST', `/v1/events/${event}/questions`, { key: sk, body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string };
}

async function order(t: TestApp, pk: string, body: Record<string, unknown>) {
  return t.call('POST', '/v1/orders', { key: pk, body: { buyer: buyer('Asha Rao'), ...body } });
}

/** The fields a 400 names. */
const fields = (body: { error: { details?: Array<{ field: string }> } }) => (body.error.details ?? []).map((d) => d.field).sort();

let smtp: SmtpSink;
beforeAll(async () => {
  smtp = await startSmtpSink();
});
afterAll(async () => {
  await smtp.stop();
});

describe('attendee details at checkout', () => {
  it('issues a three-ticket order to three named attendees and mails each their own ticket', async () => {
    const t = await buildTestApp();
    const { pk, event, general } = await setUp(t, { attendee_details: 'name_email' });
    expect(event.attendee_details).toBe('name_email');
    const who = buyer('Asha Rao');
    const attendees = [
      { ticket_type: general, name: 'Ravi Kumar', email: 'ravi@example.com' },
      { ticket_type: general, name: 'Meera Iyer', email: 'Meera@Example.com' },
      { ticket_type: general, name: 'Kabir Shah', email: 'kabir@example.com' },
    ];
    const created = await t.call('POST', '/v1/orders', { key: pk, body: { event: event.id, items: [{ ticket_type: general, quantity: 3 }], buyer: who, attendees } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const paid = await payWithTestGateway(t, pk, created.body, created.body.payment.gateway_order_id);
    expect(paid.status, JSON.stringify(paid.body)).toBe(200);

    expect(paid.body.tickets.map((ticket: { holder: unknown }) => ticket.holder)).toEqual([
      { name: 'Ravi Kumar', email: 'ravi@example.com' },
      { name: 'Meera Iyer', email: 'meera@example.com' },
      { name: 'Kabir Shah', email: 'kabir@example.com' },
    ]);

    const before = smtp.received.length;
    await mailWorker(t, createSmtpMailer({ url: smtp.url, from: 'Tickets <tickets@tts.test>' })).runOnce();
    const mails = (await smtp.parsed()).slice(before);
    const to = (m: (typeof mails)[number]) => (m.to && 'text' in m.to ? m.to.text : '');
    expect(mails.map(to).sort()).toEqual([who.email, 'kabir@example.com', 'meera@example.com', 'ravi@example.com'].sort());
    // The buyer gets every ticket; each attendee gets theirs alone, without the buyer's charges.
    const buyerMail = mails.find((m) => to(m) === who.email);
    const ticketPdfs = (m: (typeof mails)[number] | undefined) => (m?.attachments ?? []).filter((a) => a.filename?.startsWith('ticket-'));
    expect(ticketPdfs(buyerMail)).toHaveLength(3);
    for (const [i, ticket] of paid.body.tickets.entries()) {
      const mail = mails.find((m) => to(m) === ticket.holder.email);
      expect(mail?.text).toContain(ticket.id);
      expect(mail?.text).toContain(attendees[i]?.name.split(' ')[0]);
      expect(mail?.attachments.map((a) => a.filename)).toEqual([`ticket-${ticket.id}.pdf`]);
      expect(mail?.text).not.toContain('Total:');
      for (const other of paid.body.tickets) if (other.id !== ticket.id) expect(mail?.text).not.toContain(other.id);
    }
  });

  it('requires a name per ticket when the event asks for names, and refuses emails it does not ask for', async () => {
    const t = await buildTestApp();
    const { pk, event, general } = await setUp(t, { attendee_details: 'name' });
    const items = [{ ticket_type: general, quantity: 2 }];

    const none = await order(t, pk, { event: event.id, items });
    expect(none.status).toBe(400);
    expect(fields(none.body)).toEqual(['attendees']);

    const short = await order(t, pk, { event: event.id, items, attendees: [{ ticket_type: general, name: 'Ravi' }] });
    expect(short.status).toBe(400);
    expect(fields(short.body)).toEqual(['attendees']);

    const unnamed = await order(t, pk, {
      event: event.id,
      items,
      attendees: [
        { ticket_type: general, name: 'Ravi' },
        { ticket_type: general, email: 'x@example.com' },
      ],
    });
    expect(unnamed.status).toBe(400);
    expect(fields(unnamed.body)).toEqual(['attendees.1.email', 'attendees.1.name']);
  });

  it('holds the tickets by the buyer when the event asks nothing', async () => {
    const t = await buildTestApp();
    const { pk, event, general } = await setUp(t);
    const created = await order(t, pk, { event: event.id, items: [{ ticket_type: general, quantity: 1 }] });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const paid = await payWithTestGateway(t, pk, created.body, created.body.payment.gateway_order_id);
    expect(paid.body.tickets[0].holder).toEqual({ name: 'Asha Rao', email: created.body.buyer.email });
    expect(paid.body.answers).toEqual({});
    expect(paid.body.tickets[0].answers).toEqual({});
  });
});

describe('custom questions', () => {
  it('lists, changes, reorders and deletes questions, and shows the active ones on the public event', async () => {
    const t = await buildTestApp();
    const { sk, pk, event, vip } = await setUp(t);
    const company = await addQuestion(t, sk, event.id, { label: 'Company', kind: 'text' });
    const size = await addQuestion(t, sk, event.id, { label: 'T-shirt size', kind: 'choice', options: ['S', 'M', 'L'], scope: 'ticket', ticket_types: [vip], required: true });
    expect(size).toMatchObject({ object: 'question', event: event.id, position: 1, scope: 'ticket', ticket_types: [vip], required: true, options: ['S', 'M', 'L'] });
    expect(size.id).toMatch(/^q_/);

    const moved = await t.call('POST', `/v1/events/${event.id}/questions/${size.id}`, { key: sk, body: { position: 0, label: 'Shirt size' } });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    await t.call('POST', `/v1/events/${event.id}/questions/${company.id}`, { key: sk, body: { position: 5 } });
    const listed = await t.call('GET', `/v1/events/${event.id}/questions`, { key: sk });
    expect(listed.body.data.map((q: { label: string }) => q.label)).toEqual(['Shirt size', 'Company']);

    const pub = await t.call('GET', `/v1/public/events/${event.id}`, { key: pk });
    expect(pub.body.attendee_details).toBe('none');
    expect(pub.body.questions).toEqual([
      { id: size.id, label: 'Shirt size', kind: 'choice', options: ['S', 'M', 'L'], required: true, scope: 'ticket', ticket_types: [vip], position: 0 },
      { id: company.id, label: 'Company', kind: 'text', options: [], required: false, scope: 'order', ticket_types: null, position: 5 },
    ]);

    const deleted = await t.call('DELETE', `/v1/events/${event.id}/questions/${company.id}`, { key: sk });
    expect(deleted.body).toEqual({ id: company.id, object: 'question', deleted: true });
    expect((await t.call('GET', `/v1/public/events/${event.id}`, { key: pk })).body.questions.map((q: { id: string }) => q.id)).toEqual([size.id]);
    expect((await t.call('DELETE', `/v1/events/${event.id}/questions/${company.id}`, { key: sk })).status).toBe(404);
  });

  it('refuses options on a text question, no options on a choice one, and ticket types on an order question', async () => {
    const t = await buildTestApp();
    const { sk, event, general } = await setUp(t);
    const bad = async (body: Record<string, unknown>) => {
      const res = await t.call('POST', `/v1/events/${event.id}/questions`, { key: sk, body });
      expect(res.status).toBe(400);
      return fields(res.body);
    };
    expect(await bad({ label: 'Company', kind: 'text', options: ['a'] })).toEqual(['options']);
    expect(await bad({ label: 'Size', kind: 'choice' })).toEqual(['options']);
    expect(await bad({ label: 'Size', kind: 'text', ticket_types: [general] })).toEqual(['ticket_types']);
    expect(await bad({ label: 'Size', kind: 'text', scope: 'ticket', ticket_types: ['tt_nope'] })).toEqual(['ticket_types.0']);
  });

  it('refuses a missing required answer, a too-long text, a wrong type, an unknown option and an unknown question, naming each path', async () => {
    const t = await buildTestApp();
    const { sk, pk, event, general } = await setUp(t);
    const company = await addQuestion(t, sk, event.id, { label: 'Company', kind: 'text', required: true });
    const size = await addQuestion(t, sk, event.id, { label: 'Size', kind: 'choice', options: ['S', 'M'], scope: 'ticket' });
    const age = await addQuestion(t, sk, event.id, { label: 'Age', kind: 'number', scope: 'ticket' });
    const diet = await addQuestion(t, sk, event.id, { label: 'Diet', kind: 'multiple_choice', options: ['veg', 'vegan'], scope: 'ticket' });
    const born = await addQuestion(t, sk, event.id, { label: 'Born', kind: 'date', scope: 'ticket' });
    const phone = await addQuestion(t, sk, event.id, { label: 'Phone', kind: 'phone', scope: 'ticket' });
    const agree = await addQuestion(t, sk, event.id, { label: 'I agree', kind: 'checkbox', scope: 'ticket', required: true });

    const res = await order(t, pk, {
      event: event.id,
      items: [{ ticket_type: general, quantity: 2 }],
      answers: { q_unknown: 'x' },
      attendees: [
        { ticket_type: general, answers: { [size.id]: 'XL', [age.id]: 'thirty', [agree.id]: true, [diet.id]: ['veg', 'keto'] } },
        { ticket_type: general, answers: { [born.id]: '2030-02-30', [phone.id]: 'call me', [agree.id]: 'yes', [company.id]: 'Acme' } },
      ],
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(fields(res.body)).toEqual(
      [
        `answers.${company.id}`,
        'answers.q_unknown',
        `attendees.0.answers.${size.id}`,
        `attendees.0.answers.${age.id}`,
        `attendees.0.answers.${diet.id}`,
        `attendees.1.answers.${born.id}`,
        `attendees.1.answers.${phone.id}`,
        `attendees.1.answers.${agree.id}`,
        // An order-scope question answered per ticket is not asked there.
        `attendees.1.answers.${company.id}`,
      ].sort(),
    );

    const tooLong = await order(t, pk, {
      event: event.id,
      items: [{ ticket_type: general, quantity: 1 }],
      answers: { [company.id]: 'x'.repeat(501) },
      attendees: [{ ticket_type: general, answers: { [agree.id]: true } }],
    });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error.details).toEqual([{ field: `answers.${company.id}`, message: 'must be at most 500 characters' }]);
  });

  it('keeps order-scope answers on the order and ticket-scope answers on each ticket', async () => {
    const t = await buildTestApp();
    const { sk, pk, event, general } = await setUp(t);
    const company = await addQuestion(t, sk, event.id, { label: 'Company', kind: 'text' });
    const size = await addQuestion(t, sk, event.id, { label: 'Size', kind: 'choice', options: ['S', 'M'], scope: 'ticket' });
    const diet = await addQuestion(t, sk, event.id, { label: 'Diet', kind: 'multiple_choice', options: ['veg', 'jain'], scope: 'ticket' });

    const created = await order(t, pk, {
      event: event.id,
      items: [{ ticket_type: general, quantity: 2 }],
      answers: { [company.id]: 'Acme' },
      attendees: [
        { ticket_type: general, answers: { [size.id]: 'S', [diet.id]: ['veg', 'jain'] } },
        { ticket_type: general, answers: { [size.id]: 'M', [diet.id]: [] } },
      ],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.answers).toEqual({ [company.id]: 'Acme' });
    const paid = await payWithTestGateway(t, pk, created.body, created.body.payment.gateway_order_id);
    expect(paid.body.tickets.map((ticket: { answers: unknown }) => ticket.answers)).toEqual([{ [size.id]: 'S', [diet.id]: ['veg', 'jain'] }, { [size.id]: 'M' }]);

    // Deleting a question keeps the answers given to it.
    await t.call('DELETE', `/v1/events/${event.id}/questions/${size.id}`, { key: sk });
    const ticket = await t.call('GET', `/v1/tickets/${paid.body.tickets[0].id}`, { key: sk });
    expect(ticket.body.answers).toEqual({ [size.id]: 'S', [diet.id]: ['veg', 'jain'] });
  });

  it('asks a question limited to some ticket types only of those tickets’ attendees', async () => {
    const t = await buildTestApp();
    const { sk, pk, event, general, vip } = await setUp(t);
    const lounge = await addQuestion(t, sk, event.id, { label: 'Lounge slot', kind: 'choice', options: ['early', 'late'], scope: 'ticket', ticket_types: [vip], required: true });
    const items = [
      { ticket_type: general, quantity: 1 },
      { ticket_type: vip, quantity: 1 },
    ];

    // Only General tickets: nothing to ask, so no attendees are needed.
    const generalOnly = await order(t, pk, { event: event.id, items: [{ ticket_type: general, quantity: 1 }] });
    expect(generalOnly.status, JSON.stringify(generalOnly.body)).toBe(201);

    const unanswered = await order(t, pk, { event: event.id, items, attendees: [{ ticket_type: general }, { ticket_type: vip }] });
    expect(unanswered.status).toBe(400);
    expect(fields(unanswered.body)).toEqual([`attendees.1.answers.${lounge.id}`]);

    const onGeneral = await order(t, pk, {
      event: event.id,
      items,
      attendees: [
        { ticket_type: general, answers: { [lounge.id]: 'early' } },
        { ticket_type: vip, answers: { [lounge.id]: 'late' } },
      ],
    });
    expect(onGeneral.status).toBe(400);
    expect(fields(onGeneral.body)).toEqual([`attendees.0.answers.${lounge.id}`]);

    const swapped = await order(t, pk, { event: event.id, items, attendees: [{ ticket_type: vip, answers: { [lounge.id]: 'late' } }, { ticket_type: general }] });
    expect(swapped.status).toBe(400);
    expect(fields(swapped.body)).toContain('attendees.0.ticket_type');

    const answered = await order(t, pk, { event: event.id, items, attendees: [{ ticket_type: general }, { ticket_type: vip, answers: { [lounge.id]: 'late' } }] });
    expect(answered.status, JSON.stringify(answered.body)).toBe(201);
  });
});
