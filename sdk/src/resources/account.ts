import type { TrendyTickets } from '../client.js';
import type { RequestOptions } from '../internal/http.js';
import type { Account, TaxProfile, UpdateTaxProfileParams } from '../types.js';

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
