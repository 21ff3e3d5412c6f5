import { describe, expect, it } from 'vitest';
import { newOrderDocument, type NewOrder } from './order-document.js';

const now = new Date('2030-06-08T10:00:00Z');
const checkout: NewOrder = {
  id: 'ord_1',
  owner: { account: 'acct_1', livemode: false },
  event: 'evt_1',
  status: 'awaiting_payment',
  items: [
    { ticket_type: 'tt_a', name: 'General', quantity: 2, unit_price: 49_900 },
    { ticket_type: 'tt_b', name: 'VIP', quantity: 1, unit_price: 150_000 },
  ],
  buyer: { name: 'Asha Rao', email: 'asha@example.com', phone: null },
  clientSecretHash: 'ab'.repeat(32),
  expiresAt: new Date('2030-06-08T10:15:00Z'),
  verificationRequired: true,
  payment: null,
  fulfilment: 'none',
  source: 'checkout',
  sendEmail: true,
  now,
  paidAt: null,
};

describe('newOrderDocument', () => {
  it('counts the quantity and amount from the items, so they cannot disagree with the lines', () => {
    const order = newOrderDocument(checkout);
    expect(order.quantity).toBe(3);
    expect(order.amount).toBe(2 * 49_900 + 150_000);
    expect(order.currency).toBe('INR');
  });

  it('starts a new order unverified, unrefunded and without payment errors', () => {
    const order = newOrderDocument(checkout);
    expect(order.verification).toEqual({ required: true, sent_to: null, code_id: null, code_hash: null, code_expires_at: null, attempts: 0, verified_at: null });
    expect(order).toMatchObject({ last_payment_error: null, refund_reason: null, created_at: now, updated_at: now, paid_at: null });
    expect(order).not.toHaveProperty('refund');
    expect(order).not.toHaveProperty('reconciled_at');
  });

  it('writes the owner and the caller-given fields as given', () => {
    const order = newOrderDocument({ ...checkout, status: 'paid', fulfilment: 'pending', source: 'direct', sendEmail: false, paidAt: now });
    expect(order).toMatchObject({
      _id: 'ord_1',
      account: 'acct_1',
      livemode: false,
      event: 'evt_1',
      status: 'paid',
      fulfilment: 'pending',
      source: 'direct',
      send_email: false,
      paid_at: now,
    });
  });
});
