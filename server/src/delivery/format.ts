/**
 * Human-facing date formatting shared by the ticket PDF and the mail templates, so a start
 * time reads the same on paper and in the inbox. Money is formatted by the SDK's
 * `formatMoney` / `formatRupees` (`sdk/src/money.ts`), which every package shares.
 */

/** `long` names the weekday (for the event start); `short` leaves it out (validity windows). */
export type DateStyle = 'long' | 'short';

const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * Building an `Intl.DateTimeFormat` costs far more than using one (it loads ICU data),
 * and the PDF has a 5 ms budget, so one formatter per time zone is kept.
 */
function formatterFor(timeZone: string, style: DateStyle): Intl.DateTimeFormat {
  const key = `${style} ${timeZone}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-IN', {
      timeZone,
      weekday: style === 'long' ? 'short' : undefined,
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      hour: 'numeric',
      minute: '2-digit',
      timeZoneName: 'short',
    });
    formatters.set(key, formatter);
  }
  return formatter;
}

/**
 * Formats an ISO timestamp in the event's own time zone, with the zone named, because an
 * attendee abroad must see the local start time of the venue, not of their phone.
 * An unknown zone falls back to UTC (labelled as such) rather than failing a mail or a PDF.
 *
 * @example
 * formatDateTime('2026-03-14T14:00:00Z', 'Asia/Kolkata') // 'Sat, 14 Mar, 2026, 7:30 pm IST'
 * formatDateTime('2026-03-14T14:00:00Z', 'Asia/Kolkata', 'short') // '14 Mar, 2026, 7:30 pm IST'
 */
export function formatDateTime(iso: string, timeZone: string, style: DateStyle = 'long'): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  try {
    return formatterFor(timeZone, style).format(date);
  } catch {
    return formatterFor('UTC', style).format(date);
  }
}
