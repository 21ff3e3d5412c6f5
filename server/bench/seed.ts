/**
 * Seeds an embedded data directory for the scale series (scale.ts): one organizer, 1,000
 * events and `--to` tickets, written by the product's own code: the store is opened with the
 * server's `openStore` and indexed with its `INDEXES`; the account and events come from the
 * domain services (`accounts.signUp`, `events.create`), and each event's first order from
 * `fulfilment.issue` (the `POST /v1/tickets` path: a paid order, its seats sold, its tickets
 * with signed codes). The rest are copies of that order and its ticket with new ids, holders,
 * quantities and freshly signed codes, inserted many at a time (issuing one ticket per store
 * write would take the whole run at 1M), with the seats taken by the domain's `inventory.sell`:
 * the documents are shaped exactly as the API writes them, and the event's counters agree; the
 * figures move by the same follow-up issuance uses, and a recount at the end proves them exact.
 *
 * Tickets: event 0 (the "big" event, whose attendee pages and CSV are measured) holds 10 %,
 * the other 999 share the rest evenly. `--from` tops up a directory seeded to that count
 * before, so the series grows one directory 10k → 100k → 1M instead of seeding each size anew.
 *
 * Run as a child of the benchmark, never next to a running server (the embedded store has one
 * writer): `node --conditions=source --import tsx server/bench/seed.ts --data-dir DIR --manifest FILE --from 0 --to 10000`,
 * with `TTS_SECRET` set to the server's secret. Prints `seeded <count>` lines as it goes and
 * writes the manifest (keys, ids, a deep attendee cursor) as JSON when done.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config.js';
import { systemClock } from '../src/kernel/clock.js';
import type { EventDoc } from '../src/domain/events.js';
import { newSortableId } from '../src/kernel/ids.js';
import type { OrderDoc } from '../src/domain/orders.js';
import { createFiguresService, RECOUNT_QUIET_MS } from '../src/domain/figures.js';
import { createInventory } from '../src/domain/inventory.js';
import type { TicketDoc } from '../src/domain/tickets.js';
import { INDEXES } from '../src/indexes.js';
import { createServices } from '../src/services.js';
import { openStore } from '../src/store/open-store.js';
import { encodeCursor, PAGE_SORT } from '../src/store/paginate.js';
import { op } from '../src/store/port.js';

/** Events per seeded directory, and the big event's share of the tickets. */
export const SEED = { events: 1_000, bigShare: 0.1, orderSize: 500, password: 'bench-password-2026' } as const;

/** What the benchmark needs to drive a seeded server. */
export interface SeedManifest {
  email: string;
  password: string;
  secretKey: string;
  publishableKey: string;
  account: string;
  /** Event ids; `events[0]` is the big event. */
  events: string[];
  ticketTypes: string[];
  /** Each event's first ticket, issued by the domain: the template of its copies (`''` until issued). */
  templates: string[];
  /** Tickets seeded so far. */
  tickets: number;
  /** An attendee-list cursor 90 % of the way into the big event's tickets. */
  deepCursor: string | null;
}

/** Tickets event `index` holds when `total` are seeded: 10 % in event 0, the rest spread evenly. */
export function ticketsOfEvent(index: number, total: number): number {
  const big = Math.floor(total * SEED.bigShare);
  if (index === 0) return big;
  const rest = total - big;
  const others = SEED.events - 1;
  return Math.floor(rest / others) + (index - 1 < rest % others ? 1 : 0);
}

