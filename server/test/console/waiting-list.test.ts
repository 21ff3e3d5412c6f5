import { describe, expect, it } from 'vitest';
import { buyer, issueTickets } from '../helpers/checkout.js';
import { teamWithEvent } from '../teams/helpers.js';
import { joinLine } from '../waiting-list/helpers.js';
import { visibleText } from './helpers.js';

/** The waiting list in the console: turned on with its offer hours, its entries listed in line order and removed. */

describe('the waiting list on the event page', () => {
  it('turns the list on, lists who waits with their position, and removes an entry', async () => {
    const { t, owner, event } = await teamWithEvent();
    const vip = event.ticket_types[1]!.id;
    await owner.browser.get(`/console/events/${event.id}/waiting-list`);
    const saved = await owner.browser.post(`/console/events/${event.id}/waiting-list/settings`, { enabled: 'on', offer_hours: '12' });
    expect(saved.status, saved.text.slice(0, 300)).toBe(303);
    const stored = await t.call('GET', `/v1/events/${event.id}`, { key: owner.sk });
    expect(stored.body.waiting_list).toEqual({ enabled: true, offer_hours: 12 });
    const bad = await owner.browser.post(`/console/events/${event.id}/waiting-list/settings`, { enabled: 'on', offer_hours: '500' });
    expect(bad.status).toBe(400);

    await issueTickets(t, owner.sk, event.id, vip, { name: 'Early', email: 'early@example.com' }, 20);
    const first = await joinLine(t, owner.pk, event.id, vip, 2, buyer('Kavya Nair'));
    await joinLine(t, owner.pk, event.id, vip, 1, buyer('Arjun Das'));

    const page = visibleText((await owner.browser.get(`/console/events/${event.id}/waiting-list`)).text);
    expect(page).toMatch(/1\s+Kavya Nair\s+\S+@example.com\s+2 × VIP\s+Waiting/);
    expect(page).toMatch(/2\s+Arjun Das\s+\S+@example.com\s+1 × VIP\s+Waiting/);
    expect(visibleText((await owner.browser.get(`/console/events/${event.id}`)).text)).toContain('Waiting list');

    const removed = await owner.browser.post(`/console/events/${event.id}/waiting-list/${first.id}/remove`);
    expect(removed.status, removed.text.slice(0, 300)).toBe(303);
    const after = visibleText((await owner.browser.get(`/console/events/${event.id}/waiting-list?notice=removed`)).text);
    expect(after).toMatch(/Kavya Nair\s+\S+@example.com\s+2 × VIP\s+Removed/);
    expect(after).toMatch(/1\s+Arjun Das/);
    const audit = await t.call('GET', `/v1/audit_logs?target=${first.id}`, { key: owner.sk });
    expect(audit.body.data.map((e: { action: string }) => e.action)).toEqual(['waiting_list_entry.removed']);
  });
});
