import { describe, expect, it } from 'vitest';
import { grantOf, type Actor } from './actors.js';
import { can, PERMISSIONS, requirePermission, ROLE_PERMISSIONS, type Role } from './permissions.js';
import { checkCall, guardServices, SERVICE_PERMISSIONS } from './service-permissions.js';

const member = (role: Role, events: string[] | null = null): Actor => ({
  kind: 'member',
  account: 'acct_1',
  member: 'mem_1',
  email: 'm@example.com',
  role,
  events: role === 'door' ? (events ?? []) : null,
});

describe('the permission table', () => {
  it('gives the owner everything, an admin everything but owners, and finance no event edits', () => {
    expect(ROLE_PERMISSIONS.owner).toEqual(PERMISSIONS);
    expect(ROLE_PERMISSIONS.admin).not.toContain('team:owners');
    expect(ROLE_PERMISSIONS.admin).toContain('team:manage');
    expect(ROLE_PERMISSIONS.finance).toContain('orders:refund');
    expect(ROLE_PERMISSIONS.finance).not.toContain('events:write');
  });

  it('names the missing permission and the role when refusing', () => {
    expect(() => requirePermission(grantOf(member('door')), 'orders:refund')).toThrow('This needs the orders:refund permission; your role (door) does not have it.');
    expect(() => requirePermission(grantOf({ kind: 'key', account: 'acct_1', key: 'key_1', permissions: ['checkins:write'] }), 'events:read')).toThrow(
      'This needs the events:read permission; this restricted key does not have it.',
    );
  });

  it('limits a door member to the events they are assigned to', () => {
    const door = grantOf(member('door', ['evt_a']));
    expect(can(door, 'checkins:write', { event: 'evt_a' })).toBe(true);
    expect(can(door, 'checkins:write', { event: 'evt_b' })).toBe(false);
    expect(can(door, 'checkins:write')).toBe(false);
    expect(() => requirePermission(door, 'checkins:write', { event: 'evt_b' })).toThrow('only for the events it is assigned to');
    expect(can(grantOf(member('admin')), 'checkins:write', { event: 'evt_b' })).toBe(true);
  });
});

describe('the service guard', () => {
  it('checks a door member’s scan against the event in its arguments', () => {
    const door = member('door', ['evt_a']);
    expect(() => checkCall(door, 'checkins', 'scan', [{}, { event: 'evt_a', code: 'x' }])).not.toThrow();
    expect(() => checkCall(door, 'checkins', 'scan', [{}, { event: 'evt_b', code: 'x' }])).toThrow(/for this event/);
  });

  it('lets only an owner or a full key call a method missing from the table', () => {
    expect(SERVICE_PERMISSIONS['orders.expireLapsedOrders']).toBeUndefined();
    expect(() => checkCall(member('owner'), 'orders', 'expireLapsedOrders', [])).not.toThrow();
    expect(() => checkCall({ kind: 'key', account: 'acct_1', key: 'key_1', permissions: null }, 'orders', 'expireLapsedOrders', [])).not.toThrow();
    expect(() => checkCall(member('admin'), 'orders', 'expireLapsedOrders', [])).toThrow('Only an owner or a full secret key may do this');
  });

  it('refuses an async method with a rejected promise and a generator (a CSV export) with a throw, never an unhandled rejection', async () => {
    const services = guardServices(
      {
        auditLog: {
          async list() {
            return [];
          },
          async *csv() {
            yield 'row';
          },
        },
      },
      member('door'),
    );
    await expect(services.auditLog.list()).rejects.toThrow('team:manage');
    expect(() => services.auditLog.csv()).toThrow('team:manage');
  });
});