function eventInput(index: number) {
  const start = new Date(Date.now() + (30 + (index % 300)) * 24 * 3_600_000);
  return {
    name: index === 0 ? 'Bench Stadium Night' : `Bench event ${index}`,
    venue: 'Bench Arena, Mumbai',
    starts_at: start,
    ends_at: new Date(start.getTime() + 3 * 3_600_000),
    // Room for the seeds plus what the benchmark issues and sells on top.
    capacity: index === 0 ? 1_000_000 : 100_000,
    ticket_types: [{ name: 'General admission', price: 49_900, max_per_order: 10 }],
    require_email_verification: false,
    status: 'published' as const,
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { 'data-dir': { type: 'string' }, manifest: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' } } });
  const dataDir = values['data-dir'];
  const manifestFile = values.manifest;
  const from = Number(values.from ?? 0);
  const to = Number(values.to);
  if (!dataDir || !manifestFile || !Number.isInteger(from) || !Number.isInteger(to) || to < from) throw new Error('usage: seed.ts --data-dir DIR --manifest FILE --from N --to M');

  const config = loadConfig({ ...process.env, TTS_DATA_DIR: dataDir, MONGODB_URI: '' });
  if (!config.secret) throw new Error('seed.ts needs TTS_SECRET: the server started on this directory must sign and check the same codes');
  const store = await openStore({ dataDir });
  await store.ensureIndexes(INDEXES);
  const services = createServices({ config, store, clock: systemClock });

  let manifest: SeedManifest;
  if (from === 0) {
    // What a server's first start on an empty directory records (main.ts): its tickets all
    // have counters, so no later start looks for uncounted ones. Without it the first start
    // on the seeded directory read every ticket, a one-off the product never meets.
    await services.figures.scheduleUncounted();
    const email = `bench-scale-${Date.now().toString(36)}@example.com`;
    const created = await services.accounts.signUp({ email, password: SEED.password, name: 'Bench Scale Organizer' });
    const owner = { account: created.account._id, livemode: false };
    const events: EventDoc[] = [];
    for (let i = 0; i < SEED.events; i++) events.push(await services.events.create(owner, eventInput(i)));
    manifest = {
      email,
      password: SEED.password,
      secretKey: created.secretKey,
      publishableKey: created.publishableKey,
      account: owner.account,
      events: events.map((e) => e._id),
      ticketTypes: events.map((e) => e.ticket_types[0]?.id ?? ''),
      templates: events.map(() => ''),
      tickets: 0,
      deepCursor: null,
    };
  } else {
    manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as SeedManifest;
  }
  const owner = { account: manifest.account, livemode: false };

  const tickets = store.collection<TicketDoc>('tickets');
  const orders = store.collection<OrderDoc>('orders');
  const events = store.collection<EventDoc>('events');
  const { codes } = services;
  const inventory = createInventory({ store, clock: systemClock });
  let seeded = from;
  let reported = from;
  const progress = (added: number) => {
    seeded += added;
    if (seeded - reported >= 50_000) {
      reported = seeded;
      process.stdout.write(`seeded ${seeded}\n`);
    }
  };

  for (let e = 0; e < SEED.events; e++) {
    let left = ticketsOfEvent(e, to) - ticketsOfEvent(e, from);
    if (left <= 0) continue;
    const eventId = manifest.events[e] as string;
    const ticketType = manifest.ticketTypes[e] as string;
    // The template: the domain issues one order of one ticket for this event (the first time).
    // Looked up by id: the tickets' indexes lead with (order) or (event, status), not (event) alone.
    let template = manifest.templates[e] ? await tickets.findOne({ _id: manifest.templates[e] }) : null;
    if (!template) {
      const n = seeded;
      const order = await services.fulfilment.issue(owner, {
        event: eventId,
        ticket_type: ticketType,
        quantity: 1,
        holder: { name: `Attendee ${n}`, email: `attendee-${n}@example.com` },
        send_email: false,
      });
      template = await tickets.findOne({ order: order._id, index: 0 });
      if (!template) throw new Error(`fulfilment.issue wrote no ticket for ${eventId}`);
      manifest.templates[e] = template._id;
      left -= 1;
      progress(1);
    }
    const templateOrder = await orders.findOne({ _id: template.order });
    if (!templateOrder) throw new Error(`no order ${template.order}`);
    while (left > 0) {
      const quantity = Math.min(SEED.orderSize, left);
      const n = seeded;
      const now = systemClock.now();
      const order: OrderDoc = {
        ...templateOrder,
        _id: newSortableId('ord'),
        items: templateOrder.items.map((item) => ({ ...item, quantity })),
        quantity,
        buyer: { ...templateOrder.buyer, name: `Buyer ${n}`, email: `buyer-${n}@example.com` },
        created_at: now,
        updated_at: now,
        paid_at: now,
      };
      // As the domain does: the paid order first, then its seats.
      await orders.insertOne(order);
      const event = await events.findOne({ _id: eventId });
      if (!event || !(await inventory.sell(event, order._id, [{ ticketType, quantity }]))) throw new Error(`no seats left in ${eventId}`);
      const batch: TicketDoc[] = [];
      for (let index = 0; index < quantity; index++) {
        const id = newSortableId('tkt');
        batch.push({
          ...template,
          _id: id,
          order: order._id,
          index,
          holder: { name: `Attendee ${n + index}`, email: `attendee-${n + index}@example.com` },
          code: await codes.sign(owner.account, id, eventId),
          created_at: systemClock.now(),
        });
      }
      // Inserted counted, as issuance inserts them, and their counters moved as issuance moves them.
      await services.figures.beforeClaim(owner);
      await tickets.insertMany(batch);
      await services.figures.settleClaimed(
        batch.map((ticket) => ({ ticket, from: null })),
        [event],
      );
      left -= quantity;
      progress(quantity);
    }
  }

  // What a running server's repair jobs leave: the account's figures recounted from its tickets
  // and every event's seats recounted. Each finds nothing to fix (the counters moved with every
  // insert); a drift is a seeding bug and fails the run. Done here, not left to the server's first
  // hour, so the measured server does not spend its first seconds recounting; the figures
  // recount's cost is printed for the series to report. Run by a clock past the recounts' quiet
  // time, which the seeding's own writes just began.
  const later = { now: () => new Date(Date.now() + RECOUNT_QUIET_MS + 60_000) };
  const recountStarted = performance.now();
  const recounted = await createFiguresService({ store, clock: later }).recount(owner);
  const recountMs = performance.now() - recountStarted;
  if (recounted.busy || recounted.drifts.length > 0) throw new Error(`the seeded figures drifted: ${JSON.stringify(recounted).slice(0, 500)}`);
  const seatDrifts = await createInventory({ store, clock: later }).recount(SEED.events);
  if (seatDrifts.length > 0) throw new Error(`the seeded seats drifted: ${JSON.stringify(seatDrifts).slice(0, 500)}`);
  process.stdout.write(`recounted ${to} tickets in ${Math.round(recountMs)} ms\n`);

  const big = manifest.events[0] as string;
  const bigCount = ticketsOfEvent(0, to);
  const [deep] = await tickets.find({ event: big, status: op.in(['valid', 'checked_in']) }, { sort: PAGE_SORT, skip: Math.floor(bigCount * 0.9), limit: 1 });
  manifest.tickets = to;
  manifest.deepCursor = deep ? encodeCursor(deep) : null;
  await store.close();
  writeFileSync(manifestFile, JSON.stringify(manifest));
  process.stdout.write(`seeded ${to} done\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`seed failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
