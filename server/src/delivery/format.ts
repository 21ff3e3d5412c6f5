/**
 * Human-facing formatting shared by the ticket PDF and the mail templates, so a price or a
 * start time reads the same on paper and in the inbox.
 */

/**
 * Writes an amount in minor units as `"INR 1,499.00"`, with Indian digit grouping
 * (`"INR 1,00,000.00"`), the way Indian invoices and Razorpay receipts print it.
 * The ISO code rather than `₹` because the PDF standard fonts have no rupee glyph.
 * Integer arithmetic only: dividing paise by 100 in floating point can print 14.989999.
 *
 * @example formatMoney(149_900, 'INR') // 'INR 1,499.00'
 */
export function formatMoney(amount: number, currency = 'INR'): string {
  const sign = amount < 0 ? '-' : '';
  const minor = Math.abs(Math.trunc(amount));
  const major = Math.floor(minor / 100);
  const cents = String(minor % 100).padStart(2, '0');
  return `${currency} ${sign}${groupIndian(major)}.${cents}`;
}

function groupIndian(n: number): string {
  const digits = String(n);
  if (digits.length <= 3) return digits;
  const last3 = digits.slice(-3);
  const rest = digits.slice(0, -3).replace(/\B(?=(\d{2})+(?!\d))/g, ',');
  return `${rest},${last3}`;
}

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
