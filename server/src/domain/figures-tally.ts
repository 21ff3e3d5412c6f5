/**
 * What the figures count (docs/domain-rules.md#figures, decision 0018): the counter documents,
 * the per-day buckets, and what a ticket in a given state adds to each of them. No store and no
 * clock: the figures service (`figures.ts`) claims transitions and writes what a {@link Tally}
 * gathered.
 */
import { DEFAULT_TIMEZONE, type EventDoc, type Owner } from './events.js';
import type { TicketDoc } from './tickets.js';
import { canonicalTimeZone, instantToZonedWallTime } from '../kernel/zoned-time.js';

/** The zone an account's dashboard days are kept in until it is read in another. */
export const DASHBOARD_TIMEZONE = DEFAULT_TIMEZONE;

/**
 * Gross, tax, fees and net from an event's or account's counters (docs/gst.md#figures), less
 * the money given back by refunds of an amount (docs/domain-rules.md#refunds). Tickets sold
 * before tax existed count at their price, with no tax and no fee.
 */
export function moneyFigures(totals: Pick<FiguresDoc, 'revenue' | 'over_price' | 'tax' | 'fees' | 'refunded' | 'refunded_tax'> | null | undefined) {
  // Refunds of tickets took their tickets' figures away with the tickets; refunds of an amount only this.
  const gross = (totals?.revenue ?? 0) + (totals?.over_price ?? 0) - (totals?.refunded ?? 0);
  // The GST the credit notes reversed, beyond what voided tickets took away with them.
  const tax = (totals?.tax ?? 0) - (totals?.refunded_tax ?? 0);
  const fees = totals?.fees ?? 0;
  return { gross, tax, fees, net: gross - tax - fees };
}

/** Per ticket type counters of an event. */
export interface TypeFigures {
  tickets?: number;
  revenue?: number;
  checked_in?: number;
}

/** Totals of an event (`_id` is the event id) or of an account in one mode. */
export interface FiguresDoc {
  _id: string;
  kind: 'event' | 'account' | 'migration';
  account: string;
  livemode: boolean;
  /** Tickets that admit or admitted (not voided). */
  tickets?: number;
  /** Paise paid for those tickets: their prices. */
  revenue?: number;
  /**
   * What buyers paid beyond the prices (a fee they pay, tax added to exclusive prices), the GST
   * in what they paid, and convenience fees (docs/gst.md#figures): gross is `revenue +
   * over_price`, net `gross − tax − fees`. Absent while none of the tickets had any.
   */
  over_price?: number;
  tax?: number;
  fees?: number;
  /**
   * Paise given back by processed refunds of an amount (not of tickets: a refunded ticket is voided
   * and no longer counted) of orders not refunded in full (a full refund voids every ticket and
   * takes its part back). The recount rebuilds it from the orders' `refund_counted_amount`.
   */
  refunded?: number;
  /**
   * The GST the credit notes of processed refunds reversed, less what the tickets those refunds
   * voided carried (a voided ticket's tax leaves `tax` with it), of orders not refunded in full.
   * Taken off `tax` (docs/gst.md#figures). The recount rebuilds it from the orders' `refund_counted_tax`.
   */
  refunded_tax?: number;
  checked_in?: number;
  /** Of `tickets`, those issued through `POST /v1/tickets`, by `issued_as`. */
  issued?: { comp?: number; paid_elsewhere?: number };
  types?: Record<string, TypeFigures>;
  /** Events: tickets and revenue per campaign, keyed by {@link campaignKey}. */
  campaigns?: Record<string, { tickets?: number; revenue?: number }>;
  /** Events: the zone `figure_days` are kept in. Absent or another zone means they are rebuilt at the next read. */
  days_zone?: string;
  /** Accounts: the zones the dashboard's days are kept in (absent: {@link DASHBOARD_TIMEZONE}). */
  zones?: string[];
  /** Accounts: bumped by every follow-up before and after it claims, so a recount sees it was not alone. */
  seq?: number;
  updated_at?: Date;
  /** Accounts: when the recount last visited (and recounted, unless its figures were moving). */
  recounted_at?: Date;
  /** Accounts: when the recount last got through (not left the account alone as busy). */
  recount_done_at?: Date;
}

/** One day of one scope in one zone. */
export interface FigureDayDoc {
  _id: string;
  scope: string;
  account: string;
  livemode: boolean;
  zone: string;
  /** `YYYY-MM-DD` in `zone`. */
  date: string;
  tickets?: number;
  revenue?: number;
  checkins?: number;
  /** Check-ins by local hour, `HH` → count. */
  hours?: Record<string, number>;
}

/** The figures document of an account in one mode. */
export function accountScope(owner: Owner): string {
  return `${owner.account}:${owner.livemode ? 'live' : 'test'}`;
}

/**
 * A campaign name as a counter's field name: a stored field name may not hold `.` or begin
 * with `$`, and a campaign is the buyer's page's text, so it is percent-encoded (and `.` too).
 *
 * @example
 * campaignKey('diwali.2030'); // 'diwali%2E2030'
 */
export function campaignKey(campaign: string): string {
  return encodeURIComponent(campaign).replaceAll('.', '%2E');
}

/**
 * What the figures count a ticket as, in its present state: `valid`, `checked_in:<ISO time>`
 * (empty time for a check-in that recorded none), or `voided` (nothing).
 *
 * @example
 * countedAs({ status: 'checked_in', checked_in_at: new Date(0) }); // 'checked_in:1970-01-01T00:00:00.000Z'
 */
