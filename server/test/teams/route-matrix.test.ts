/**
 * Every console route and every API operation, for every role and for restricted keys: each
 * gets exactly what `ROUTE_PERMISSIONS` says. Routes are read from the app itself (the
 * console router and the OpenAPI document), so a route added without a row in the table
 * fails the first test.
 */
import { describe, expect, it } from 'vitest';
import { consoleRoutes } from '../../src/console/index.js';
import { grantOf, type Actor } from '../../src/domain/actors.js';
import { ROLE_PERMISSIONS, ROLES, type Permission, type Role } from '../../src/domain/permissions.js';
import { ROUTE_PERMISSIONS, type RouteRule } from '../../src/http/route-permissions.js';
import type { ConsoleBrowser } from '../console/helpers.js';
import type { TestApp } from '../helpers/app.js';
import { addMember, teamWithEvent } from './helpers.js';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

async function apiOperations(t: TestApp): Promise<string[]> {
  const doc = (await t.call('GET', '/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
  return Object.entries(doc.paths).flatMap(([path, ops]) => METHODS.filter((m) => m in ops).map((m) => `${m.toUpperCase()} ${path}`));
}

function consoleOperations(): string[] {
  const routes = consoleRoutes().routes.filter((r) => r.method !== 'ALL');
  return [...new Set(routes.map((r) => `${r.method} ${r.path}`))];
}

/** Whether a role or a key's permissions allow a rule (the door role's event limit is served by using its event). */
function allows(permissions: readonly Permission[], rule: RouteRule): boolean {
  return rule === 'public' || rule === 'signed-in' || permissions.includes(rule);
}

/** A request path for a route: the team's event where an event id goes, made-up ids elsewhere. */
function pathFor(route: string, event: string): string {
  const [method = '', path = ''] = route.split(' ');
  // Writes to an event use another id, so that no allowed request cancels or edits the event mid-matrix;
  // the door's writes (a scan, a door device, an offline upload) are harmless and need the door's own event.
  const eventId = method === 'GET' || /\/(scan|devices|offline)(\/|$)/.test(path) ? event : 'evt_0000000000000000000000';
  return path
    .replace(/^\/v1\/events\/\{id\}|^\/console\/events\/:id/, (m) => m.replace(/\{id\}|:id/, eventId))
    .replace(/\{id\}|:id/g, 'zzz_0000000000000000000000')
    .replace(/:hash|:name|:token/g, 'x');
}

const SKIPPED = new Set(['POST /console/logout', 'POST /console/mode']);

async function consoleCall(browser: ConsoleBrowser, route: string, path: string) {
  return route.startsWith('GET ') ? browser.get(path) : browser.post(path, {});
}

describe('the role × route table', () => {
  it('has a row for every console route and API operation, and none for a route that does not exist', async () => {
    const { t } = await teamWithEvent();
    const routes = [...(await apiOperations(t)), ...consoleOperations()];
    const missing = routes.filter((r) => !(r in ROUTE_PERMISSIONS));
    expect(missing, 'routes without a permission in ROUTE_PERMISSIONS').toEqual([]);
    const stale = Object.keys(ROUTE_PERMISSIONS).filter((r) => !routes.includes(r));
    expect(stale, 'rows for routes the app does not have').toEqual([]);
  });

  it('gives each role exactly the console routes the table allows, refusing the rest with 403 naming the permission', async () => {
    const { t, owner, event } = await teamWithEvent();
    const browsers: Record<Role, ConsoleBrowser> = {
      owner: owner.browser,
      admin: (await addMember(t, owner.browser, 'admin')).browser,
      finance: (await addMember(t, owner.browser, 'finance')).browser,
      door: (await addMember(t, owner.browser, 'door', [event.id])).browser,
      developer: (await addMember(t, owner.browser, 'developer')).browser,
    };
    const problems: string[] = [];
    for (const route of consoleOperations()) {
      const rule = ROUTE_PERMISSIONS[route];
      if (rule === undefined || rule === 'public' || SKIPPED.has(route)) continue;
      for (const role of ROLES) {
        const browser = browsers[role];
        await browser.get('/console/team').catch(() => undefined);
        if (!browser.csrf) await browser.get('/console');
        const res = await consoleCall(browser, route, pathFor(route, event.id));
        const refused = res.status === 403 && /This needs the [a-z_:]+ permission/.test(res.text);
        const expected = allows(ROLE_PERMISSIONS[role], rule);
        if (expected && refused) problems.push(`${role} was refused ${route} (${res.status})`);
        if (!expected && !(refused && res.text.includes(`This needs the ${rule} permission; your role (${role}) does not have it.`))) {
          problems.push(`${role} was not refused ${route} (${res.status})`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('gives restricted keys exactly the API operations their permissions allow, refusing the rest with 403 naming the permission', async () => {
    const { t, owner, event } = await teamWithEvent();
    const keySets: Record<string, Permission[]> = {
      'check-in only': ['checkins:write'],
      'read-only': ['events:read', 'orders:read', 'attendees:read', 'reports:read', 'events_log:read'],
      ...Object.fromEntries(ROLES.map((role) => [`as ${role}`, ROLE_PERMISSIONS[role].filter((p) => !p.startsWith('team:'))])),
    };
    const problems: string[] = [];
    for (const [label, permissions] of Object.entries(keySets)) {
      const { raw } = await t.services.accounts.createRestrictedKey(owner.account, 'test', { name: label, permissions });
      expect(raw).toMatch(/^rk_test_[0-9A-Za-z]{36}$/);
      for (const route of await apiOperations(t)) {
        const rule = ROUTE_PERMISSIONS[route];
        if (rule === undefined || rule === 'public') continue;
        const [method = 'GET'] = route.split(' ');
        const res = await t.call(method, pathFor(route, event.id), { key: raw, ...(method === 'GET' || method === 'DELETE' ? {} : { body: {} }) });
        const refused = res.status === 403 && res.body?.error?.code === 'FORBIDDEN' && /This needs the [a-z_:]+ permission/.test(res.body.error.message);
        const expected = allows(permissions, rule);
        if (expected && refused) problems.push(`${label} key was refused ${route}: ${res.body.error.message}`);
        if (!expected && !(refused && res.body.error.message === `This needs the ${rule} permission; this restricted key does not have it.`)) {
          problems.push(`${label} key was not refused ${route} (${res.status})`);
        }
      }
    }
    expect(problems).toEqual([]);
  });
});

describe('the domain guard', () => {
  it('refuses a door member a refund in the domain, whatever calls it', async () => {
    const { t, owner, event } = await teamWithEvent();
    const door = await addMember(t, owner.browser, 'door', [event.id]);
    const member = (await t.store.collection<{ _id: string; email: string; events: string[] }>('members').findOne({ _id: door.member }))!;
    const actor: Actor = { kind: 'member', account: owner.account, member: member._id, email: member.email, role: 'door', events: member.events };
    const { guardServices } = await import('../../src/domain/service-permissions.js');
    const services = guardServices(t.services, actor);
    await expect(services.fulfilment.refund(owner.owner, 'ord_0000000000000000000000')).rejects.toMatchObject({
      code: 'FORBIDDEN',
      message: 'This needs the orders:refund permission; your role (door) does not have it.',
    });
    expect(grantOf(actor).events).toEqual([event.id]);
  });
});
