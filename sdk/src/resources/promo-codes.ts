import type { TrendyTickets } from '../client.js';
import type { RequestOptions } from '../internal/http.js';
import type { PagedList } from '../pagination.js';
import type { CreatePromoCodeParams, DeletedPromoCode, ListParams, PromoCode, UpdatePromoCodeParams } from '../types.js';

const path = (event: string, rest = '') => `/v1/events/${encodeURIComponent(event)}/promo_codes${rest}`;
const one = (event: string, code: string) => path(event, `/${encodeURIComponent(code)}`);

/**
 * An event's promo codes (secret key): a discount on some or all ticket types, limited in uses,
 * per order and in time, and the hidden ticket types each one unlocks. Buyers send the code as
 * `promo_code` on the order.
 *
 * @example
 * await tts.promoCodes.create('evt_…', { code: 'EARLYBIRD', kind: 'percent', value: 20, max_uses: 50 });
 * await tts.orders.create({ event: 'evt_…', items, buyer, promo_code: 'earlybird' });
 */
export class PromoCodesResource {
  constructor(private readonly client: TrendyTickets) {}

  /**
   * The event's codes, newest first, each with its `uses`.
   *
   * @example
   * for await (const code of tts.promoCodes.list('evt_…')) console.log(code.code, code.uses);
   */
  list(event: string, params: ListParams = {}, options?: RequestOptions): PagedList<PromoCode> {
    return this.client.list<PromoCode>(path(event), { ...params }, options);
  }

  /**
   * A new code for the event.
   *
   * @example
   * await tts.promoCodes.create('evt_…', { code: 'VIP', kind: 'percent', value: 100, unlocks: ['tt_…'] });
   */
  create(event: string, params: CreatePromoCodeParams, options?: RequestOptions): Promise<PromoCode> {
    return this.client.request<PromoCode>({ ...options, method: 'POST', path: path(event), body: params });
  }

  /**
   * One code, with its `uses`.
   *
   * @example
   * const { uses, max_uses } = await tts.promoCodes.retrieve('evt_…', 'pc_…');
   */
  retrieve(event: string, code: string, options?: RequestOptions): Promise<PromoCode> {
    return this.client.request<PromoCode>({ ...options, method: 'GET', path: one(event, code) });
  }

  /**
   * Changes the fields sent; orders already made keep their discount.
   *
   * @example
   * await tts.promoCodes.update('evt_…', 'pc_…', { active: false });
   */
  update(event: string, code: string, params: UpdatePromoCodeParams, options?: RequestOptions): Promise<PromoCode> {
    return this.client.request<PromoCode>({ ...options, method: 'POST', path: one(event, code), body: params });
  }

  /**
   * Deletes a code; orders that used it keep their discount.
   *
   * @example
   * await tts.promoCodes.del('evt_…', 'pc_…');
   */
  del(event: string, code: string, options?: RequestOptions): Promise<DeletedPromoCode> {
    return this.client.request<DeletedPromoCode>({ ...options, method: 'DELETE', path: one(event, code) });
  }
}
