import { z } from '@hono/zod-openapi';
import type { CreateDoorDeviceParams, DoorDevice, DoorSnapshot, DoorSyncParams, DoorSyncResult } from '@trendy-tickets/sdk';
import { SYNC_BATCH_MAX } from '../../domain/offline-sync.js';
import { type Exact, timestampOut } from './common.js';

const isoIn = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time' });

export const CreateDoorDeviceBody = z
  .strictObject({ name: z.string().trim().max(60).optional().openapi({ description: 'What door staff call it, e.g. `Gate 2`.' }) })
  .openapi('CreateDoorDeviceParams');

export const DoorDeviceParams = z.object({
  id: z
    .string()
    .max(64)
    .openapi({ param: { name: 'id', in: 'path' }, example: 'evt_4QpZ0x2bB8Lr6qXhS1mYtA' }),
  device: z
    .string()
    .max(64)
    .openapi({ param: { name: 'device', in: 'path' }, example: 'dev_4QpZ0x2bB8Lr6qXhS1mYtA' }),
});

/** A check-in list id, or `default`: what a device scans on. */
export const doorListId = z.string().regex(/^(default|chl_[0-9A-Za-z]{10,40})$/, 'must be a check-in list id or default');

export const DoorSnapshotQuery = z.object({
  since: isoIn.optional().openapi({ description: 'The previous snapshot’s `cursor`: only what changed since.' }),
  list: doorListId.optional().openapi({ description: 'The check-in list the device scans on; the default list when absent.' }),
});

export const DoorSyncBody = z
  .strictObject({
    sent_at: isoIn.openapi({ description: 'The device’s clock as it sends: scan times are corrected by its error.' }),
    list: doorListId.optional().openapi({ description: 'The check-in list the scans were made on; the default list when absent.' }),
    scans: z
      .array(
        z.strictObject({
          id: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'must be 8 to 64 letters, digits, - or _'),
          code: z.string().trim().min(1).max(512),
          scanned_at: isoIn,
        }),
      )
      .max(SYNC_BATCH_MAX),
  })
  .openapi('DoorSyncParams');

export const DoorDeviceSchema = z
  .object({
    id: z.string(),
    object: z.literal('door_device'),
    event: z.string(),
    name: z.string(),
    signed_in_by: z.string(),
    created_at: timestampOut,
    last_sync_at: timestampOut.nullable(),
    revoked_at: timestampOut.nullable(),
  })
  .openapi('DoorDevice');

export const DoorSnapshotSchema = z
  .object({
    object: z.literal('door_snapshot'),
    event: z.string(),
    list: z
      .object({
        id: z.string(),
        name: z.string(),
        ticket_types: z.array(z.string()).nullable(),
        opens_at: timestampOut.nullable(),
        closes_at: timestampOut.nullable(),
        reentry: z.boolean(),
      })
      .nullable(),
    public_key: z.string(),
    status: z.enum(['draft', 'published', 'cancelled']),
    valid_from: timestampOut.nullable(),
    valid_until: timestampOut.nullable(),
    voided: z.array(z.string()),
    checked_in: z.array(z.string()),
    unchecked: z.array(z.string()),
    on_list: z.array(z.string()).nullable(),
    cursor: z.string(),
    full: z.boolean(),
  })
  .openapi('DoorSnapshot');

export const DoorSyncResultSchema = z
  .object({
    object: z.literal('door_sync'),
    results: z.array(
      z.object({
        id: z.string(),
        outcome: z.enum(['admitted', 'conflict', 'voided', 'refused']),
        reason: z
          .enum(['already_checked_in', 'invalid_code', 'not_found', 'wrong_event', 'not_yet_valid', 'expired', 'voided', 'event_cancelled', 'not_on_list', 'outside_list_window'])
          .nullable(),
        ticket: z.string().nullable(),
        list: z.string().nullable(),
        checkin: z.string(),
        scanned_at: timestampOut,
        device_scanned_at: timestampOut,
        received_at: timestampOut,
        winner: z.object({ checkin: z.string().nullable(), at: timestampOut, by: z.string().nullable() }).nullable(),
      }),
    ),
  })
  .openapi('DoorSyncResult');

export const doorSchemasMatchWireTypes: [
  Exact<z.infer<typeof DoorDeviceSchema>, DoorDevice>,
  Exact<z.infer<typeof DoorSnapshotSchema>, DoorSnapshot>,
  Exact<z.infer<typeof DoorSyncResultSchema>, DoorSyncResult>,
  Exact<z.input<typeof DoorSyncBody>, DoorSyncParams>,
  Exact<z.input<typeof CreateDoorDeviceBody>, CreateDoorDeviceParams>,
] = [true, true, true, true, true];
