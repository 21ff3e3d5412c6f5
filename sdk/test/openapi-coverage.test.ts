import { describe, expect, it } from 'vitest';
import { TrendyTickets } from '../src/index.js';
import { BASE_URL, buildTestApp } from './helpers.js';

/** Server endpoints the SDK leaves out on purpose: Razorpay calls the webhook, not partners. */
const NOT_FOR_PARTNERS = new Set(['POST /v1/gateway/razorpay/webhook', 'POST /v1/gateway/razorpay/webhook/{account}']);
const ID = 'id_123';
const LIST = 'list_456';
const DEVICE = 'device_789';
const QUESTION = 'question_012';
const CODE = 'code_321';

describe('the SDK covers the API', () => {
  it('calls every /v1 operation in the server’s OpenAPI document, at the documented path and method', async () => {
    const t = await buildTestApp();
    const doc = (await (await t.app.request('/openapi.json')).json()) as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(doc.paths)
      .filter(([path]) => path.startsWith('/v1/'))
      .flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`))
      .filter((op) => !NOT_FOR_PARTNERS.has(op))
      .sort();

    const called = new Set<string>();
    const fetch = async (url: string, init: RequestInit) => {
      const path = new URL(url).pathname
        .replaceAll(ID, '{id}')
        .replaceAll(LIST, '{list}')
        .replaceAll(DEVICE, '{device}')
        .replaceAll(QUESTION, '{question_id}')
        .replaceAll(CODE, '{code_id}');
      called.add(`${init.method} ${path}`);
      if (path.endsWith('.csv')) return new Response('ticket_id\n', { headers: { 'Content-Type': 'text/csv' } });
      return Response.json({ object: 'list', data: [], has_more: false, next_cursor: null });
    };
    const tts = new TrendyTickets({ apiKey: 'sk_test_x', baseUrl: BASE_URL, fetch });
    const body = {} as never;
    await TrendyTickets.createAccount(body, { baseUrl: BASE_URL, fetch });
    await Promise.all([
      tts.account.retrieve(),
      tts.account.retrievePaymentSettings(),
      tts.account.updatePaymentSettings(body),
      tts.account.deletePaymentSettings(),
      tts.account.retrieveTaxProfile(),
      tts.account.updateTaxProfile(body),
      tts.keys.roll(body),
      tts.keys.list(),
      tts.events.create(body),
      tts.events.list().page(),
      tts.events.retrieve(ID),
      tts.events.update(ID, body),
      tts.events.cancel(ID),
      tts.events.retrievePublic(ID),
      tts.events.attendees(ID).page(),
      tts.events.attendeesCsv(ID),
      tts.events.stats(ID),
      tts.events.checkins(ID).page(),
      tts.eventsLog.list({ type: 'order.paid', object: ID }).page(),
      tts.eventsLog.retrieve(ID),
      tts.auditLogs.list({ action: 'event.updated', actor: ID }).page(),
      tts.auditLogs.csv({ target: ID }),
      tts.invoices.list({ order: ID }).page(),
      tts.invoices.retrieve(ID),
      tts.invoices.pdf(ID),
      tts.events.verificationKey(ID),
      tts.orders.create(body),
      tts.orders.verify(ID, body),
      tts.orders.resendCode(ID),
      tts.orders.pay(ID, body),
      tts.orders.retrieve(ID),
      tts.orders.cancel(ID),
      tts.orders.refund(ID),
      tts.tickets.issue(body),
      tts.tickets.retrieve(ID),
      tts.tickets.void(ID),
      tts.testGateway.pay(body),
      tts.checkins.create(body),
      tts.checkins.undo(ID),
      tts.checkinLists.list(ID),
      tts.checkinLists.create(ID, body),
      tts.checkinLists.retrieve(ID, LIST),
      tts.checkinLists.update(ID, LIST, body),
      tts.checkinLists.del(ID, LIST),
      tts.checkinLists.passes(ID, LIST, { inside: true }).page(),
      tts.questions.list(ID),
      tts.questions.create(ID, body),
      tts.questions.update(ID, QUESTION, body),
      tts.questions.del(ID, QUESTION),
      tts.promoCodes.list(ID).page(),
      tts.promoCodes.create(ID, body),
      tts.promoCodes.retrieve(ID, CODE),
      tts.promoCodes.update(ID, CODE, body),
      tts.promoCodes.del(ID, CODE),
      tts.waitingList.create(body),
      tts.waitingList.verify(ID, body),
      tts.waitingList.resendCode(ID),
      tts.waitingList.retrieve(ID),
      tts.waitingList.list(ID).page(),
      tts.waitingList.remove(ID),
      tts.doorDevices.signIn(ID, { name: 'Gate 2' }),
      tts.doorDevices.snapshot(ID, DEVICE, { since: '2030-01-01T00:00:00Z' }),
      tts.doorDevices.sync(ID, DEVICE, { sent_at: '2030-01-01T00:00:00Z', scans: [] }),
      tts.webhookEndpoints.create(body),
      tts.webhookEndpoints.list().page(),
      tts.webhookEndpoints.retrieve(ID),
      tts.webhookEndpoints.update(ID, body),
      tts.webhookEndpoints.del(ID),
      tts.webhookEndpoints.rollSecret(ID),
    ]);
    expect([...called].sort()).toEqual(documented);
  });
});
