/**
 * The ticket rush of `npm run bench` (docs/operations.md#performance-budgets): 2,000 buyers for 500 seats over HTTP, each
 * creating an order with the publishable key and, when answered 201, paying it through the test
 * gateway. Judged on orders/s and, as correctness, on exactly 500 sold, 0 oversold and 0 5xx.
 */
import type { Agent } from 'node:http';
import { keepAliveAgent, runUsers, send, type Reply, type StepStats } from './load.js';
import { fmt, info, judge, ms, mustHold } from './report.js';

export const RUSH = { capacity: 500, buyers: 2_000, sockets: 256, minOrdersPerSecond: 1_000, timeoutMs: 45_000 } as const;
export const TICKET_PRICE = 49_900;

export async function expectStatus(agent: Agent, base: string, spec: { method?: string; path: string; key: string; body?: unknown }, status: number): Promise<Reply> {
  const reply = await send(agent, { method: spec.method, url: `${base}${spec.path}`, headers: { authorization: `Bearer ${spec.key}` }, body: spec.body });
  if (reply.status !== status) {
    const hint = reply.status === 429 ? ' (rate limited: the server counts this per IP; wait for the window to pass)' : '';
    throw new Error(`${spec.method ?? 'GET'} ${spec.path} answered ${reply.status}, expected ${status}${hint}: ${reply.text.slice(0, 500)}`);
  }
  return reply;
}

export interface EventJson {
  id: string;
  ticket_types: Array<{ id: string }>;
  sold: number;
  held: number;
  available: number;
}

export function eventBody(name: string) {
  const start = new Date(Date.now() + 30 * 24 * 3_600_000);
  return {
    name,
    venue: 'Bench Arena, Mumbai',
    starts_at: start.toISOString(),
    ends_at: new Date(start.getTime() + 3 * 3_600_000).toISOString(),
    capacity: RUSH.capacity,
    ticket_types: [{ name: 'General admission', price: TICKET_PRICE, max_per_order: 1 }],
    require_email_verification: false,
  };
}

export async function createEvent(agent: Agent, base: string, secretKey: string, name: string): Promise<{ id: string; ticketType: string }> {
  const event = (await expectStatus(agent, base, { method: 'POST', path: '/v1/events', key: secretKey, body: eventBody(name) }, 201)).json<EventJson>();
  const ticketType = event.ticket_types[0]?.id;
  if (!ticketType) throw new Error(`POST /v1/events returned no ticket type: ${JSON.stringify(event)}`);
  return { id: event.id, ticketType };
}

// ---------------------------------------------------------------------------------------------
// Measurements

/**
 * Warm-up, then the measured run, of one GET at `READ.concurrency`. Also says how busy this
 * process was (% of one core): near 100 means the figure is the load generator's limit, not
 * the server's, which on a small machine happens first to the bare baseline.
 */
export interface BuyerOutcome {
  created: number;
  code: string | null;
  paid: boolean;
  tickets: number;
}

export interface RushResult {
  label: string;
  sockets: number;
  durationMs: number;
  create: StepStats;
  steps: Record<string, StepStats>;
  created201: number;
  soldOut409: number;
  other4xx: number;
  rateLimited: number;
  fiveXx: number;
  networkErrors: number;
  failureSamples: string[];
  paid: number;
  ticketsIssued: number;
  sold: number;
  held: number;
  available: number;
  oversold: number;
}

export const errorCode = (reply: Reply): string | null => {
  try {
    return reply.json<{ error?: { code?: string } }>().error?.code ?? null;
  } catch {
    return null;
  }
};

