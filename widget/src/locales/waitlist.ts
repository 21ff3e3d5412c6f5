/**
 * The words of the waiting-list part (waitlist.ts), in every language the checkout speaks.
 * They travel with the part, so only buyers who open the waiting-list form fetch them.
 * `Record<Locale, …>` over the English keys: a new word without its Hindi does not compile.
 */
import type { I18n, Locale } from '../i18n.js';

const en = {
  title: 'Waiting list: {type}',
  intro: 'When seats come free, the first in line get an email offer.',
  qty: 'Tickets wanted (1 to {n})',
  qtyBad: 'Choose from 1 to {n} tickets.',
  join: 'Join the waiting list',
  verify: 'Check your email',
  confirm: 'Confirm',
  tries: 'Tries left: {n}',
  resend: 'Send a new code',
  resent: 'A new code is on its way.',
  joined: 'You’re number {n} in line for {type}.',
  later: 'We’ll email you when seats come free; the offer holds them for a limited time.',
  WAITING_LIST_CLOSED: 'The waiting list for this event is closed.',
  SEATS_AVAILABLE: 'Seats are on sale again: you can buy them now.',
  ALREADY_WAITING: '{email} is already on the waiting list for {type}.',
  NOT_FOUND: 'This ticket type is no longer on sale.',
};

/** A word of the waiting-list part. */
export type WaitlistKey = keyof typeof en;

/** The part's words per locale. */
export const WAITLIST_WORDS: Readonly<Record<Locale, Readonly<Record<WaitlistKey, string>>>> = {
  en,
  hi: {
    title: 'प्रतीक्षा सूची: {type}',
    intro: 'सीटें खाली होने पर, कतार में सबसे आगे वालों को ईमेल से ऑफ़र मिलता है।',
    qty: 'कितने टिकट चाहिए (1 से {n})',
    qtyBad: '1 से {n} टिकट चुनें।',
    join: 'प्रतीक्षा सूची में जुड़ें',
    verify: 'अपना ईमेल देखें',
    confirm: 'पुष्टि करें',
    tries: 'बचे प्रयास: {n}',
    resend: 'नया कोड भेजें',
    resent: 'नया कोड भेजा जा रहा है।',
    joined: '{type} की कतार में आपका नंबर {n} है।',
    later: 'सीटें खाली होने पर हम आपको ईमेल करेंगे; ऑफ़र उन्हें सीमित समय तक रोककर रखता है।',
    WAITING_LIST_CLOSED: 'इस इवेंट की प्रतीक्षा सूची बंद है।',
    SEATS_AVAILABLE: 'सीटें फिर से बिक्री पर हैं: आप उन्हें अभी खरीद सकते हैं।',
    ALREADY_WAITING: '{email} पहले से {type} की प्रतीक्षा सूची में है।',
    NOT_FOUND: 'यह टिकट प्रकार अब बिक्री पर नहीं है।',
  },
};

/**
 * One word of the part in the checkout's locale, `{name}` filled from `vars`.
 *
 * @example say(i, 'joined', { n: 3, type: 'VIP' }) // 'You’re number 3 in line for VIP.'
 */
export function say(i: I18n, key: WaitlistKey, vars: Record<string, string | number> = {}): string {
  return WAITLIST_WORDS[i.locale][key].replace(/\{(\w+)\}/g, (_, name: string) => String(vars[name]));
}
