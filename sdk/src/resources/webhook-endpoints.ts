import type { TrendyTickets } from '../client.js';
import type { RequestOptions } from '../internal/http.js';
import type { PagedList } from '../pagination.js';
import type { CreateWebhookEndpointParams, DeletedWebhookEndpoint, ListParams, UpdateWebhookEndpointParams, WebhookEndpoint } from '../types.js';

const path = (id: string) => `/v1/webhook_endpoints/${encodeURIComponent(id)}`;

/**
 * Where events are POSTed (secret key). Check each delivery with `webhooks.constructEvent`
 * and the endpoint's `secret`, shown only when it is created or rolled.
 *
 * @example
 * const endpoint = await tts.webhookEndpoints.create({ url: 'https://example.com/tts', enabled_events: ['order.paid'] });
 * saveSecret(endpoint.secret); // whsec_… — shown only here
 */
export class WebhookEndpointsResource {
  constructor(private readonly client: TrendyTickets) {}

  /**
   * Creates an endpoint; the answer's `secret` is the only time the signing secret is shown.
   *
   * @example
   * const { id, secret } = await tts.webhookEndpoints.create({ url, enabled_events: ['*'] });
   */
  create(params: CreateWebhookEndpointParams, options?: RequestOptions): Promise<WebhookEndpoint> {
    return this.client.request<WebhookEndpoint>({ ...options, method: 'POST', path: '/v1/webhook_endpoints', body: params });
  }

  /**
   * The endpoints of the key's mode, newest first.
   *
   * @example
   * for await (const endpoint of tts.webhookEndpoints.list()) console.log(endpoint.url);
   */
  list(params: ListParams = {}, options?: RequestOptions): PagedList<WebhookEndpoint> {
    return this.client.list<WebhookEndpoint>('/v1/webhook_endpoints', { ...params }, options);
  }

  /**
   * One endpoint, without its secret.
   *
   * @example
   * const endpoint = await tts.webhookEndpoints.retrieve('we_…');
   */
  retrieve(id: string, options?: RequestOptions): Promise<WebhookEndpoint> {
    return this.client.request<WebhookEndpoint>({ ...options, method: 'GET', path: path(id) });
  }

  /**
   * Changes the fields given.
   *
   * @example
   * await tts.webhookEndpoints.update('we_…', { disabled: true });
   */
  update(id: string, params: UpdateWebhookEndpointParams, options?: RequestOptions): Promise<WebhookEndpoint> {
    return this.client.request<WebhookEndpoint>({ ...options, method: 'PATCH', path: path(id), body: params });
  }

  /**
   * Deletes an endpoint: nothing more is sent to it.
   *
   * @example
   * await tts.webhookEndpoints.del('we_…');
   */
  del(id: string, options?: RequestOptions): Promise<DeletedWebhookEndpoint> {
    return this.client.request<DeletedWebhookEndpoint>({ ...options, method: 'DELETE', path: path(id) });
  }

  /**
   * Issues a new signing secret (in the answer's `secret`); the old one keeps signing for 24 hours.
   *
   * @example
   * const { secret } = await tts.webhookEndpoints.rollSecret('we_…');
   */
  rollSecret(id: string, options?: RequestOptions): Promise<WebhookEndpoint> {
    return this.client.request<WebhookEndpoint>({ ...options, method: 'POST', path: `${path(id)}/roll_secret` });
  }
}