/** 2,000 buyers at once for a fresh 500-seat event: create the order, then pay it through the test gateway. */
export async function ticketRush(base: string, keys: { secret: string; publishable: string }, label: string, sockets: number): Promise<RushResult> {
  const setup = keepAliveAgent(1);
  try {
    const event = await createEvent(setup, base, keys.secret, `Rush ${label}`);
    const runTag = Date.now().toString(36);
    const rush = await runUsers<BuyerOutcome>({
      baseUrl: base,
      users: RUSH.buyers,
      maxSockets: sockets,
      timeoutMs: RUSH.timeoutMs,
      headers: { authorization: `Bearer ${keys.publishable}` },
      async script(user) {
        const created = await user.call('create order', {
          method: 'POST',
          path: '/v1/orders',
          body: {
            event: event.id,
            items: [{ ticket_type: event.ticketType, quantity: 1 }],
            buyer: { name: `Buyer ${user.index}`, email: `buyer-${runTag}-${user.index}@example.com` },
          },
        });
        if (created.status !== 201) return { created: created.status, code: errorCode(created), paid: false, tickets: 0 };
        const order = created.json<{ id: string; client_secret: string; payment: { gateway_order_id: string } | null }>();
        const gatewayOrderId = order.payment?.gateway_order_id;
        if (!gatewayOrderId) throw new Error(`order ${order.id} has no gateway order to pay`);
        const simulated = await user.call('test gateway payment', {
          method: 'POST',
          path: '/v1/test-gateway/payments',
          body: { gateway_order_id: gatewayOrderId, outcome: 'success' },
        });
        if (simulated.status !== 200) return { created: 201, code: errorCode(simulated), paid: false, tickets: 0 };
        const payment = simulated.json<{ gateway_payment_id: string; signature: string }>();
        const paid = await user.call('pay order', {
          method: 'POST',
          path: `/v1/orders/${order.id}/pay`,
          body: {
            client_secret: order.client_secret,
            gateway_order_id: gatewayOrderId,
            gateway_payment_id: payment.gateway_payment_id,
            signature: payment.signature,
          },
        });
        if (paid.status !== 200) return { created: 201, code: errorCode(paid), paid: false, tickets: 0 };
        return { created: 201, code: null, paid: true, tickets: paid.json<{ tickets: unknown[] }>().tickets.length };
      },
    });

    const after = (await expectStatus(setup, base, { path: `/v1/events/${event.id}`, key: keys.secret }, 200)).json<EventJson>();
    const create = rush.steps['create order'];
    if (!create) throw new Error(`rush ${label}: no order was attempted (${rush.failureSamples.join('; ')})`);
    const all = Object.values(rush.steps);
    const countWhere = (test: (status: number) => boolean) =>
      all.reduce((sum, step) => sum + Object.entries(step.statuses).reduce((n, [s, c]) => n + (test(Number(s)) ? c : 0), 0), 0);
    const soldOut409 = rush.results.filter((r) => r.created === 409 && r.code === 'SOLD_OUT').length;
    const created201 = create.statuses[201] ?? 0;
    return {
      label,
      sockets,
      durationMs: rush.durationMs,
      create,
      steps: rush.steps,
      created201,
      soldOut409,
      other4xx: countWhere((s) => s >= 400 && s < 500) - soldOut409,
      rateLimited: countWhere((s) => s === 429),
      fiveXx: countWhere((s) => s >= 500),
      networkErrors: all.reduce((sum, step) => sum + step.errors, 0),
      failureSamples: rush.failureSamples,
      paid: rush.results.filter((r) => r.paid).length,
      ticketsIssued: rush.results.reduce((sum, r) => sum + r.tickets, 0),
      sold: after.sold,
      held: after.held,
      available: after.available,
      oversold: Math.max(0, after.sold + after.held - RUSH.capacity),
    };
  } finally {
    setup.destroy();
  }
}

// ---------------------------------------------------------------------------------------------
// Report

/** CPU time each side spent on one rush, in milliseconds: the server's own (cpu-probe.ts) and the load generator's. */
export interface RushCpu {
  serverMs: number;
  clientMs: number;
}

export function reportRush(r: RushResult, cpu?: RushCpu): void {
  const title = `rush (${fmt(RUSH.buyers)} buyers, ${fmt(r.sockets)} sockets)`;
  const ordersPerSecond = r.create.rate;
  judge(
    `${title}: order creation`,
    `${fmt(ordersPerSecond)} orders/s`,
    `≥ ${RUSH.minOrdersPerSecond} orders/s`,
    ordersPerSecond / RUSH.minOrdersPerSecond,
    ordersPerSecond >= RUSH.minOrdersPerSecond,
    ' × budget',
  );
  info('  order creation p50 / p99', `${ms(r.create.p50)} / ${ms(r.create.p99)}`);
  info('  last order answered after', ms(r.create.spanMs));
  info('  completed purchases', `${fmt((r.paid / r.durationMs) * 1000)} /s (${fmt(r.paid)} in ${ms(r.durationMs)})`);
  if (cpu) {
    // Near 100 % of a core on the server side means the server is the limit; on the client side, the load generator.
    info('  server CPU during the rush', `${ms(cpu.serverMs)} (${fmt((cpu.serverMs / r.durationMs) * 100)} % of a core)`);
    info('  load generator CPU', `${ms(cpu.clientMs)} (${fmt((cpu.clientMs / r.durationMs) * 100)} % of a core)`);
  }
  for (const [name, step] of Object.entries(r.steps)) if (name !== 'create order') info(`  ${name} p50 / p99`, `${ms(step.p50)} / ${ms(step.p99)}`);
  info('  create: 201 / 409 SOLD_OUT', `${fmt(r.created201)} / ${fmt(r.soldOut409)}`);
  info('  other 4xx (all steps)', `${fmt(r.other4xx)}${r.rateLimited ? `, of which 429: ${fmt(r.rateLimited)}` : ''}`);
  if (r.networkErrors > 0) info('  no response (network/timeout)', `${fmt(r.networkErrors)}: ${r.failureSamples.join('; ')}`);
  judge('  sold', fmt(r.sold), `= ${RUSH.capacity}`, r.sold / RUSH.capacity, r.sold === RUSH.capacity, ' × cap');
  info('  held / available after', `${fmt(r.held)} / ${fmt(r.available)}`);
  judge('  tickets issued (paid orders)', fmt(r.ticketsIssued), '= sold', null, r.ticketsIssued === r.sold);
  mustHold('  oversold', r.oversold, '0', r.oversold === 0, `rush ${r.label}: ${r.oversold} seats oversold`);
  mustHold('  5xx responses', r.fiveXx, '0', r.fiveXx === 0, `rush ${r.label}: ${r.fiveXx} 5xx responses`);
}

// ---------------------------------------------------------------------------------------------
