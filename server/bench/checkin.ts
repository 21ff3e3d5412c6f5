/**
 * Check-in benchmarks for `npm run bench` (docs/operations.md#performance-budgets):
 *
 * - latency: 50 scanners scanning for 10 s against the embedded store, first at a door's pace
 *   (judged: p99 ≤ 20 ms), then saturated (reported). Tickets are scanned round-robin, so the
 *   first pass admits and later passes are refused `already_checked_in`: both paths count.
 * - one ticket, 100 scanners at the same instant: exactly one is admitted (a correctness
 *   check, not a timing).
 */
import type { Agent } from 'node:http';
import { keepAliveAgent, runLoad, send, type LoadResult } from './load.js';
import { fmt, info, judge, ms, mustHold } from './report.js';

/**
 * `paceMs`: each scanner presents a ticket every 100 ms (10 a second, a very busy door; 500
 * scans a second in all). The budget is judged at that pace. The saturated run (each scanner
 * firing the next scan the moment a reply arrives) is reported too: it measures the server's
 * queue at its limit, where latency is scanners ÷ throughput, not what a door sees.
 */
export const CHECKIN = { scanners: 50, durationMs: 10_000, paceMs: 100, tickets: 2_000, sameInstant: 100, p99BudgetMs: 20 } as const;

export interface CheckinBench {
  load: LoadResult;
  saturated: LoadResult;
  accepted: number;
  refused: number;
  sameInstant: { accepted: number; alreadyCheckedIn: number; other: number; namedFirstScan: boolean };
}

async function post<T>(agent: Agent, url: string, key: string, body: unknown): Promise<T> {
  const reply = await send(agent, { method: 'POST', url, headers: { authorization: `Bearer ${key}` }, body });
  if (reply.status >= 300) throw new Error(`POST ${url} answered ${reply.status}: ${reply.text}`);
  return reply.json<T>();
}

/** Issues `count` tickets (50 per call, no mail) and returns their codes. */
async function issueTickets(agent: Agent, base: string, secretKey: string, event: string, ticketType: string, count: number): Promise<string[]> {
  const codes: string[] = [];
  while (codes.length < count) {
    const quantity = Math.min(50, count - codes.length);
    const issued = await post<{ data: Array<{ code: string }> }>(agent, `${base}/v1/tickets`, secretKey, {
      event,
      ticket_type: ticketType,
      quantity,
      holder: { name: 'Bench Attendee', email: 'attendee@example.com' },
      send_email: false,
    });
    codes.push(...issued.data.map((t) => t.code));
  }
  return codes;
}

/** Runs both check-in benchmarks against a running server. */
export async function benchCheckins(base: string, secretKey: string): Promise<CheckinBench> {
  const agent = keepAliveAgent(CHECKIN.sameInstant);
  try {
    const event = await post<{ id: string; ticket_types: Array<{ id: string }> }>(agent, `${base}/v1/events`, secretKey, {
      name: 'Check-in bench',
      starts_at: new Date(Date.now() - 3_600_000).toISOString(),
      ends_at: new Date(Date.now() + 6 * 3_600_000).toISOString(),
      capacity: CHECKIN.tickets + 1,
      ticket_types: [{ name: 'General', price: 0 }],
    });
    const ticketType = event.ticket_types[0]?.id ?? '';
    const codes = await issueTickets(agent, base, secretKey, event.id, ticketType, CHECKIN.tickets);

    let accepted = 0;
    let refused = 0;
    const scans = (paceMs?: number) =>
      runLoad({
        method: 'POST',
        url: `${base}/v1/checkins`,
        headers: { authorization: `Bearer ${secretKey}` },
        bodyFor: (i) => ({ code: codes[i % codes.length], event: event.id, by: `Scanner ${i % CHECKIN.scanners}` }),
        concurrency: CHECKIN.scanners,
        durationMs: CHECKIN.durationMs,
        ...(paceMs === undefined ? {} : { paceMs }),
        onReply: (reply) => {
          const result = reply.status === 200 ? reply.json<{ result: string }>().result : 'error';
          if (result === 'accepted') accepted += 1;
          else refused += 1;
        },
      });
    const load = await scans(CHECKIN.paceMs);
    const saturated = await scans();

    const [code] = await issueTickets(agent, base, secretKey, event.id, ticketType, 1);
    const answers = await Promise.all(
      Array.from({ length: CHECKIN.sameInstant }, (_, i) =>
        send(agent, { method: 'POST', url: `${base}/v1/checkins`, headers: { authorization: `Bearer ${secretKey}` }, body: { code, by: `Door ${i}` } }),
      ),
    );
    const bodies = answers.map((a) =>
      a.status === 200 ? a.json<{ result: string; reason: string | null; at: string; by: string; first_checkin: { at: string; by: string } | null }>() : null,
    );
    const winner = bodies.find((b) => b?.result === 'accepted');
    const already = bodies.filter((b) => b?.reason === 'already_checked_in');
    return {
      load,
      saturated,
      accepted,
      refused,
      sameInstant: {
        accepted: bodies.filter((b) => b?.result === 'accepted').length,
        alreadyCheckedIn: already.length,
        other: bodies.filter((b) => !b || (b.result !== 'accepted' && b.reason !== 'already_checked_in')).length,
        namedFirstScan: !!winner && already.every((b) => b?.first_checkin?.at === winner.at && b.first_checkin.by === winner.by),
      },
    };
  } finally {
    agent.destroy();
  }
}

/** Adds the check-in figures to the result table. */
export function reportCheckins(r: CheckinBench): void {
  const { load, saturated } = r;
  judge(
    `check-in, ${CHECKIN.scanners} scanners × ${1000 / CHECKIN.paceMs}/s: p99`,
    ms(load.p99),
    `≤ ${CHECKIN.p99BudgetMs} ms`,
    load.p99 / CHECKIN.p99BudgetMs,
    load.p99 <= CHECKIN.p99BudgetMs,
    ' × budget',
  );
  info('  p50 / scans per second', `${ms(load.p50)} / ${fmt(load.rps)} /s`);
  info(`check-in, ${CHECKIN.scanners} scanners saturated: p50 / p99`, `${ms(saturated.p50)} / ${ms(saturated.p99)}`);
  info('  scans per second (the server at its limit)', `${fmt(saturated.rps)} /s`);
  info('  admitted / refused (already in), both runs', `${fmt(r.accepted)} / ${fmt(r.refused)}`);
  const failed = load.requests - load.ok + (saturated.requests - saturated.ok);
  mustHold('  5xx or failed scans', failed, '0', failed === 0, `${failed} check-in requests failed`);
  const same = r.sameInstant;
  mustHold(`${CHECKIN.sameInstant} scanners, one ticket: admitted`, same.accepted, '= 1', same.accepted === 1, `${same.accepted} scanners admitted one ticket`);
  mustHold(
    '  refused already_checked_in, naming the first scan',
    same.alreadyCheckedIn,
    `= ${CHECKIN.sameInstant - 1}`,
    same.alreadyCheckedIn === CHECKIN.sameInstant - 1 && same.namedFirstScan && same.other === 0,
    'refusals did not all name the first scan',
  );
}
