/**
 * Money as people type and read it: rupees with Indian digit grouping (`1,00,000.00`), while
 * the API always carries integer paise. Integer arithmetic only: dividing paise by 100 in
 * floating point can print `14.989999`, and multiplying typed rupees by 100 can store 49998.99.
 * The server's pages, mail, PDFs and console use these same functions, so a price reads the
 * same everywhere it appears.
 */

/**
 * Rupees as a person types them (`500`, `1,499.50`, `₹ 999`) to integer paise; null when the
 * text is not an amount of money (negative, more than two decimals, letters, empty).
 * Commas, spaces and the rupee sign are ignored wherever they are.
 *
 * @example
 * toPaise('1,499.5'); // 149_950
 * toPaise('499.999'); // null
 */
export function toPaise(typed: string): number | null {
  const m = /^(\d{1,9})(?:\.(\d{1,2}))?$/.exec(typed.replace(/[,\s₹]/g, ''));
  return m ? Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0')) : null;
}

/**
 * Paise as the rupees a form field shows, ready to be read back by {@link toPaise}: whole
 * rupees without decimals (`499`), otherwise two decimals (`499.50`), no grouping.
 *
 * @example
 * rupeesInput(49_950); // '499.50'
 * rupeesInput(50_000); // '500'
 */
export function rupeesInput(paise: number): string {
  const whole = Math.floor(paise / 100);
  const cents = paise % 100;
  return cents === 0 ? String(whole) : `${whole}.${String(cents).padStart(2, '0')}`;
}

/**
 * An amount in minor units as `INR 1,499.00`, with Indian digit grouping (`INR 1,00,000.00`),
 * the way Indian invoices and Razorpay receipts print it. The ISO code rather than `₹` suits
 * places without a rupee glyph (PDF standard fonts, plain-text mail); see {@link formatRupees}.
 *
 * @example
 * formatMoney(149_900); // 'INR 1,499.00'
 * formatMoney(10_000_000, 'INR'); // 'INR 1,00,000.00'
 */
export function formatMoney(amount: number, currency = 'INR'): string {
  const sign = amount < 0 ? '-' : '';
  const minor = Math.abs(Math.trunc(amount));
  const major = Math.floor(minor / 100);
  const cents = String(minor % 100).padStart(2, '0');
  return `${currency} ${sign}${groupIndian(major)}.${cents}`;
}

/**
 * Paise as rupees with the rupee sign, `₹1,499.00`, Indian digit grouping: what a web page
 * shows, and what `Intl.NumberFormat('en-IN', { style: 'currency', currency: 'INR' })` prints.
 *
 * @example
 * formatRupees(149_900); // '₹1,499.00'
 */
export function formatRupees(paise: number): string {
  return formatMoney(paise, 'INR').replace(/^INR /, '₹');
}

/** `1234567` → `12,34,567`: the last three digits, then groups of two. */
function groupIndian(n: number): string {
  const digits = String(n);
  if (digits.length <= 3) return digits;
  const last3 = digits.slice(-3);
  const rest = digits.slice(0, -3).replace(/\B(?=(\d{2})+(?!\d))/g, ',');
  return `${rest},${last3}`;
}
