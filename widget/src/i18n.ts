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
  free: 'Free',
  next: 'Continue',
  back: 'Back',
  details: 'Your details',
  name: 'Full name',
  email: 'Email',
  phone: 'Phone (optional)',
  nameBad: 'Enter your name.',
  emailBad: 'Enter a valid email address.',
  phoneBad: 'Enter a phone number like +91 98765 43210.',
  codeNote: 'We will email you a code to confirm it.',
  holding: 'Holding your seats…',
  verify: 'Check your email',
  sentTo: 'Enter the 6-digit code we sent to {email}.',
  code: 'Code',
  confirm: 'Confirm',
  tries: 'Tries left: {n}',
  resend: 'Send a new code',
  resendIn: 'New code in {time}',
  pay: 'Pay',
  payAmount: 'Pay {amount}',
  fail: 'Fail the payment',
  paying: 'Confirming your payment…',
  held: 'Seats held for {time}',
  secure: 'Paid securely through Razorpay.',
  done: 'You’re in!',
  paid: 'Payment of {amount} received.',
  sent: 'Your tickets are on their way to {email}.',
  ticket: 'Ticket {n} of {total}',
  qr: 'QR code for ticket {n}',
  open: 'Open ticket',
  pdf: 'Download PDF',
  issuing: 'Your tickets will arrive by email.',
  find: 'Lost them later? Find my tickets',
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
  UPSTREAM_UNAVAILABLE: 'Payments are not answering right now.',
  SETUP: 'Tickets cannot be sold here. Please tell the site owner.',
  VALIDATION_FAILED: 'Please correct the marked fields.',
  INTERNAL: 'Something went wrong.',
};

/** A message id. */
export type Key = keyof typeof en;

