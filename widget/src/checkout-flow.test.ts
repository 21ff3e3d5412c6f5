// @vitest-environment node
/**
 * The checkout flow on its own, in plain Node (no DOM): the same server app the element talks
 * to, in memory, reached through `fetch`; the flow's clock is the app's test clock.
 */
import type { Order } from '@trendy-tickets/sdk';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildTestApp, type TestApp } from '../../server/test/helpers/app.js';
import { organizerWithEvent, readCode } from '../../server/test/helpers/checkout.js';
import { createApi } from './api.js';
import { CheckoutFlow, type FlowHost } from './checkout-flow.js';
import type { TtsCheckoutEventMap } from './events.js';
import { testGatewayHandler, type PayHandlers } from './pay-handler.js';

const API = 'http://tickets.test';

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

/** Sends the flow's `fetch` to the app; returns the calls made, as `POST /v1/orders`. */
function routeFetch(t: TestApp): string[] {
  const calls: string[] = [];
  vi.stubGlobal('fetch', async (input: string, init: RequestInit = {}) => {
    const url = new URL(input);
    calls.push(`${init.method ?? 'GET'} ${url.pathname}`);
    return t.app.request(url.pathname + url.search, init);
  });
  return calls;
}

/** A flow selling a fresh organizer's test event, with what it fired and asked of its host. */
async function setup(options: { key?: string; handlers?: (api: FlowHost['api']) => PayHandlers } = {}) {
  const t = await buildTestApp();
  const org = await organizerWithEvent(t);
  const calls = routeFetch(t);
  const fired: Array<{ type: keyof TtsCheckoutEventMap; detail: unknown }> = [];
  const invalid: string[] = [];
  const api = () => createApi(API, options.key ?? org.pk);
  const flow = new CheckoutFlow({
    api,
    changed: () => {},
    fire: (type, detail) => void fired.push({ type, detail }),
    resumed: () => {},
    invalidField: (f) => void invalid.push(f),
    handlers: options.handlers?.(api) ?? { test: testGatewayHandler(api), razorpay: null, external: null },
    now: () => t.clock.now().getTime(),
  });
  flow.setEvent(org.event.id);
  return { t, org, flow, calls, fired, invalid };
}

const waitFor = <T>(check: () => T) => vi.waitFor(check, { timeout: 5000, interval: 5 });

/** Loads the event, fills the details and holds the seats; resolves on the code step. */
async function toVerify(flow: CheckoutFlow, email = `asha${Math.random().toString(36).slice(2, 8)}@example.com`) {
  await flow.load();
  flow.toDetails();
  flow.field('name', 'Asha Rao');
  flow.field('email', email);
  flow.submitDetails();
  await waitFor(() => expect(flow.state.step).toBe('verify'));
  return email;
}

describe('the checkout flow (no DOM)', () => {
  it('walks from tickets to issued tickets with the test gateway, firing the element’s events without the client secret', async () => {
    expect(typeof document).toBe('undefined');
    const { t, flow, fired } = await setup();
    await flow.load();
    expect(flow.state.ev?.name).toBe('Monsoon Jazz Night');
    expect(Object.values(flow.state.qty)).toContain(1);
    const email = await toVerify(flow);
    expect(flow.holdLeft).toBeGreaterThan(0);
    expect(flow.typeCode(`${await readCode(t, email)}x`)).toHaveLength(6);
    await waitFor(() => expect(flow.state.step).toBe('pay'));
    flow.pay('success');
    await waitFor(() => expect(flow.state.step).toBe('done'));
    expect(flow.state.tickets).toHaveLength(1);
    expect(flow.state.paying).toBe(false);
    expect(fired.map((e) => e.type)).toEqual(['tts-ready', 'tts-ready', 'tts-order-created', 'tts-paid']);
    for (const { detail } of fired.slice(2)) expect((detail as { order: Order }).order).not.toHaveProperty('client_secret');
  });

  it('keeps a badly typed buyer field out of the request and points the element at it', async () => {
    const { flow, calls, invalid } = await setup();
    await flow.load();
    flow.toDetails();
    flow.field('name', 'Asha Rao');
    flow.field('email', 'asha@', true);
    expect(flow.state.invalid.email).toBe('Enter a valid email address.');
    flow.submitDetails();
    expect(invalid).toEqual(['email']);
    expect(flow.state.step).toBe('details');
    expect(calls).not.toContain('POST /v1/orders');
  });

  it('ends the hold when its time runs out by its clock, and fires HOLD_EXPIRED', async () => {
    const { t, flow, fired } = await setup();
    await toVerify(flow);
    const left = flow.holdLeft!;
    t.clock.advance((left - 1) * 1000);
    flow.tick(true);
    expect(flow.state.step).toBe('verify');
    expect(flow.holdLeft).toBe(1);
    t.clock.advance(1000);
    flow.tick(true);
    expect(flow.state.step).toBe('ended');
    expect(flow.holdLeft).toBeNull();
    expect(fired.at(-1)).toMatchObject({ type: 'tts-error', detail: { code: 'HOLD_EXPIRED' } });
  });

  it('hands the payment to the handler of the order’s gateway, which confirms the gateway’s proof', async () => {
    const gateways: string[] = [];
    const { t, flow } = await setup({
      // A stand-in for a second gateway: takes the payment its own way, then hands over the proof.
      handlers: (api) => ({
        test: {
          pay(order, { confirm }) {
            gateways.push(order.payment!.gateway);
            const gatewayOrderId = order.payment!.gateway_order_id!;
            confirm(async () => {
              const paid = await api().testPay(gatewayOrderId, 'success', { key: `pay-${order.id}` });
              return { gateway_order_id: gatewayOrderId, gateway_payment_id: paid.gateway_payment_id, signature: paid.signature! };
            });
          },
        },
        razorpay: null,
        external: null,
      }),
    });
    const email = await toVerify(flow);
    flow.typeCode(await readCode(t, email));
    await waitFor(() => expect(flow.state.step).toBe('pay'));
    flow.pay();
    await waitFor(() => expect(flow.state.step).toBe('done'));
    expect(gateways).toEqual(['test']);
  });

  it('asks the buyer to tell the site owner, with no retry, when the key is refused', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const { flow, fired } = await setup({ key: 'pk_test_unknown' });
    await flow.load();
    expect(flow.state.problem).toMatchObject({ key: 'SETUP', retry: undefined });
    expect(fired).toEqual([{ type: 'tts-error', detail: expect.objectContaining({ code: 'UNAUTHENTICATED' }) }]);
    expect(warn).toHaveBeenCalledOnce();
  });

  it('shows a wrong code with the tries left, and keeps the buyer on the code step', async () => {
    const { t, flow } = await setup();
    const email = await toVerify(flow);
    const right = await readCode(t, email);
    flow.typeCode(right === '000000' ? '111111' : '000000');
    await waitFor(() => expect(flow.state.problem?.key).toBe('OTP_INVALID'));
    expect(flow.state.attemptsLeft).toBe(4);
    expect(flow.state.code).toBe('');
    expect(flow.state.step).toBe('verify');
  });
});
