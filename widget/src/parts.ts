/**
 * The checkout's parts fetched from the server when first needed, so the script-tag bundle
 * carries only what every checkout runs (docs/widget.md#size): the page's options
 * (options.ts, as `tts-checkout.options.js`) and live payments (razorpay-handler.ts, as
 * `tts-checkout.razorpay.js`), next to the Hindi words (i18n.ts).
 */
export const parts = {
  /**
   * Imports `/widget/v1/<file>` from the server. A seam: the component tests, which run where no
   * module can be imported over HTTP, point it at the source modules (test-support/setup.ts).
   */
  load: (base: string, file: string): Promise<unknown> => import(/* webpackIgnore: true */ `${base}/widget/v1/${file}`),
};
