/**
 * The words of the checkout's extras (extras.ts), in every language the checkout speaks. They
 * travel with the extras, not in the script-tag bundle or a locale's file, so only checkouts
 * that use a promo code fetch them. `Record<Locale, …>` over the English keys: a new word
 * without its Hindi does not compile.
 */
import type { I18n, Locale } from '../i18n.js';

const en = {
  done: 'You’re in!',
  paid: 'Payment of {amount} received.',
  ticket: 'Ticket {n} of {total}',
  qr: 'QR code for ticket {n}',
  open: 'Open ticket',
  pdf: 'Download PDF',
  issuing: 'Your tickets will arrive by email.',
  find: 'Lost them later? Find my tickets',
  verify: 'Check your email',
  confirm: 'Confirm',
  tries: 'Tries left: {n}',
  resend: 'Send a new code',
  resendIn: 'New code in {time}',
  label: 'Promo code',
  apply: 'Apply',
  remove: 'Remove',
  applied: '{code} applied: {off}',
  percent: '{n}% off',
  fixed: '{amount} off each ticket',
  only: 'on {types}',
  unknown: 'That code does not exist. Check the spelling.',
  not_started: 'That code is not valid yet.',
  expired: 'That code has expired.',
  used_up: 'That code has been used up.',
  inactive: 'That code is no longer active.',
  failed: 'Could not check the code. Try again.',
};

/** A word of the extras. */
export type ExtrasKey = keyof typeof en;

/** The extras' words per locale. */
export const EXTRAS_WORDS: Readonly<Record<Locale, Readonly<Record<ExtrasKey, string>>>> = {
  en,
  hi: {
    done: 'टिकट तैयार हैं!',
    paid: '{amount} का भुगतान मिला।',
    ticket: 'टिकट {n}/{total}',
    qr: 'टिकट {n} का QR कोड',
    open: 'टिकट खोलें',
    pdf: 'PDF डाउनलोड करें',
    issuing: 'टिकट ईमेल से आएँगे।',
    find: 'बाद में न मिलें? मेरे टिकट खोजें',
    verify: 'अपना ईमेल देखें',
    confirm: 'पुष्टि करें',
    tries: 'बचे प्रयास: {n}',
    resend: 'नया कोड भेजें',
    resendIn: '{time} में नया कोड',
    label: 'प्रोमो कोड',
    apply: 'लागू करें',
    remove: 'हटाएँ',
    applied: '{code} लागू: {off}',
    percent: '{n}% की छूट',
    fixed: 'हर टिकट पर {amount} की छूट',
    only: '{types} पर',
    unknown: 'यह कोड मौजूद नहीं है। वर्तनी जाँचें।',
    not_started: 'यह कोड अभी मान्य नहीं है।',
    expired: 'इस कोड की अवधि समाप्त हो गई है।',
    used_up: 'यह कोड पूरा इस्तेमाल हो चुका है।',
    inactive: 'यह कोड अब सक्रिय नहीं है।',
    failed: 'कोड जाँचा नहीं जा सका। फिर से कोशिश करें।',
  },
};

/**
 * One word of the extras in the checkout's locale, `{name}` filled from `vars`.
 *
 * @example say(i, 'tries', { n: 4 }) // 'Tries left: 4'
 */
export function say(i: I18n, key: ExtrasKey, vars: Record<string, string | number> = {}): string {
  return EXTRAS_WORDS[i.locale][key].replace(/\{(\w+)\}/g, (_, name: string) => String(vars[name]));
}
