import { describe, expect, it } from 'vitest';
import type { EventDoc } from '../../src/domain/events.js';
import { buyer } from '../helpers/checkout.js';
import { addMember, teamWithEvent } from '../teams/helpers.js';
import { visibleText } from './helpers.js';

/** Questions and attendee details in the console: managed on the event, answers shown with the attendees. */

const questionsOf = async (t: Awaited<ReturnType<typeof teamWithEvent>>['t'], id: string) => (await t.store.collection<EventDoc>('events').findOne({ _id: id }))?.questions ?? [];

describe('the Questions page', () => {
  it('adds, edits, moves and deletes questions, and keeps a deleted one’s answers on the ticket page', async () => {
    const { t, owner, event } = await teamWithEvent();
    const base = `/console/events/${event.id}/questions`;
    await owner.browser.get(base);
    const vip = event.ticket_types[1]!.id;
    expect((await owner.browser.post(base, { label: 'Company', kind: 'text', scope: 'order' })).status).toBe(303);
    const added = await owner.browser.post(base, { label: 'Shirt size', kind: 'choice', options: 'S\r\nM\r\nL', scope: 'ticket', [`type_${vip}`]: 'on', required: 'on' });
    expect(added.status, visibleText(added.text).slice(0, 300)).toBe(303);
    let [company, size] = await questionsOf(t, event.id);
    expect(size).toMatchObject({ label: 'Shirt size', kind: 'choice', options: ['S', 'M', 'L'], scope: 'ticket', ticket_types: [vip], required: true });

    const edited = await owner.browser.post(`${base}/${company!.id}/edit`, { label: 'Company name', kind: 'text', scope: 'order', required: 'on' });
    expect(edited.status).toBe(303);
    expect((await owner.browser.post(`${base}/${size!.id}/move`, { direction: 'up' })).status).toBe(303);
    const page = visibleText((await owner.browser.get(base)).text);
    expect(page.indexOf('Shirt size')).toBeLessThan(page.indexOf('Company name'));
    expect(page).toContain('Attendees of VIP · required');

    // A sale that answers both, then the shirt question is deleted.
    const created = await t.call('POST', '/v1/orders', {
      key: owner.pk,
      body: {
        event: event.id,
        items: [{ ticket_type: vip, quantity: 1 }],
        buyer: buyer(),
        answers: { [company!.id]: 'Acme' },
        attendees: [{ ticket_type: vip, answers: { [size!.id]: 'M' } }],
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.answers).toEqual({ [company!.id]: 'Acme' });
    expect((await owner.browser.post(`${base}/${size!.id}/delete`)).status).toBe(303);
    [company, size] = await questionsOf(t, event.id);
    expect(size?.deleted_at).toBeInstanceOf(Date);
    expect(visibleText((await owner.browser.get(base)).text)).not.toContain('Shirt size');

    // Completed directly, as a payment would: the ticket carries its answers, the order the order's.
    const paid = await t.services.fulfilment.completePayment(created.body.id, null);
    const [ticket] = await t.services.tickets.listForOrder(paid._id);
    const ticketPage = visibleText((await owner.browser.get(`/console/tickets/${ticket!._id}`)).text);
    expect(ticketPage).toContain('Shirt size (deleted) M');
    expect(ticketPage).toContain('Company name Acme');
    expect(visibleText((await owner.browser.get(`/console/events/${event.id}/attendees`)).text)).toContain('Shirt size (deleted): M');
  });

  it('refuses a choice question without choices, saying so', async () => {
    const { owner, event } = await teamWithEvent();
    await owner.browser.get(`/console/events/${event.id}/questions`);
    const bad = await owner.browser.post(`/console/events/${event.id}/questions`, { label: 'Size', kind: 'choice', scope: 'order' });
    expect(bad.status).toBe(400);
    expect(visibleText(bad.text)).toContain('are needed for a choice question');
  });

  it('lets a finance member read the questions but not change them', async () => {
    const { t, owner, event } = await teamWithEvent();
    const finance = await addMember(t, owner.browser, 'finance');
    expect((await finance.browser.get(`/console/events/${event.id}/questions`)).status).toBe(200);
    await finance.browser.get(`/console/events/${event.id}/questions`);
    expect((await finance.browser.post(`/console/events/${event.id}/questions`, { label: 'Company', kind: 'text' })).status).toBe(403);
  });
});

describe('the attendee-details setting', () => {
  it('is set on the event form and shown on the event', async () => {
    const { t, owner, event } = await teamWithEvent();
    const form = await owner.browser.get(`/console/events/${event.id}/edit`);
    expect(form.text).toContain('name="attendee_details"');
    const stored = (await t.call('GET', `/v1/events/${event.id}`, { key: owner.sk })).body;
    expect(stored.attendee_details).toBe('none');
  });
});
