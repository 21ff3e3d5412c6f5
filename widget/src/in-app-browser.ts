/**
 * In-app browsers (Instagram, Facebook and Messenger, Line, Snapchat, Android WebView): Razorpay
 * Checkout's popup and its `handler` callback do not work there, and Razorpay asks for its
 * redirect flow instead (`redirect: true` with a `callback_url` on the server).
 * @see https://razorpay.com/docs/payments/payment-gateway/callback-url/
 */
const IN_APP = /\b(FBAN|FBAV|FB_IAB|FBIOS|Instagram|Messenger|MessengerForiOS|Line|Snapchat|musical_ly|Bytedance|LinkedInApp|Twitter)\b|; wv\)/i;

/**
 * Whether `userAgent` is an in-app browser, by the markers those apps put in it.
 *
 * @example
 * isInAppBrowser(navigator.userAgent); // true inside Instagram on Android
 */
export function isInAppBrowser(userAgent: string): boolean {
  return IN_APP.test(userAgent);
}

/**
 * A phone number as Razorpay Checkout's `prefill.contact` takes it: digits with an optional
 * leading `+` and country code, no spaces or punctuation (`+91 98765-43210` → `+919876543210`).
 * @see https://razorpay.com/docs/payments/payment-gateway/web-integration/standard/integration-steps/#123-checkout-options
 */
export function razorpayContact(phone: string | null): string {
  if (!phone) return '';
  const plus = phone.trim().startsWith('+') ? '+' : '';
  return plus + phone.replace(/\D/g, '');
}