export function countedAs(ticket: Pick<TicketDoc, 'status' | 'checked_in_at'>): string {
  if (ticket.status === 'checked_in') return `checked_in:${ticket.checked_in_at?.toISOString() ?? ''}`;
  return ticket.status;
}

/** One counter document's increments, and the fields that identify it. */
export interface Target {
  collection: 'figures' | 'figure_days';
  id: string;
  /** Identity fields written with every update (an upsert has no `$setOnInsert` in the port). */
  set: Record<string, unknown>;
  inc: Record<string, number>;
}

/** Increments to many documents, gathered before they are written. */
export class Tally {
  readonly targets = new Map<string, Target>();

  add(collection: Target['collection'], id: string, set: Record<string, unknown>, path: string, n: number): void {
    if (n === 0) return;
    const key = `${collection}|${id}`;
    let target = this.targets.get(key);
    if (!target) {
      target = { collection, id, set, inc: {} };
      this.targets.set(key, target);
    }
    target.inc[path] = (target.inc[path] ?? 0) + n;
  }

  /** Adds every increment `other` gathered, so many follow-ups' differences are written as one. */
  addAll(other: Tally): void {
    for (const target of other.targets.values()) {
      for (const [path, n] of Object.entries(target.inc)) this.add(target.collection, target.id, target.set, path, n);
    }
  }

  /** Targets with at least one non-zero increment. */
  nonZero(): Target[] {
    const out: Target[] = [];
    for (const target of this.targets.values()) {
      for (const [path, n] of Object.entries(target.inc)) if (n === 0) delete target.inc[path];
      if (Object.keys(target.inc).length > 0) out.push(target);
    }
    return out;
  }
}

/** What settling needs of a ticket's event: its id and zone. */
export type ZonedEvent = Pick<EventDoc, '_id' | 'timezone'>;

/** The zones a ticket's contribution is bucketed in. */
export interface Zones {
  event: string;
  account: readonly string[];
}

const dayId = (scope: string, zone: string, date: string) => `${scope}:${zone}:${date}`;

/**
 * Adds (`sign` 1) or takes away (-1) what a ticket counted as `counted` contributes to every
 * figure. A ticket's sale is bucketed on the day it was issued, its check-in on the day and
 * hour it was checked in, each in the zone of the scope.
 */
export function contribute(tally: Tally, ticket: TicketDoc, counted: string | null | undefined, sign: 1 | -1, zones: Zones): void {
  if (counted !== 'valid' && !counted?.startsWith('checked_in:')) return;
  const owner = { account: ticket.account, livemode: ticket.livemode };
  const scope = accountScope(owner);
  const eventSet = { kind: 'event', ...owner };
  const accountSet = { kind: 'account', ...owner };
  const price = sign * ticket.price;
  const type = `types.${ticket.ticket_type}`;
  tally.add('figures', ticket.event, eventSet, 'tickets', sign);
  tally.add('figures', ticket.event, eventSet, 'revenue', price);
  tally.add('figures', ticket.event, eventSet, `${type}.tickets`, sign);
  tally.add('figures', ticket.event, eventSet, `${type}.revenue`, price);
  tally.add('figures', scope, accountSet, 'tickets', sign);
  tally.add('figures', scope, accountSet, 'revenue', price);
  if (ticket.money) {
    const money = { over_price: ticket.money.gross - ticket.price, tax: ticket.money.tax, fees: ticket.money.fees };
    for (const [path, n] of Object.entries(money)) {
      tally.add('figures', ticket.event, eventSet, path, sign * n);
      tally.add('figures', scope, accountSet, path, sign * n);
    }
  }
  if (ticket.campaign) {
    const campaign = `campaigns.${campaignKey(ticket.campaign)}`;
    tally.add('figures', ticket.event, eventSet, `${campaign}.tickets`, sign);
    tally.add('figures', ticket.event, eventSet, `${campaign}.revenue`, price);
  }
  if (ticket.issued_as) {
    tally.add('figures', ticket.event, eventSet, `issued.${ticket.issued_as}`, sign);
    tally.add('figures', scope, accountSet, `issued.${ticket.issued_as}`, sign);
  }
  const day = (s: string, zone: string, at: Date, path: string, n: number) => {
    const date = instantToZonedWallTime(at, zone);
    tally.add('figure_days', dayId(s, zone, date.slice(0, 10)), { scope: s, ...owner, zone, date: date.slice(0, 10) }, path, n);
    return date;
  };
  day(ticket.event, zones.event, ticket.created_at, 'tickets', sign);
  day(ticket.event, zones.event, ticket.created_at, 'revenue', price);
  for (const zone of zones.account) {
    day(scope, zone, ticket.created_at, 'tickets', sign);
    day(scope, zone, ticket.created_at, 'revenue', price);
  }
  if (counted === 'valid') return;
  tally.add('figures', ticket.event, eventSet, 'checked_in', sign);
  tally.add('figures', ticket.event, eventSet, `${type}.checked_in`, sign);
  tally.add('figures', scope, accountSet, 'checked_in', sign);
  const at = counted.slice('checked_in:'.length);
  if (!at) return;
  const when = new Date(at);
  const local = day(ticket.event, zones.event, when, 'checkins', sign);
  day(ticket.event, zones.event, when, `hours.${local.slice(11, 13)}`, sign);
  for (const zone of zones.account) day(scope, zone, when, 'checkins', sign);
}

/** An event's zone as the tz database spells it (older events may say `asia/kolkata`). */
export function eventZone(event: Pick<EventDoc, 'timezone'>): string {
  return canonicalTimeZone(event.timezone) ?? event.timezone;
}
