import type { TrendyTickets } from '../client.js';
import type { RequestOptions } from '../internal/http.js';
import type { CreateDoorDeviceParams, DoorDevice, DoorSnapshot, DoorSyncParams, DoorSyncResult } from '../types.js';

const path = (event: string, rest = '') => `/v1/events/${encodeURIComponent(event)}/door_devices${rest}`;
const one = (event: string, device: string, rest: string) => path(event, `/${encodeURIComponent(device)}${rest}`);

/**
 * Door devices for a scanner of your own (a restricted key with `checkins:write`): sign a
 * device in for one event, keep its copy of what admits with snapshots, and upload what it
 * admitted offline. The server keeps each ticket admitted once; see docs/door.md.
 *
 * @example
 * const device = await tts.doorDevices.signIn('evt_…', { name: 'Gate 2' });
 * const snapshot = await tts.doorDevices.snapshot('evt_…', device.id);
 */
export class DoorDevicesResource {
  constructor(private readonly client: TrendyTickets) {}

  /**
   * Signs a device in for the event.
   *
   * @example
   * const device = await tts.doorDevices.signIn('evt_…', { name: 'Gate 2' });
   */
  signIn(event: string, params: CreateDoorDeviceParams = {}, options?: RequestOptions): Promise<DoorDevice> {
    return this.client.request<DoorDevice>({ ...options, method: 'POST', path: path(event), body: params });
  }

  /**
   * What the device needs to admit offline on a check-in list (`list`, the default one when
   * absent); pass the last snapshot's `cursor` as `since` for only what changed since.
   *
   * @example
   * const next = await tts.doorDevices.snapshot('evt_…', 'dev_…', { since: previous.cursor, list: 'chl_…' });
   */
  snapshot(event: string, device: string, params: { since?: string; list?: string } = {}, options?: RequestOptions): Promise<DoorSnapshot> {
    return this.client.request<DoorSnapshot>({ ...options, method: 'GET', path: one(event, device, '/snapshot'), query: { since: params.since, list: params.list } });
  }

  /**
   * Uploads offline admissions; uploading the same scan ids again is answered, never counted twice.
   *
   * @example
   * const { scans } = await tts.doorDevices.sync('evt_…', 'dev_…', { sent_at: new Date().toISOString(), scans: [{ id: 's1', code, scanned_at }] });
   */
  sync(event: string, device: string, params: DoorSyncParams, options?: RequestOptions): Promise<DoorSyncResult> {
    return this.client.request<DoorSyncResult>({ ...options, method: 'POST', path: one(event, device, '/sync'), body: params });
  }
}
