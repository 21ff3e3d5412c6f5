/**
 * MongoDB's `$dateToString` takes any IANA time zone name; mingo 7 takes only `Area/Location`
 * names and UTC offsets, and throws on `UTC`, `Etc/GMT+5` or `America/Argentina/Buenos_Aires`
 * (all valid event time zones). This operator resolves such a name to the offset in force at
 * that instant, the way MongoDB does, and leaves the formatting to mingo's own operator.
 * @see https://www.mongodb.com/docs/manual/reference/operator/aggregation/dateToString/
 */
import { Aggregator } from 'mingo/aggregator';
import { Context, evalExpr } from 'mingo/core';
import * as accumulator from 'mingo/operators/accumulator';
import * as expression from 'mingo/operators/expression';
import * as pipeline from 'mingo/operators/pipeline';
import * as projection from 'mingo/operators/projection';
import * as query from 'mingo/operators/query';
import * as window from 'mingo/operators/window';
import type { Options } from 'mingo/types';
import { canonicalTimeZone, offsetAt } from '../kernel/zoned-time.js';

const mingoDateToString = expression.$dateToString;

/** What mingo's `parseTimezone` accepts as a name (anything else must be an offset). */
const MINGO_ZONE_NAME = /^[a-zA-Z_]+\/[a-zA-Z_]+$/;
const OFFSET = /^[+-]\d{2}(:?\d{2})?$/;
/**
 * The UTC offset of `timeZone` at `date`, as `+HH:MM`.
 *
 * @example
 * zoneOffset('America/New_York', new Date('2024-07-01T00:00:00Z')); // '-04:00'
 */
export function zoneOffset(timeZone: string, date: Date): string {
  const minutes = Math.round(offsetAt(date, timeZone) / 60_000);
  const abs = Math.abs(minutes);
  return `${minutes < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

type Operator = typeof mingoDateToString;

/**
 * MongoDB refuses a zone name in any spelling but the tz database's (`asia/kolkata`, `utc`) and
 * unknown names, with error 40485; `Intl` and mingo would take them, so the embedded store
 * would pass what fails in production. It accepts a name only as `canonicalTimeZone` spells it,
 * which is stricter than MongoDB for old aliases (`US/Eastern`, `Etc/UTC`): event time zones
 * are stored canonical, so no pipeline of the product passes one.
 */
function checkZoneName(timezone: string): void {
  if (OFFSET.test(timezone) || canonicalTimeZone(timezone) === timezone) return;
  throw Object.assign(new Error(`$dateToString: unrecognized time zone identifier: "${timezone}"`), { code: 40485 });
}

const dateToString: Operator = (obj, expr, options) => {
  const args = evalExpr(obj, expr, options) as { date?: unknown; timezone?: unknown; format?: unknown; onNull?: unknown };
  const { timezone, date } = args;
  if (typeof timezone === 'string') checkZoneName(timezone);
  if (typeof timezone !== 'string' || MINGO_ZONE_NAME.test(timezone) || OFFSET.test(timezone) || !(date instanceof Date)) {
    return mingoDateToString(obj, expr, options);
  }
  const literal = (value: unknown) => ({ $literal: value });
  const resolved: Record<string, unknown> = { date: literal(date), timezone: zoneOffset(timezone, date) };
  if (args.format !== undefined) resolved.format = literal(args.format);
  if (args.onNull !== undefined) resolved.onNull = literal(args.onNull);
  return mingoDateToString(obj, resolved, options);
};

/**
 * mingo's full operator set with this `$dateToString` in place of its own. (Options passed to
 * mingo's default `Aggregator` cannot replace a built-in: its own operators win a merge.)
 */
const context = Context.init({ accumulator, expression: { ...expression, $dateToString: dateToString }, pipeline, projection, query, window });

/**
 * Runs an aggregation pipeline over documents in memory, as the embedded driver's `aggregate`.
 *
 * @example
 * aggregateInMemory([{ $group: { _id: '$event', n: { $sum: 1 } } }], rows, { scriptEnabled: false });
 */
export function aggregateInMemory(stages: Record<string, unknown>[], rows: object[], options: Partial<Options>): unknown[] {
  return new Aggregator(stages, { ...options, context }).run(rows);
}
