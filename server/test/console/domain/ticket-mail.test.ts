import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/kernel/errors.js';
import { RESEND_RULE } from '../../../src/domain/ticket-mail.js';
import { buildTestApp } from '../../helpers/app.js';
import { deliverMail, issueTickets, organizerWithEvent } from '../../helpers/checkout.js';

async function withTicket() {
  const t = await buildTestApp();
  const org = await organizerWithEvent(t);
  const owner = { account: org.account.id, livemode: false };
  const [ticket] = await issueTickets(t, org.sk, org.event.id, org.general, { name: 'Kavya Menon', email: 'kavya@example.com' }, 2);
  return { t, org, owner, ticket: ticket! };
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return (err as AppError).code;
}

describe('resending tickets', () => {
  it('mails the order’s tickets to the holder again, through the outbox', async () => {
    const { t, owner, ticket } = await withTicket();
    const delivery = await t.services.ticketMail.resend(owner, ticket.id);
    expect(delivery).toMatchObject({ state: 'pending', resent: true, to: 'kavya@example.com', attempts: 0 });
    const mail = await deliverMail(t);
    expect(mail).toHaveLength(1);
    expect(mail[0]).toMatchObject({ to: 'kavya@example.com', subject: '[TEST] Your tickets for Monsoon Jazz Night' }); // test keys make test tickets
    expect(mail[0]?.attachments).toHaveLength(2);
    const [latest] = await t.services.ticketMail.deliveries(owner, ticket.id);
    expect(latest).toMatchObject({ id: delivery.id, state: 'sent', attempts: 1 });
    expect(latest?.sent_at).toEqual(t.clock.now());
  });

  it('queues one mail for a double click, and a new one a minute later', async () => {
    const { t, owner, ticket } = await withTicket();
    const first = await t.services.ticketMail.resend(owner, ticket.id);
    const again = await t.services.ticketMail.resend(owner, ticket.id);
    expect(again.id).toBe(first.id);
    t.clock.advance(60_000);
    expect((await t.services.ticketMail.resend(owner, ticket.id)).id).not.toBe(first.id);
    expect(await t.services.ticketMail.deliveries(owner, ticket.id)).toHaveLength(2);
  });

  it('stops after five resends of one order in an hour', async () => {
    const { t, owner, ticket } = await withTicket();
    for (let i = 0; i < RESEND_RULE.limit; i++) {
      await t.services.ticketMail.resend(owner, ticket.id);
      t.clock.advance(60_000);
    }
    expect(await codeOf(t.services.ticketMail.resend(owner, ticket.id))).toBe('RATE_LIMITED');
  });

  it('does not send a voided ticket, nor another organizer’s', async () => {
    const { t, owner, ticket } = await withTicket();
    await t.services.tickets.void(owner, ticket.id);
    expect(await codeOf(t.services.ticketMail.resend(owner, ticket.id))).toBe('CONFLICT');
    const other = await t.signUp();
    const stranger = { account: other.account.id, livemode: false };
    expect(await codeOf(t.services.ticketMail.resend(stranger, ticket.id))).toBe('NOT_FOUND');
    expect(await codeOf(t.services.ticketMail.deliveries(stranger, ticket.id))).toBe('NOT_FOUND');
    expect(await codeOf(t.services.ticketMail.resend({ ...owner, livemode: true }, ticket.id))).toBe('NOT_FOUND');
  });

  it('shows the sale’s own tickets mail beside resends', async () => {
    const t = await buildTestApp();
    const org = await organizerWithEvent(t);
    const owner = { account: org.account.id, livemode: false };
    const res = await t.call('POST', '/v1/tickets', {
      key: org.sk,
      body: { event: org.event.id, ticket_type: org.general, holder: { name: 'Kavya Menon', email: 'kavya@example.com' } },
    });
    const ticketId = res.body.data[0].id as string;
    await deliverMail(t);
    t.clock.advance(60_000);
    await t.services.ticketMail.resend(owner, ticketId);
    const deliveries = await t.services.ticketMail.deliveries(owner, ticketId);
    expect(deliveries.map((d) => [d.resent, d.state])).toEqual([
      [true, 'pending'],
      [false, 'sent'],
    ]);
  });
});
