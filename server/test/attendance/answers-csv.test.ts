import { describe, expect, it } from 'vitest';
import { buildTestApp } from '../helpers/app.js';
import { buyer, organizerWithEvent, payWithTestGateway } from '../helpers/checkout.js';

describe('attendee CSV with question answers', () => {
  it('adds a column per question, fills it from the ticket or its order, and neutralises formula-like answers', async () => {
    const t = await buildTestApp();
    const { sk, pk, event, general } = await organizerWithEvent(t, { require_email_verification: false, attendee_details: 'name' });
    const ask = async (body: Record<string, unknown>) => (await t.call('POST', `/v1/events/${event.id}/questions`, { key: sk, body })).body as { id: string };
    const company = await ask({ label: 'Company', kind: 'text' });
    const diet = await ask({ label: 'Diet', kind: 'multiple_choice', options: ['veg', 'jain'], scope: 'ticket' });
    const shuttle = await ask({ label: 'Shuttle', kind: 'checkbox', scope: 'ticket' });
    const note = await ask({ label: 'Note', kind: 'text', scope: 'ticket' });

    const created = await t.call('POST', '/v1/orders', {
      key: pk,
      body: {
        event: event.id,
        items: [{ ticket_type: general, quantity: 2 }],
        buyer: buyer('Asha Rao'),
        answers: { [company.id]: '=HYPERLINK("https://evil.example","x")' },
        attendees: [
          { ticket_type: general, name: 'Ravi Kumar', answers: { [diet.id]: ['veg', 'jain'], [shuttle.id]: true, [note.id]: 'aisle seat' } },
          { ticket_type: general, name: 'Meera Iyer', answers: { [shuttle.id]: false, [note.id]: '+91 call first' } },
        ],
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const paid = await payWithTestGateway(t, pk, created.body, created.body.payment.gateway_order_id);
    expect(paid.status).toBe(200);
    // A deleted question keeps its column, so the answers given to it stay readable.
    await t.call('DELETE', `/v1/events/${event.id}/questions/${note.id}`, { key: sk });

    const csv = await t.call('GET', `/v1/events/${event.id}/attendees.csv`, { key: sk });
    expect(csv.status).toBe(200);
    const lines = (csv.body as string).trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'ticket_id,holder_name,holder_email,ticket_type,status,checked_in_at,checked_in_by,order,issued_at,campaign,promo_code,Company,Diet,Shuttle,Note (deleted)',
    );
    const row = (name: string) => lines.find((l) => l.includes(name)) ?? '';
    const formula = `"'=HYPERLINK(""https://evil.example"",""x"")"`;
    expect(row('Ravi Kumar').endsWith(`,${formula},veg; jain,yes,aisle seat`)).toBe(true);
    expect(row('Meera Iyer').endsWith(`,${formula},,no,'+91 call first`)).toBe(true);
  });
});
