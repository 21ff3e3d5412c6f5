import type { TrendyTickets } from '../client.js';
import type { RequestOptions } from '../internal/http.js';
import type { Account, PaymentSettings, TaxProfile, UpdatePaymentSettingsParams, UpdateTaxProfileParams } from '../types.js';

/**
 * `GET /v1/account`: who the secret key belongs to. Sign-up is {@link TrendyTickets.createAccount}.
 *
 * @example
 * const me = await tts.account.retrieve();
 * console.log(me.name, me.email);
 */
export class AccountResource {
  constructor(private readonly client: TrendyTickets) {}

  /**
   * The account of the key (secret key).
   *
   * @example
   * const { id } = await tts.account.retrieve();
   */
  retrieve(options?: RequestOptions): Promise<Account> {
    return this.client.request<Account>({ ...options, method: 'GET', path: '/v1/account' });
  }

  /**
   * Where the key's mode's payments go, and the connected Razorpay account (secret key).
   *
   * @example
   * const { collected_by, webhook_url } = await tts.account.retrievePaymentSettings();
   */
  retrievePaymentSettings(options?: RequestOptions): Promise<PaymentSettings> {
    return this.client.request<PaymentSettings>({ ...options, method: 'GET', path: '/v1/account/payment_settings' });
  }

  /**
   * Connects the organizer's own Razorpay account for the key's mode; the keys are checked with
   * Razorpay first (secret key).
   *
   * @example
   * await tts.account.updatePaymentSettings({ gateway: 'razorpay', key_id: 'rzp_live_…', key_secret, webhook_secret });
   */
  updatePaymentSettings(params: UpdatePaymentSettingsParams, options?: RequestOptions): Promise<PaymentSettings> {
    return this.client.request<PaymentSettings>({ ...options, method: 'PUT', path: '/v1/account/payment_settings', body: params });
  }

  /**
   * Disconnects the Razorpay account of the key's mode: new orders stop going to it (secret key).
   *
   * @example
   * await tts.account.deletePaymentSettings();
   */
  deletePaymentSettings(options?: RequestOptions): Promise<PaymentSettings> {
    return this.client.request<PaymentSettings>({ ...options, method: 'DELETE', path: '/v1/account/payment_settings' });
  }

  /**
   * The account's tax profile (secret key); a 404 `TtsNotFoundError` until one is set.
   *
   * @example
   * const { gstin } = await tts.account.retrieveTaxProfile();
   */
  retrieveTaxProfile(options?: RequestOptions): Promise<TaxProfile> {
    return this.client.request<TaxProfile>({ ...options, method: 'GET', path: '/v1/account/tax_profile' });
  }

  /**
   * Sets the whole tax profile (secret key). `gstin: null` means not registered for GST.
   *
   * @example
   * await tts.account.updateTaxProfile({ legal_name: 'Mumbai Music Co. Pvt. Ltd.', address: '12 Marine Drive, Mumbai', state: '27', gstin: '27AAPFU0939F1ZV' });
   */
  updateTaxProfile(params: UpdateTaxProfileParams, options?: RequestOptions): Promise<TaxProfile> {
    return this.client.request<TaxProfile>({ ...options, method: 'PUT', path: '/v1/account/tax_profile', body: params });
  }
}
