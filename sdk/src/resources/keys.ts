import type { TrendyTickets } from '../client.js';
import type { RequestOptions } from '../internal/http.js';
import type { ApiKey, List, RollKeyParams } from '../types.js';

/**
 * API keys (secret key). A rolled key stops working at once on the server that rolled it and
 * within 2 s everywhere (docs/decisions/0009).
 *
 * @example
 * const fresh = await tts.keys.roll({ kind: 'publishable' });
 * console.log(fresh.secret); // pk_test_… — shown only here
 */
export class KeysResource {
  constructor(private readonly client: TrendyTickets) {}

  /**
   * Issues a new key of the kind (and mode) and revokes the old one. When rolls of the same
   * kind and mode overlap, the last to start wins; the others throw a 409 `CONFLICT` error
   * and issued no key (list the keys to see the one that works).
   *
   * @example
   * const { secret } = await tts.keys.roll({ kind: 'secret' });
   */
  roll(params: RollKeyParams, options?: RequestOptions): Promise<ApiKey> {
    return this.client.request<ApiKey>({ ...options, method: 'POST', path: '/v1/keys/roll', body: params });
  }

  /**
   * The active keys, newest first, without their secrets (one page holds them all).
   *
   * @example
   * const { data } = await tts.keys.list();
   * data.forEach((k) => console.log(k.kind, k.mode, k.display));
   */
  list(options?: RequestOptions): Promise<List<ApiKey>> {
    return this.client.request<List<ApiKey>>({ ...options, method: 'GET', path: '/v1/keys' });
  }
}
