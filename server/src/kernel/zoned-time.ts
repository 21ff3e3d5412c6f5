/**
 * Wall-clock time in a named time zone, without a date library: what an organizer types
 * into a form (`2030-06-08T19:30` at a venue in Asia/Kolkata) and what a dashboard calls
 * "today" both depend on the zone, not on the server's own.
 *
 * Offsets come from `Intl.DateTimeFormat`, which carries the IANA database, so daylight
 * saving time is followed wherever the zone has it.
 */

/** `YYYY-MM-DDTHH:mm`, the value of an `<input type="datetime-local">`. */
const WALL_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

const partsFormatters = new Map<string, Intl.DateTimeFormat>();

function partsFormatter(timeZone: string): Intl.DateTimeFormat {
  let formatter = partsFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    partsFormatters.set(timeZone, formatter);
  }
  return formatter;
}

interface WallParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function wallParts(instant: Date, timeZone: string): WallParts {
  const parts: Record<string, number> = {};
  for (const part of partsFormatter(timeZone).formatToParts(instant)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return {
    year: parts.year ?? 0,
    month: parts.month ?? 1,
    day: parts.day ?? 1,
    hour: parts.hour ?? 0,
    minute: parts.minute ?? 0,
    second: parts.second ?? 0,
  };
}

/**
 * Milliseconds the zone's wall clock is ahead of UTC at `instant` (+05:30 → 19 800 000).
 *
 * @example
 * offsetAt(new Date('2024-07-01T00:00:00Z'), 'America/New_York'); // -14_400_000
 */
export function offsetAt(instant: Date, timeZone: string): number {
  const p = wallParts(instant, timeZone);
  const wallAsUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return wallAsUtc - Math.floor(instant.getTime() / 1000) * 1000;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/**
 * Whether `timeZone` is an IANA zone name (or offset) this runtime knows.
 *
 * @example
 * isTimeZone('Asia/Kolkata'); // true
 * isTimeZone('Mars/Olympus'); // false
 */
export function isTimeZone(timeZone: string): boolean {
  try {
    partsFormatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/**
 * The instant at which the wall clock in `timeZone` reads `wall` (`YYYY-MM-DDTHH:mm`), or
 * null when `wall` is not such a value. A time skipped by a daylight-saving jump moves
 * forward by the length of the jump (02:30 on New York's spring-forward day is 03:30 EDT), as
 * calendars and `Temporal` do; a repeated one resolves to its first occurrence.
 *
 * @example
 * zonedWallTimeToInstant('2030-06-08T19:30', 'Asia/Kolkata')?.toISOString(); // '2030-06-08T14:00:00.000Z'
 */
export function zonedWallTimeToInstant(wall: string, timeZone: string): Date | null {
  const m = WALL_TIME.exec(wall.trim());
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1).map((v) => Number(v ?? 0)) as [number, number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return null;
  const asUtc = Date.UTC(year, month - 1, day, hour, minute, second);
  // The calendar rolls 31 April over into May; a form must not accept that silently.
  if (new Date(asUtc).getUTCDate() !== day) return null;
  return new Date(resolveWallTime(asUtc, timeZone));
}

const DAY_MS = 24 * 60 * 60_000;

/**
 * The instant for a wall time given as if it were UTC, resolved as `Temporal`'s
 * `disambiguation: 'compatible'` does
 * (https://tc39.es/proposal-temporal/docs/zoneddatetime.html#ambiguity-due-to-dst-or-other-time-zone-offset-changes):
 * a repeated wall time takes its earlier instant; a skipped one is read with the offset in
 * force before the jump, which lands after the jump by the gap's length (New York 02:30 on
 * the spring-forward day is 03:30 EDT, Havana's skipped midnight is 01:00).
 */
function resolveWallTime(asUtc: number, timeZone: string): number {
  // Zones change offset at most once in any two days, so the offsets a day either side are
  // the only ones the wall time can be read with.
  const before = offsetAt(new Date(asUtc - DAY_MS), timeZone);
  const after = offsetAt(new Date(asUtc + DAY_MS), timeZone);
  const fits = [before, after].filter((offset) => offsetAt(new Date(asUtc - offset), timeZone) === offset).map((offset) => asUtc - offset);
  if (fits.length > 0) return Math.min(...fits);
  return asUtc - before;
}

/**
 * The wall-clock time in `timeZone` at `instant`, as `YYYY-MM-DDTHH:mm` (what a
 * `datetime-local` input shows).
 *
 * @example
 * instantToZonedWallTime(new Date('2030-06-08T14:00:00Z'), 'Asia/Kolkata'); // '2030-06-08T19:30'
 */
export function instantToZonedWallTime(instant: Date, timeZone: string): string {
  const ms = instant.getTime();
  // Every zone's offset has been a whole number of minutes since long before this date (some
  // had seconds in the early 1970s), so every instant of one UTC minute shows the same wall minute.
  const cacheable = ms >= WHOLE_MINUTE_OFFSETS_SINCE;
  const key = cacheable ? `${timeZone}|${Math.floor(ms / 60_000)}` : '';
  const cached = cacheable ? wallMinutes.get(key) : undefined;
  if (cached !== undefined) return cached;
  const p = wallParts(instant, timeZone);
  const wall = `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}`;
  if (cacheable) {
    if (wallMinutes.size >= WALL_MINUTES_KEPT) wallMinutes.clear();
    wallMinutes.set(key, wall);
  }
  return wall;
}

/**
 * Wall minutes already formatted, by zone and UTC minute. Formatting one costs ~10 µs; the
 * figures bucket every ticket by day in two or more zones, and a recount does it for all of
 * an account's tickets, which are mostly sold in a few busy minutes.
 */
const wallMinutes = new Map<string, string>();
const WALL_MINUTES_KEPT = 10_000;
const WHOLE_MINUTE_OFFSETS_SINCE = Date.UTC(1980, 0, 1);

/**
 * The calendar date in `timeZone` at `instant`, as `YYYY-MM-DD`.
 *
 * @example
 * zonedDateKey(new Date('2030-06-08T20:00:00Z'), 'Asia/Kolkata'); // '2030-06-09'
 */
export function zonedDateKey(instant: Date, timeZone: string): string {
  return instantToZonedWallTime(instant, timeZone).slice(0, 10);
}

/**
 * The first instant of the calendar day that `instant` falls on in `timeZone`.
 *
 * @example
 * startOfZonedDay(new Date('2030-06-08T20:00:00Z'), 'Asia/Kolkata').toISOString(); // '2030-06-08T18:30:00.000Z'
 */
export function startOfZonedDay(instant: Date, timeZone: string): Date {
  return zonedWallTimeToInstant(`${zonedDateKey(instant, timeZone)}T00:00`, timeZone) as Date;
}

/**
 * The `count` calendar dates in `timeZone` ending with the one `instant` falls on, oldest
 * first: the x axis of a "last 30 days" chart.
 *
 * @example
 * lastZonedDays(new Date('2030-06-08T10:00:00Z'), 'Asia/Kolkata', 3); // ['2030-06-06', '2030-06-07', '2030-06-08']
 */
export function lastZonedDays(instant: Date, timeZone: string, count: number): string[] {
  const [y, m, d] = zonedDateKey(instant, timeZone).split('-').map(Number) as [number, number, number];
  const days: string[] = [];
  for (let i = count - 1; i >= 0; i--) {
    // Calendar arithmetic on the date alone (noon UTC), so no offset can shift the day.
    const date = new Date(Date.UTC(y, m - 1, d - i, 12));
    days.push(`${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`);
  }
  return days;
}

/**
 * Current IANA names that the runtime's time zone data (ICU, which follows CLDR) knows only
 * under an older id: `Intl` resolves `Asia/Kolkata` to `Asia/Calcutta`. Both are in the tz
 * database, but organizers expect to read back the name they know.
 */
const CURRENT_NAMES = [
  'Africa/Asmara',
  'America/Argentina/Buenos_Aires',
  'America/Argentina/Catamarca',
  'America/Argentina/Cordoba',
  'America/Argentina/Jujuy',
  'America/Argentina/Mendoza',
  'America/Atikokan',
  'America/Indiana/Indianapolis',
  'America/Kentucky/Louisville',
  'America/Nuuk',
  'Asia/Ho_Chi_Minh',
  'Asia/Kathmandu',
  'Asia/Kolkata',
  'Asia/Yangon',
  'Atlantic/Faroe',
  'Europe/Kyiv',
  'Pacific/Chuuk',
  'Pacific/Kanton',
  'Pacific/Pohnpei',
];

let namesByLowerCase: Map<string, string> | undefined;

function knownNames(): Map<string, string> {
  namesByLowerCase ??= new Map([...Intl.supportedValuesOf('timeZone'), ...CURRENT_NAMES.filter(isTimeZone), 'UTC'].map((name) => [name.toLowerCase(), name]));
  return namesByLowerCase;
}

/**
 * The tz database's own spelling of a time zone name, or null when the runtime does not know
 * it. `Intl` takes names in any case, but MongoDB's `$dateToString` refuses `asia/kolkata` or
 * `utc` (error 40485), so names are stored as this returns them. An old alias with no known
 * spelling (`us/eastern`) becomes the zone's id in the runtime's data (`America/New_York`).
 *
 * @example
 * canonicalTimeZone('asia/kolkata'); // 'Asia/Kolkata'
 * canonicalTimeZone('utc'); // 'UTC'
 * canonicalTimeZone('Mars/Olympus'); // null
 */
export function canonicalTimeZone(timeZone: string): string | null {
  if (!isTimeZone(timeZone)) return null;
  const known = knownNames().get(timeZone.toLowerCase());
  if (known !== undefined) return known;
  const resolved = partsFormatter(timeZone).resolvedOptions().timeZone;
  return knownNames().get(resolved.toLowerCase()) ?? resolved;
}
