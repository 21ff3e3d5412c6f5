import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { EventDoc } from '../../src/domain/events.js';
import type { OrderDoc } from '../../src/domain/orders.js';
import type { QuestionDoc } from '../../src/domain/questions.js';
import type { TicketDoc } from '../../src/domain/tickets.js';
import { buildTestApp } from '../helpers/app.js';

/**
 * The attendee export, byte for byte, on a seeded event: 1,203 attendees over three pages of
 * the export, names that need quoting or defusing, check-ins, voided tickets left out, creation
 * times shared by several tickets, and both kinds of answer column. The digest below is of the
 * export as it was before its per-row cost was cut
 * (docs/decisions/0047-start-memory-and-export-at-a-million-tickets.md): the faster export must
 * write exactly the same bytes.
 */

const OWNER = { account: 'acct_golden', livemode: false };
const EVENT = 'evt_golden';
const T0 = Date.UTC(2026, 0, 10, 9, 30, 0, 0);
const NAMES = ['Asha Rao', 'Rao, Asha', '=HYPERLINK("http://x")', 'Zoë "Z" Khan', '+91 98xxx', '-minus', '@at', 'line\r\nbreak', 'राहुल', '\ttab'];

function question(id: string, label: string, scope: 'order' | 'ticket', position: number, deleted = false): QuestionDoc {
  const at = new Date(T0 - 86_400_000 + position);
  return { id, label, kind: 'text', options: [], required: false, scope, ticket_types: null, position, created_at: at, updated_at: at, ...(deleted ? { deleted_at: at } : {}) };
}

function ticket(n: number): TicketDoc {
  const status = n % 97 === 5 ? 'void' : n % 7 === 0 ? 'checked_in' : 'valid';
  const name = NAMES[n % NAMES.length] as string;
  // Every third ticket shares its creation time with the one before: the page order breaks ties by id.
  const created = new Date(T0 + Math.floor(n / 3) * 1_000);
  return {
    _id: `tkt_golden${String(n).padStart(5, '0')}`,
    account: OWNER.account,
    livemode: false,
    event: EVENT,
    order: `ord_golden${String(Math.floor(n / 4)).padStart(5, '0')}`,
    index: n % 4,
    ticket_type: 'tt_golden',
    ticket_type_name: n % 5 === 0 ? 'VIP, front row' : 'General admission',
    price: 49_900,
    holder: { name: `${name} ${n}`, email: `guest-${n}@example.com` },
    ...(n % 3 === 0 ? { answers: { q_shirt: n % 2 === 0 ? 'L' : '=cmd|x' } } : {}),
    ...(n % 11 === 0 ? { campaign: 'diwali, early' } : {}),
    ...(n % 13 === 0 ? { promo_code: 'EARLY20' } : {}),
    status,
    code: `TTS1.code${n}`,
    valid_from: null,
    valid_until: new Date(T0 + 30 * 86_400_000),
    checked_in_at: status === 'checked_in' ? new Date(T0 + 7 * 86_400_000 + n * 61_000) : null,
    checked_in_by: status === 'checked_in' ? (n % 2 === 0 ? 'Gate 1' : 'mem_golden') : null,
    voided_at: status === 'void' ? new Date(T0 + 86_400_000) : null,
    created_at: created,
  } as TicketDoc;
}

async function seededExport(): Promise<string> {
  const t = await buildTestApp();
  const event = {
    _id: EVENT,
    account: OWNER.account,
    livemode: false,
    name: 'Golden night',
    questions: [question('q_company', 'Company', 'order', 1), question('q_shirt', 'T-shirt size', 'ticket', 2), question('q_old', 'Dietary needs', 'order', 3, true)],
  } as unknown as EventDoc;
  await t.store.collection<EventDoc>('events').insertOne(event);
  const tickets = Array.from({ length: 1_240 }, (_, n) => ticket(n));
  await t.store.collection<TicketDoc>('tickets').insertMany(tickets);
  const orderIds = [...new Set(tickets.map((x) => x.order))];
  await t.store.collection<OrderDoc>('orders').insertMany(
    orderIds.map(
      (id, i) =>
        ({
          _id: id,
          account: OWNER.account,
          livemode: false,
          ...(i % 2 === 0 ? { answers: { q_company: i % 4 === 0 ? 'Acme "Events"' : '@corp', q_old: 'vegan' } } : {}),
        }) as unknown as OrderDoc,
    ),
  );
  let text = '';
  for await (const part of await t.services.attendance.attendeesCsv(OWNER, EVENT)) text += part;
  return text;
}

describe('the attendee export on a seeded event', () => {
  it('writes exactly the bytes it wrote before its per-row cost was cut', async () => {
    const text = await seededExport();
    const lines = text.split('\r\n');
    // Every ticket but the 13 voided ones, each once (names may hold a quoted line break).
    expect(text.match(/\r\ntkt_golden/g)).toHaveLength(1_240 - 13);
    expect(lines[0]).toBe(
      'ticket_id,holder_name,holder_email,ticket_type,status,checked_in_at,checked_in_by,order,issued_at,campaign,promo_code,Company,T-shirt size,Dietary needs (deleted)',
    );
    expect(lines[1]).toBe(GOLDEN_FIRST_ROW);
    expect({ bytes: Buffer.byteLength(text), sha256: createHash('sha256').update(text).digest('hex') }).toEqual(GOLDEN);
  });
});

const GOLDEN_FIRST_ROW =
  "tkt_golden01239,'\ttab 1239,guest-1239@example.com,General admission,checked_in,2026-01-18T06:29:39.000Z,mem_golden,ord_golden00309,2026-01-10T09:36:53.000Z,,,,'=cmd|x,";
const GOLDEN = { bytes: 177_524, sha256: '76a8b67cbcb7eac8d205786da1a323132c0bef008055e7657f3c2cb0467672fc' };
