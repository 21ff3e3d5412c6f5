import { describe, expect, it } from 'vitest';
import { PUBLIC_EVENT_CACHE_MS } from '../../src/domain/events.js';
import { buildTestApp, eventBody } from '../helpers/app.js';

/**
 * The public event read answers from text written once per event document
 * (http/public-event-body.ts). These tests hold it to the freshness the event's short cache
 * promises (docs/decisions/0009-short-caches-on-hot-reads.md): an edit is shown at once by the
 * server that made it, and by every other server on the same store once the cache has passed.
 */
describe('GET /v1/public/events/:id after an edit', () => {
  it('shows an edit at once on the server that made it', async () => {
    const t = await buildTestApp();
    const { sk, pk } = await t.signUp();
    const event = (await t.call('POST', '/v1/events', { key: sk, body: eventBody() })).body;
    const read = async () => (await t.call('GET', `/v1/public/events/${event.id}`, { key: pk })).body;
    expect((await read()).name).toBe('Monsoon Jazz Night');
    expect((await read()).name).toBe('Monsoon Jazz Night');
    await t.call('PATCH', `/v1/events/${event.id}`, { key: sk, body: { name: 'Monsoon Jazz Night, moved indoors' } });
    expect((await read()).name).toBe('Monsoon Jazz Night, moved indoors');
  });

  it('shows an edit made by another server on the same store once the short cache has passed', async () => {
    const reader = await buildTestApp();
    const writer = await buildTestApp({ store: reader.store, clock: reader.clock });
    const { sk, pk } = await reader.signUp();
    const event = (await writer.call('POST', '/v1/events', { key: sk, body: eventBody() })).body;
    const read = async () => (await reader.call('GET', `/v1/public/events/${event.id}`, { key: pk })).body;
    expect((await read()).name).toBe('Monsoon Jazz Night');
    await writer.call('PATCH', `/v1/events/${event.id}`, { key: sk, body: { name: 'Monsoon Jazz Night, moved indoors' } });
    reader.clock.advance(PUBLIC_EVENT_CACHE_MS + 1);
    const after = await read();
    expect(after.name).toBe('Monsoon Jazz Night, moved indoors');
    // The whole body is the fresh one, not the old text with a new name.
    expect(after).toEqual((await writer.call('GET', `/v1/public/events/${event.id}`, { key: pk })).body);
  });

  it('shows seats taken by a hold on another server once the short cache has passed', async () => {
    const reader = await buildTestApp();
    const writer = await buildTestApp({ store: reader.store, clock: reader.clock });
    const { sk, pk } = await reader.signUp();
    const event = (await writer.call('POST', '/v1/events', { key: sk, body: eventBody() })).body;
    const read = async () => (await reader.call('GET', `/v1/public/events/${event.id}`, { key: pk })).body;
    expect((await read()).available).toBe(100);
    const order = await writer.call('POST', '/v1/orders', {
      key: pk,
      body: { event: event.id, items: [{ ticket_type: event.ticket_types[0].id, quantity: 2 }], buyer: { name: 'Asha', email: 'asha@example.com' } },
    });
    expect(order.status, JSON.stringify(order.body)).toBe(201);
    reader.clock.advance(PUBLIC_EVENT_CACHE_MS + 1);
    const after = await read();
    expect(after).toMatchObject({ available: 98, held: 2 });
    expect(after.holds_expire_at).not.toBeNull();
  });
});
