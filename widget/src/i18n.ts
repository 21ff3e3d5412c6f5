/**
 * The checkout's words in English and Hindi (`locale="hi"`), and its number and date formats.
 * Every Hindi entry must exist (`Record<Key, string>`), so a new English string without its
 * translation does not compile.
 */

const en = {
  buy: 'Buy tickets',
  close: 'Close',
  loading: 'Loading…',
  test: 'TEST MODE',
  testNote: 'No real money moves.',
  tickets: 'Choose tickets',
  steps: 'Checkout steps',
  sTickets: 'Tickets',
  sDetails: 'Details',
  sDone: 'Done',
  left: '{n} left',
  soldOut: 'Sold out',
  waitlist: 'Join the waiting list',
  allSold: 'All tickets are sold.',
  allHeld: 'Every seat left is held by buyers who have not paid yet. Some may free up at {time}; this list updates by itself.',
  heldOut: 'Held',
  SALES_CLOSED: 'Ticket sales are closed.',
  opens: 'Ticket sales open on {date}.',
  add: 'Add one {name}',
  remove: 'Remove one {name}',
  amount: 'Amount ({min} – {max})',
  amountBad: 'Enter an amount from {min} to {max}.',
  total: 'Total',
  fee: 'Convenience fee',
  free: 'Free',
  next: 'Continue',
  back: 'Back',
  details: 'Your details',
  name: 'Full name',
  email: 'Email',
  phone: 'Phone (optional)',
  gst: 'Need a GST invoice?',
  company: 'Company',
  address: 'Billing address',
  nameBad: 'Enter your name.',
  emailBad: 'Enter a valid email address.',
  phoneBad: 'Enter a phone number like +91 98765 43210.',
  codeNote: 'We will email you a code to confirm it.',
  holding: 'Holding your seats…',
  sentTo: 'Enter the 6-digit code we sent to {email}.',
  code: 'Code',
  pay: 'Pay',
  payAmount: 'Pay {amount}',
  fail: 'Fail the payment',
  paying: 'Confirming your payment…',
  held: 'Seats held for {time}',
  secure: 'Paid securely through Razorpay.',
  sent: 'Your tickets are on their way to {email}.',
  retry: 'Try again',
  restart: 'Start again',
  expired: 'Time ran out and your seats were released. You were not charged.',
  leave: 'A payment is in progress. Close anyway?',
  stay: 'Keep paying',
  SOLD_OUT: 'Those tickets just sold out.',
  OTP_INVALID: 'That code is not right.',
  OTP_LOCKED: 'Too many wrong codes. Ask for a new one.',
  OTP_EXPIRED: 'That code has expired. Ask for a new one.',
  RATE_LIMITED: 'Too many tries. Wait {time}.',
  NETWORK_ERROR: 'Could not connect. Check your internet.',
  PAYMENT_FAILED: 'The payment did not go through: {reason}',
  PAYMENT_VERIFICATION_FAILED: 'We could not confirm the payment. If you were charged, your tickets will follow by email.',
  GATEWAY_UNAVAILABLE: 'The payment window did not load.',
  PART_UNAVAILABLE: 'Part of the checkout did not load. Check your connection.',
  haveCode: 'Have a code?',
  discount: 'Discount ({code})',
  UPSTREAM_UNAVAILABLE: 'Payments are not answering right now.',
  PROMO_CODE_INVALID: 'That code can no longer be used. Remove it or try another.',
  SETUP: 'Tickets cannot be sold here. Please tell the site owner.',
  VALIDATION_FAILED: 'Please correct the marked fields.',
  PAYLOAD_TOO_LARGE: 'Your details are too long. Shorten them and try again.',
  CONFLICT: 'Your order changed at the same moment. Please start again.',
  ORDER_NOT_PAYABLE: 'This order can no longer be paid.',
  IDEMPOTENCY_MISMATCH: 'Your request changed while it was being sent. Try again.',
  IDEMPOTENCY_IN_FLIGHT: 'Your last request is still being handled. Try again in a moment.',
  INTERNAL: 'Something went wrong.',
};

/** A message id. */
export type Key = keyof typeof en;

/** The languages the checkout speaks. */
export type Locale = 'en' | 'hi';

/** The messages of one locale. */
export type Messages = Readonly<Record<Key, string>>;

/**
 * The locales whose words are here. English ships in the bundle; Hindi is a file of its own
 * (`locales/hi.ts`, served as `/widget/v1/tts-checkout.hi.js`), fetched only by a checkout
 * with `locale="hi"`, so the script-tag bundle keeps within its size budget
 * (docs/widget.md#languages).
 */
const loaded: Partial<Record<Locale, Messages>> = { en };

/** The English messages, the ones every other locale must match key for key. */
export const ENGLISH: Messages = en;

/**
 * Makes a locale's messages available to {@link i18n}.
 *
 * @example
 * registerMessages('hi', (await import('./locales/hi.js')).hi);
 */
export function registerMessages(locale: Locale, messages: Messages): void {
  loaded[locale] = messages;
}

/** Whether {@link i18n} can speak `locale` now (English always can). */
export function hasMessages(locale: Locale): boolean {
  return loaded[locale] !== undefined;
}

/** Words and formats for one locale. */
export interface I18n {
  locale: Locale;
  /** The message, with `{name}` placeholders filled from `vars`. */
  t(key: Key, vars?: Record<string, string | number>): string;
  /** Paise as rupees: `₹1,499.00`, Indian digit grouping (as the SDK's `formatRupees`; see shared-rules.test.ts). */
  money(paise: number): string;
  /** A timestamp in the event's time zone, e.g. `8 Jun 2030, 7:30 pm`. */
  date(iso: string, timeZone: string): string;
  /** A timestamp's time of day in the event's time zone, e.g. `7:42 pm`. */
  time(iso: string, timeZone: string): string;
  /** Seconds as `m:ss`. */
  clock(seconds: number): string;
}

/**
 * The words and formats for `locale` (anything but `hi`, and `hi` before {@link registerMessages}
 * has its words, is English).
 *
 * @example
 * registerMessages('hi', hi);
 * const i = i18n('hi');
 * i.t('payAmount', { amount: i.money(99_800) }); // '₹998.00 का भुगतान करें'
 */
export function i18n(locale: string | null | undefined): I18n {
  // Hindi until its file has arrived is English; the element asks again once it has.
  const lang: Locale = locale === 'hi' && loaded.hi ? 'hi' : 'en';
  const words = loaded[lang] ?? en;
  const tag = `${lang}-IN`;
  const rupees = new Intl.NumberFormat(tag, { style: 'currency', currency: 'INR' });
  return {
    locale: lang,
    t: (key, vars = {}) => words[key].replace(/\{(\w+)\}/g, (_, name: string) => String(vars[name])),
    money: (paise) => rupees.format(paise / 100),
    date: (iso, timeZone) => new Intl.DateTimeFormat(tag, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(new Date(iso)),
    time: (iso, timeZone) => new Intl.DateTimeFormat(tag, { timeStyle: 'short', timeZone }).format(new Date(iso)),
    clock: (seconds) => `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`,
  };
}
