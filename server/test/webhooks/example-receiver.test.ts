import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { WebhookEvent } from '@trendy-tickets/sdk';
import { afterEach, describe, expect, it } from 'vitest';
// @ts-expect-error — a plain-JS example (checked with // @ts-check), imported as partners would run it.
import { createWebhookReceiver } from '../../../examples/webhook-receiver/server.mjs';
import { deliverWebhook } from '../../src/delivery/webhook-delivery.js';
import type { WebhookTarget } from '../../src/domain/webhook-endpoints.js';
import { ManualClock } from '../../src/kernel/clock.js';
import { SAMPLE_SECRET, sampleEntry } from './receiver.js';

const secret = SAMPLE_SECRET;
const event = sampleEntry({ id: 'ord_1', object: 'order', amount: 99_800 });
const eventJson = JSON.stringify(event);
const clock = new ManualClock('2030-06-01T10:00:00.000Z');
const noNames = async () => [];

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
});

/** Starts examples/webhook-receiver on 127.0.0.1, its replay window read from the test's clock. */
async function startExample() {
  const handled: WebhookEvent[] = [];
  server = createWebhookReceiver({ secret, onEvent: (e: WebhookEvent) => handled.push(e), now: () => clock.now().getTime() }) as Server;
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`;
  const target = (secrets = [secret]): WebhookTarget => ({ id: 'we_example', url, livemode: false, secrets });
  return { url, target, handled };
}

describe('examples/webhook-receiver', () => {
  it('verifies a delivery with constructEvent and handles a repeated event id once', async () => {
    const { target, handled } = await startExample();
    expect(await deliverWebhook(target(), eventJson, { clock, resolve: noNames })).toMatchObject({ ok: true, status: 200 });
    expect(await deliverWebhook(target(), eventJson, { clock, resolve: noNames })).toMatchObject({ ok: true, status: 200 });
    expect(handled).toEqual([event]);
  });

  it('refuses a delivery signed with the wrong secret', async () => {
    const { target, handled } = await startExample();
    const attempt = await deliverWebhook(target(['whsec_not_the_endpoint_secret_00000000']), eventJson, { clock, resolve: noNames });
    expect(attempt).toMatchObject({ ok: false, status: 400 });
    expect(attempt.response_excerpt).toContain('No signature in TTS-Signature matches');
    expect(handled).toEqual([]);
  });

  it('refuses a delivery whose timestamp is older than five minutes', async () => {
    const { target, handled } = await startExample();
    const past = new ManualClock(new Date(clock.now().getTime() - 6 * 60_000));
    const attempt = await deliverWebhook(target(), eventJson, { clock: past, resolve: noNames });
    expect(attempt).toMatchObject({ ok: false, status: 400 });
    expect(attempt.response_excerpt).toContain('more than 300 s from now');
    expect(handled).toEqual([]);
  });

  it('refuses a body modified after signing', async () => {
    const { url, target, handled } = await startExample();
    // Capture a genuine signature on the way, then send it with another amount.
    let header = '';
    const tap = await import('node:http').then(({ createServer }) =>
      createServer((req, res) => {
        header = String(req.headers['tts-signature']);
        req.resume();
        res.end();
      }),
    );
    await new Promise<void>((resolve) => tap.listen(0, '127.0.0.1', resolve));
    await deliverWebhook({ ...target(), url: `http://127.0.0.1:${(tap.address() as AddressInfo).port}/` }, eventJson, { clock, resolve: noNames });
    tap.close();
    const res = await fetch(url, { method: 'POST', headers: { 'TTS-Signature': header, 'Content-Type': 'application/json' }, body: eventJson.replace('99800', '1') });
    expect(res.status).toBe(400);
    expect(handled).toEqual([]);
  });
});