const hi: Record<Key, string> = {
  buy: 'टिकट खरीदें',
  close: 'बंद करें',
  loading: 'लोड हो रहा है…',
  test: 'टेस्ट मोड',
  testNote: 'कोई असली पैसा नहीं कटेगा।',
  tickets: 'टिकट चुनें',
  steps: 'खरीद के चरण',
  sTickets: 'टिकट',
  sDetails: 'जानकारी',
  sDone: 'पूरा',
  left: '{n} बचे',
  soldOut: 'बिक गए',
  allSold: 'सभी टिकट बिक गए।',
  allHeld: 'बची सभी सीटें उन खरीदारों ने रोकी हैं जिन्होंने अभी भुगतान नहीं किया। {time} पर कुछ सीटें खाली हो सकती हैं; यह सूची अपने-आप अपडेट होती है।',
  heldOut: 'रुकी हैं',
  SALES_CLOSED: 'टिकटों की बिक्री बंद है।',
  opens: 'बिक्री {date} को शुरू होगी।',
  add: 'एक {name} जोड़ें',
  remove: 'एक {name} हटाएँ',
  amount: 'राशि ({min} – {max})',
  amountBad: '{min} से {max} के बीच राशि लिखें।',
  total: 'कुल',
  free: 'मुफ़्त',
  next: 'आगे बढ़ें',
  back: 'वापस',
  details: 'आपकी जानकारी',
  name: 'पूरा नाम',
  email: 'ईमेल',
  phone: 'फ़ोन (वैकल्पिक)',
  nameBad: 'अपना नाम लिखें।',
  emailBad: 'सही ईमेल पता लिखें।',
  phoneBad: 'फ़ोन नंबर लिखें, जैसे +91 98765 43210',
  codeNote: 'पुष्टि के लिए हम एक कोड ईमेल करेंगे।',
  holding: 'सीटें रोकी जा रही हैं…',
  verify: 'अपना ईमेल देखें',
  sentTo: '{email} पर भेजा गया 6 अंकों का कोड लिखें।',
  code: 'कोड',
  confirm: 'पुष्टि करें',
  tries: 'बचे प्रयास: {n}',
  resend: 'नया कोड भेजें',
  resendIn: '{time} में नया कोड',
  pay: 'भुगतान',
  payAmount: '{amount} चुकाएँ',
  fail: 'भुगतान विफल करें',
  paying: 'भुगतान की पुष्टि हो रही है…',
  held: 'सीटें {time} तक रुकी हैं',
  secure: 'Razorpay से सुरक्षित भुगतान।',
  done: 'टिकट तैयार हैं!',
  paid: '{amount} का भुगतान मिला।',
  sent: 'टिकट {email} पर भेजे जा रहे हैं।',
  ticket: 'टिकट {n}/{total}',
  qr: 'टिकट {n} का QR कोड',
  open: 'टिकट खोलें',
  pdf: 'PDF डाउनलोड करें',
  issuing: 'टिकट ईमेल से आएँगे।',
  find: 'बाद में न मिलें? मेरे टिकट खोजें',
  retry: 'फिर कोशिश करें',
  restart: 'फिर से शुरू करें',
  expired: 'समय खत्म हुआ, सीटें छोड़ दी गईं। कोई पैसा नहीं कटा।',
  leave: 'भुगतान चल रहा है। फिर भी बंद करें?',
  stay: 'भुगतान जारी रखें',
  SOLD_OUT: 'ये टिकट अभी बिक गए।',
  OTP_INVALID: 'यह कोड सही नहीं है।',
  OTP_LOCKED: 'बहुत गलत कोड। नया कोड मँगाएँ।',
  OTP_EXPIRED: 'कोड की समय-सीमा खत्म। नया कोड मँगाएँ।',
  RATE_LIMITED: 'बहुत कोशिशें हुईं। {time} रुकें।',
  NETWORK_ERROR: 'संपर्क नहीं हो सका। इंटरनेट जाँचें।',
  PAYMENT_FAILED: 'भुगतान नहीं हुआ: {reason}',
  PAYMENT_VERIFICATION_FAILED: 'भुगतान की पुष्टि नहीं हो सकी। पैसे कटे हैं तो टिकट ईमेल से आएँगे।',
  GATEWAY_UNAVAILABLE: 'भुगतान विंडो नहीं खुली।',
  UPSTREAM_UNAVAILABLE: 'भुगतान सेवा अभी जवाब नहीं दे रही।',
  SETUP: 'यहाँ टिकट नहीं बिक सकते। साइट के मालिक को बताएँ।',
  VALIDATION_FAILED: 'चिह्नित जानकारी ठीक करें।',
  INTERNAL: 'कुछ गड़बड़ हो गई।',
};

/** The languages the checkout speaks. */
export type Locale = 'en' | 'hi';

/** Every message of every locale, for tests that hold the two to the same placeholders. */
export const MESSAGES: Readonly<Record<Locale, Readonly<Record<Key, string>>>> = { en, hi };

/** Words and formats for one locale. */
export interface I18n {
  locale: Locale;
  /** The message, with `{name}` placeholders filled from `vars`. */
  t(key: Key, vars?: Record<string, string | number>): string;
  /** Paise as rupees: `₹1,499.00`, Indian digit grouping. */
  money(paise: number): string;
  /** A timestamp in the event's time zone, e.g. `8 Jun 2030, 7:30 pm`. */
  date(iso: string, timeZone: string): string;
  /** A timestamp's time of day in the event's time zone, e.g. `7:42 pm`. */
  time(iso: string, timeZone: string): string;
  /** Seconds as `m:ss`. */
  clock(seconds: number): string;
}

/**
 * The words and formats for `locale` (anything but `hi` is English).
 *
 * @example
 * const i = i18n('hi');
 * i.t('payAmount', { amount: i.money(99_800) }); // '₹998.00 का भुगतान करें'
 */
export function i18n(locale: string | null | undefined): I18n {
  const lang: Locale = locale === 'hi' ? 'hi' : 'en';
  const words = MESSAGES[lang];
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
