import { createRoute } from '@hono/zod-openapi';
import type { DoorDevice, DoorScanResult, DoorSnapshot } from '@trendy-tickets/sdk';
import type { DoorDeviceDoc } from '../../domain/door-devices.js';
import type { OfflineScanDoc, OfflineSnapshot } from '../../domain/offline-sync.js';
import { auditContext } from '../audit-context.js';
import { requireKey } from '../middleware/auth.js';
import { bearer, createRouter } from '../router.js';
import { errorResponses, IdParam } from '../schemas/common.js';
import { CreateDoorDeviceBody, DoorDeviceParams, DoorDeviceSchema, DoorSnapshotQuery, DoorSnapshotSchema, DoorSyncBody, DoorSyncResultSchema } from '../schemas/door-devices.js';

const json = <T>(schema: T) => ({ 'application/json': { schema } });
const secret = { security: bearer, middleware: [requireKey('secret')], tags: ['Check-in'] };

/** A door device on the wire. */
export function toDoorDeviceJson(device: DoorDeviceDoc): DoorDevice {
  return {
    id: device._id,
    object: 'door_device',
    event: device.event,
    name: device.name,
    signed_in_by: device.signed_in_by,
    created_at: device.created_at.toISOString(),
    last_sync_at: device.last_sync_at?.toISOString() ?? null,
    revoked_at: device.revoked_at?.toISOString() ?? null,
  };
}

/** A door snapshot on the wire: what the device keeps. */
export function toDoorSnapshotJson(snap: OfflineSnapshot): DoorSnapshot {
  return {
    object: 'door_snapshot',
    event: snap.event,
    list: snap.list
      ? {
          id: snap.list.id,
          name: snap.list.name,
          ticket_types: snap.list.ticket_types,
          opens_at: snap.list.opens_at?.toISOString() ?? null,
          closes_at: snap.list.closes_at?.toISOString() ?? null,
          reentry: snap.list.reentry,
        }
      : null,
    public_key: snap.public_key,
    status: snap.status,
    valid_from: snap.valid_from?.toISOString() ?? null,
    valid_until: snap.valid_until?.toISOString() ?? null,
    voided: snap.voided,
    checked_in: snap.checked_in,
    unchecked: snap.unchecked,
    on_list: snap.on_list,
    cursor: snap.cursor.toISOString(),
    full: snap.full,
  };
}

/** One uploaded scan's result on the wire. */
export function toDoorScanResultJson(doc: OfflineScanDoc): DoorScanResult {
  return {
    id: doc.scan_id,
    outcome: doc.outcome,
    reason: doc.reason,
    ticket: doc.ticket,
    list: doc.list ?? null,
    checkin: doc.checkin,
    scanned_at: doc.scanned_at.toISOString(),
    device_scanned_at: doc.device_scanned_at.toISOString(),
    received_at: doc.received_at.toISOString(),
    winner: doc.winner ? { checkin: doc.winner.checkin, at: doc.winner.at.toISOString(), by: doc.winner.by } : null,
  };
}

const signIn = createRoute({
  ...secret,
  method: 'post',
  path: '/v1/events/{id}/door_devices',
  summary: 'Sign a door device in',
  description: 'Signs a scanner in for one event, for offline scanning (docs/door.md). A restricted key with `checkins:write` may do it.',
  request: { params: IdParam, body: { required: false, content: json(CreateDoorDeviceBody) } },
  responses: { 201: { description: 'The device.', content: json(DoorDeviceSchema) }, ...errorResponses(400, 401, 403, 404) },
});

const snapshot = createRoute({
  ...secret,
  method: 'get',
  path: '/v1/events/{id}/door_devices/{device}/snapshot',
  summary: 'What a door device keeps to admit offline',
  description: 'The verification key, the event’s window, and the voided and admitted ticket ids; with `since`, only what changed. Refused (403) for a revoked device.',
  request: { params: DoorDeviceParams, query: DoorSnapshotQuery },
  responses: { 200: { description: 'The snapshot.', content: json(DoorSnapshotSchema) }, ...errorResponses(400, 401, 403, 404) },
});

const sync = createRoute({
  ...secret,
  method: 'post',
  path: '/v1/events/{id}/door_devices/{device}/sync',
  summary: 'Upload offline admissions',
  description:
    'Each scan is taken once per scan id; an upload sent again is answered with the first results. The first admission by scan time (corrected by the device’s clock error) wins; another is a `conflict`. Refused (403) for a revoked device.',
  request: { params: DoorDeviceParams, body: { required: true, content: json(DoorSyncBody) } },
  responses: { 200: { description: 'One result per scan.', content: json(DoorSyncResultSchema) }, ...errorResponses(400, 401, 403, 404) },
});

/** Door devices for scanners that talk to the API with a key (the console's scanner has its own routes). */
export function doorDeviceApiRoutes() {
  return createRouter()
    .openapi(signIn, async (c) => {
      const { auth, services } = c.var;
      const body = c.req.valid('json') ?? {};
      const device = await services.doorDevices.signIn(c.get('owner'), c.req.valid('param').id, { name: body.name ?? '', by: `API key ${auth.key.display}` }, auditContext(c));
      return c.json(toDoorDeviceJson(device), 201);
    })
    .openapi(snapshot, async (c) => {
      const { id, device } = c.req.valid('param');
      const { since, list } = c.req.valid('query');
      const snap = await c.var.services.offlineSync.snapshot(c.get('owner'), id, device, since === undefined ? null : new Date(since), list ?? null);
      return c.json(toDoorSnapshotJson(snap), 200);
    })
    .openapi(sync, async (c) => {
      const { id, device } = c.req.valid('param');
      const { sent_at, scans, list } = c.req.valid('json');
      const results = await c.var.services.offlineSync.upload(c.get('owner'), id, device, {
        sent_at: new Date(sent_at),
        list: list ?? null,
        scans: scans.map((s) => ({ id: s.id, code: s.code, scanned_at: new Date(s.scanned_at) })),
      });
      return c.json({ object: 'door_sync' as const, results: results.map(toDoorScanResultJson) }, 200);
    });
}
