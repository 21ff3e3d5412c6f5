import { beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.js';

/**
 * Sends hostile and malformed input to every route in the OpenAPI document and
 * requires a coded 4xx every time: never a 5xx, never a crash. New routes are
 * swept automatically because the list comes from the document itself.
 */

let t: TestApp;
let sk: string;
let pk: string;
let eventId: string;
let routes: Array<{ method: string; path: string }>;

beforeAll(async () => {
  t = await buildTestApp();
  ({ sk, pk } = await t.signUp());
  const event = await t.call('POST', '/v1/events', {
    key: sk,
    body: { name: 'Sweep', starts_at: '2030-07-01T10:00:00Z', ends_at: '2030-07-01T12:00:00Z', capacity: 5, ticket_types: [{ name: 'A', price: 100 }] },
  });
  eventId = event.body.id;
  const doc = (await t.call('GET', '/openapi.json')).body;
  routes = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, item]) =>
    Object.keys(item).map((method) => ({ method: method.toUpperCase(), path })),
  );
});

const deep = (levels: number): unknown => (levels === 0 ? {} : { a: deep(levels - 1) });

const BODIES: Array<[string, Record<string, string>, string]> = [
  ['malformed JSON', { 'Content-Type': 'application/json' }, '{"name": '],
  ['JSON null', { 'Content-Type': 'application/json' }, 'null'],
  ['JSON array', { 'Content-Type': 'application/json' }, '[1,2,3]'],
  ['JSON string', { 'Content-Type': 'application/json' }, '"hello"'],
  ['JSON number', { 'Content-Type': 'application/json' }, '42'],
  ['empty object', { 'Content-Type': 'application/json' }, '{}'],
  ['wrong types', { 'Content-Type': 'application/json' }, '{"name":5,"capacity":"ten","ticket_types":"x","email":[],"kind":{}}'],
  ['prototype pollution', { 'Content-Type': 'application/json' }, '{"__proto__":{"admin":true},"constructor":{"prototype":{"x":1}}}'],
  ['deep nesting', { 'Content-Type': 'application/json' }, JSON.stringify(deep(500))],
  ['lone surrogates', { 'Content-Type': 'application/json' }, '{"name":"\\ud800\\udbff","email":"\\udc00@x.y"}'],
  ['NUL bytes', { 'Content-Type': 'application/json' }, '{"name":"a\\u0000b","password":"\\u0000\\u0000"}'],
  ['huge numbers', { 'Content-Type': 'application/json' }, '{"capacity":1e309,"price":-0,"limit":9007199254740993}'],
  ['form body', { 'Content-Type': 'application/x-www-form-urlencoded' }, 'name=x&capacity=3'],
  ['text body', { 'Content-Type': 'text/plain' }, '{"name":"x"}'],
  ['no content type', {}, '{"name":"x"}'],
  ['oversized', { 'Content-Type': 'application/json' }, JSON.stringify({ name: 'x'.repeat(300_000) })],
];

const IDS = ['evt_doesnotexist', '%00', '..%2F..%2Fetc%2Fpasswd', 'x'.repeat(2000), '%F0%9F%8E%B6', "evt_'; drop", '%7B%22%24gt%22%3A%22%22%7D'];

function fill(path: string, id: string): string {
  return path.replace('{id}', id);
}

describe('bad-input sweep', () => {
  it('answers every route × malformed body × key with a coded 4xx, never a 5xx', async () => {
    const failures: string[] = [];
    let requests = 0;
    for (const route of routes) {
      for (const key of [sk, pk, undefined]) {
        for (const [label, headers, body] of BODIES) {
          const hasBody = route.method !== 'GET' && route.method !== 'DELETE';
          const res = await t.app.request(fill(route.path, eventId), {
            method: route.method,
            headers: { ...headers, ...(key ? { Authorization: `Bearer ${key}` } : {}) },
            ...(hasBody ? { body } : {}),
          });
          requests += 1;
          const text = await res.text();
          if (res.status >= 500) failures.push(`${route.method} ${route.path} [${label}] → ${res.status} ${text.slice(0, 200)}`);
          if (res.status >= 400) {
            const parsed = JSON.parse(text) as { error?: { code?: string; request_id?: string } };
            if (!parsed.error?.code || !parsed.error.request_id) failures.push(`${route.method} ${route.path} [${label}] → uncoded ${res.status}`);
          }
        }
      }
    }
    expect(failures).toEqual([]);
    expect(requests).toBe(routes.length * 3 * BODIES.length);
  });

  it('answers hostile path ids and query strings with a coded 4xx, never a 5xx', async () => {
    const failures: string[] = [];
    for (const route of routes.filter((r) => r.path.includes('{id}'))) {
      for (const id of IDS) {
        for (const key of [sk, pk]) {
          const res = await t.app.request(fill(route.path, id), {
            method: route.method,
            headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
            ...(route.method === 'GET' ? {} : { body: '{}' }),
          });
          if (res.status >= 500 || res.status < 400) failures.push(`${route.method} ${fill(route.path, id).slice(0, 80)} → ${res.status}`);
        }
      }
    }
    for (const query of ['limit=0', 'limit=101', 'limit=abc', 'limit=1&limit=2', 'cursor=%00', `cursor=${'A'.repeat(600)}`, 'cursor=eyJ0IjoiYSJ9', 'extra=1']) {
      const res = await t.call('GET', `/v1/events?${query}`, { key: sk });
      if (res.status !== 400) failures.push(`GET /v1/events?${query.slice(0, 40)} → ${res.status}`);
    }
    expect(failures).toEqual([]);
  });

  it('still works normally after the sweep', async () => {
    const res = await t.call('GET', `/v1/events/${eventId}`, { key: sk });
    expect(res.status).toBe(200);
    expect(res.body.name).toBe('Sweep');
  });
});
