/**
 * The words of the attendee part (attendees.ts), in every language the checkout speaks. They
 * travel with that part, so only checkouts of events that ask attendee details or questions
 * fetch them. `Record<Locale, …>` over the English keys: a new word without its Hindi does not compile.
 */
import type { I18n, Locale } from '../i18n.js';

const en = {
  seat: 'Ticket {n} of {total}: {type}',
  holder: 'Attendee name',
  holderEmail: 'Attendee email (optional)',
  holderBad: 'Enter a name for this ticket.',
  aboutOrder: 'About your order',
  pick: 'Choose…',
  need: 'Answer this question.',
  tick: 'Tick this box to continue.',
  number: 'Enter a number.',
  date: 'Enter a date.',
  phone: 'Enter a phone number like +91 98765 43210.',
  email: 'Enter a valid email address.',
};

/** A word of the attendee part. */
export type AttendeesKey = keyof typeof en;

/** The attendee part's words per locale. */
export const ATTENDEES_WORDS: Readonly<Record<Locale, Readonly<Record<AttendeesKey, string>>>> = {
  en,
  hi: {
    seat: 'टिकट {n}/{total}: {type}',
    holder: 'टिकटधारक का नाम',
    holderEmail: 'टिकटधारक का ईमेल (वैकल्पिक)',
    holderBad: 'इस टिकट के लिए नाम लिखें।',
    aboutOrder: 'आपके ऑर्डर के बारे में',
    pick: 'चुनें…',
    need: 'इस प्रश्न का उत्तर दें।',
    tick: 'आगे बढ़ने के लिए यह बॉक्स चुनें।',
    number: 'कोई संख्या लिखें।',
    date: 'कोई तारीख लिखें।',
    phone: '+91 98765 43210 जैसा फ़ोन नंबर लिखें।',
    email: 'सही ईमेल पता लिखें।',
  },
};

/**
 * One word of the attendee part in the checkout's locale, `{name}` filled from `vars`.
 *
 * @example say(i, 'seat', { n: 1, total: 3, type: 'General' }) // 'Ticket 1 of 3: General'
 */
export function say(i: I18n, key: AttendeesKey, vars: Record<string, string | number> = {}): string {
  return ATTENDEES_WORDS[i.locale][key].replace(/\{(\w+)\}/g, (_, name: string) => String(vars[name]));
}
