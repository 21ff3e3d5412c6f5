import type { TrendyTickets } from '../client.js';
import type { RequestOptions } from '../internal/http.js';
import type { Account } from '../types.js';

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
}
