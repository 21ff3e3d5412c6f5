import type { ApiKey, List } from '@trendy-tickets/sdk';
import { describe, expect, it } from 'vitest';
import { visibleText } from '../console/helpers.js';
import { issueTickets } from '../helpers/checkout.js';
import { addMember, teamWithEvent } from './helpers.js';

const RK = /rk_test_[0-9A-Za-z]{36}/;

describe('restricted keys', () => {
  it('are made on the Developers page, can do only what was ticked, and answer 403 naming the missing permission', async () => {
    const { t, owner, event } = await teamWithEvent();
    await owner.browser.get('/console/developers');
    const made = await owner.browser.post('/console/developers/restricted-keys', { name: 'Door scanners', permissions: 'checkins:write' });
    expect(made.status, made.text.slice(0, 300)).toBe(200);
    const rk = RK.exec(made.text)?.[0] ?? '';
    expect(rk).not.toBe('');
    expect(visibleText(made.text)).toContain('Restricted: Door scanners checkins:write');
    const [ticket] = await issueTickets(t, owner.sk, event.id, event.ticket_types[0]!.id, { name: 'Meera', email: 'meera@example.com' });

    const scan = await t.call('POST', '/v1/checkins', { key: rk, body: { code: ticket!.code, event: event.id } });
    expect(scan.status, JSON.stringify(scan.body)).toBe(200);
    expect(scan.body.result).toBe('accepted');
    const list = await t.call('GET', '/v1/events', { key: rk });
    expect(list.status).toBe(403);
    expect(list.body.error).toMatchObject({ code: 'FORBIDDEN', message: 'This needs the events:read permission; this restricted key does not have it.' });
    const refund = await t.call('POST', `/v1/orders/${ticket!.order}/refund`, { key: rk, body: {} });
    expect(refund.body.error.message).toBe('This needs the orders:refund permission; this restricted key does not have it.');
  });

  it('survive a roll of the full secret key, and roll and revoke on their own', async () => {
    const { t, owner } = await teamWithEvent();
    const { raw: rk, key } = await t.services.accounts.createRestrictedKey(owner.account, 'test', { name: 'Reports', permissions: ['events:read'] });
    const rolledSk = await t.call('POST', '/v1/keys/roll', { key: owner.sk, body: { kind: 'secret' } });
    expect(rolledSk.status).toBe(201);
    expect((await t.call('GET', '/v1/events', { key: rk })).status).toBe(200);

    await owner.browser.get('/console/developers');
    const rolled = await owner.browser.post(`/console/developers/keys/${key._id}/roll`, {});
    const next = RK.exec(rolled.text)?.[0] ?? '';
    expect(next).not.toBe('');
    expect((await t.call('GET', '/v1/events', { key: rk })).status).toBe(401);
    expect((await t.call('GET', '/v1/events', { key: next })).status).toBe(200);

    const nextId = (await t.services.accounts.listKeys(owner.account)).find((k) => k.permissions)!._id;
    await owner.browser.get(`/console/developers/keys/${nextId}/revoke`);
    expect((await owner.browser.post(`/console/developers/keys/${nextId}/revoke`, { confirm: 'on' })).status).toBe(303);
    expect((await t.call('GET', '/v1/events', { key: next })).status).toBe(401);
  });

  it('are listed by GET /v1/keys as restricted, with their name and permissions, apart from the full secret key', async () => {
    const { t, owner } = await teamWithEvent();
    const { key } = await t.services.accounts.createRestrictedKey(owner.account, 'test', { name: 'Door scanners', permissions: ['checkins:write', 'events:read'] });
    const res = await t.call<List<ApiKey>>('GET', '/v1/keys', { key: owner.sk });
    expect(res.status).toBe(200);
    const restricted = res.body.data.find((k) => k.id === key._id);
    expect(restricted).toMatchObject({ kind: 'restricted', name: 'Door scanners', permissions: ['checkins:write', 'events:read'] });
    expect(restricted?.display).toMatch(/^rk_test_…/);
    const full = res.body.data.find((k) => k.display.startsWith('sk_test_'));
    expect(full).toMatchObject({ kind: 'secret', name: null, permissions: null });
  });

  it('are refused from a browser, like secret keys', async () => {
    const { t, owner } = await teamWithEvent();
    const { raw } = await t.services.accounts.createRestrictedKey(owner.account, 'test', { name: 'Reports', permissions: ['events:read'] });
    const res = await t.call('GET', '/v1/events', { key: raw, headers: { Origin: 'https://shop.example.com' } });
    expect(res.status).toBe(403);
    expect(res.body.error.message).toContain('A secret key was sent from a browser');
  });

  it('are refused without a permission, and are managed only by roles with keys:manage', async () => {
    const { t, owner } = await teamWithEvent();
    await owner.browser.get('/console/developers');
    const none = await owner.browser.post('/console/developers/restricted-keys', { name: 'Nothing' });
    expect(none.status).toBe(400);
    expect(visibleText(none.text)).toContain('tick at least one');

    const developer = await addMember(t, owner.browser, 'developer');
    await developer.browser.get('/console/developers');
    expect((await developer.browser.post('/console/developers/restricted-keys', { name: 'CI', permissions: 'events:read' })).status).toBe(200);
    const finance = await addMember(t, owner.browser, 'finance');
    const page = await finance.browser.get('/console/developers');
    expect(page.status).toBe(403);
    expect(visibleText(page.text)).toContain('This needs the keys:manage permission; your role (finance) does not have it.');
    expect((await finance.browser.get('/console/events')).text).not.toContain('href="/console/developers"');
  });
});
