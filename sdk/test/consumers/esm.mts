// An ESM consumer of the built package: resolves through `exports` → import → types (index.d.ts).
import { TrendyTickets, TtsNotFoundError, verifyTicketCode, type Event, type List } from '@trendy-tickets/sdk';
import { loadCheckout, type CheckoutResult } from '@trendy-tickets/sdk/browser';

const tts = new TrendyTickets({ apiKey: 'sk_test_example', baseUrl: 'http://localhost:8787' });
export const first: Promise<List<Event>> = tts.events.list({ limit: 10 }).page();
export async function names(): Promise<string[]> {
  const out: string[] = [];
  for await (const event of tts.events.list()) out.push(event.name);
  return out;
}
export const isMissing = (e: unknown): boolean => e instanceof TtsNotFoundError && e.status === 404;
export const check: Promise<{ valid: boolean }> = verifyTicketCode('TTS1.a.b.c', 'key');
export const paid = (r: CheckoutResult): number => (r.status === 'paid' ? r.tickets.length : 0);
export const loader: typeof loadCheckout = loadCheckout;
// @ts-expect-error — `events.create` needs `ticket_types`: a wrong call must not type-check.
export const wrong = tts.events.create({ name: 'x', starts_at: '', ends_at: '', capacity: 1 });
