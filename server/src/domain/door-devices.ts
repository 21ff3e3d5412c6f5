import { AppError, notFound } from '../kernel/errors.js';
import type { Clock } from '../kernel/clock.js';
import { newId } from '../kernel/ids.js';
import type { IndexSpec, Store } from '../store/port.js';
import { createAuditLog, type AuditContext, type AuditLog } from './audit-log.js';
import type { EventDoc, Owner } from './events.js';

/**
 * A phone or scanner signed in to admit tickets for one event, offline if need be
 * (docs/door.md). It syncs its offline admissions under its own id; a revoked device's sync is
 * refused, so a lost phone stops counting the moment the organizer revokes it.
 */
export interface DoorDeviceDoc {
  _id: string;
  account: string;
  livemode: boolean;
  event: string;
  /** What door staff call it ("Gate 2 phone"); shown in the console and recorded as the scans' `by`. */
  name: string;
  /** Who signed it in: a door member's email or a restricted key's id. */
  signed_in_by: string;
  created_at: Date;
  /** The last time it fetched the event's data or uploaded scans; null before the first sync. */
  last_sync_at: Date | null;
  revoked_at: Date | null;
  revoked_by: string | null;
}

export const DOOR_DEVICE_INDEXES: readonly IndexSpec[] = [{ collection: 'door_devices', keys: { event: 1, account: 1, created_at: -1 } }];

/** A device name as typed by door staff, trimmed; empty names become "Door device". */
function deviceName(name: string): string {
  const trimmed = name.trim().slice(0, 60);
  return trimmed === '' ? 'Door device' : trimmed;
}

/**
 * Signs door devices in to one event, lists them with their last sync, and revokes them.
 *
 * @example
 * const device = await doorDevices.signIn(owner, 'evt_…', { name: 'Gate 2', by: 'door@example.com' });
 * await doorDevices.revoke(owner, 'evt_…', device._id, 'owner@example.com');
 */
export function createDoorDeviceService({ store, clock, auditLog = createAuditLog({ store, clock }) }: { store: Store; clock: Clock; auditLog?: AuditLog }) {
  const devices = store.collection<DoorDeviceDoc>('door_devices');
  const events = store.collection<EventDoc>('events');

  async function eventOf(owner: Owner, eventId: string): Promise<EventDoc> {
    const event = await events.findOne({ _id: eventId, account: owner.account, livemode: owner.livemode });
    if (!event) throw notFound('event', eventId);
    return event;
  }

  return {
    /** Signs a device in for one event (the caller's permission and event scope are checked by the service guard). */
    async signIn(owner: Owner, eventId: string, input: { name: string; by: string }, audit?: AuditContext): Promise<DoorDeviceDoc> {
      await eventOf(owner, eventId);
      const device: DoorDeviceDoc = {
        _id: newId('dev'),
        account: owner.account,
        livemode: owner.livemode,
        event: eventId,
        name: deviceName(input.name),
        signed_in_by: input.by,
        created_at: clock.now(),
        last_sync_at: null,
        revoked_at: null,
        revoked_by: null,
      };
      await devices.insertOne(device);
      if (audit)
        await auditLog.record(audit, {
          action: 'door_device.signed_in',
          target: { type: 'door_device', id: device._id },
          changes: { name: { before: null, after: device.name }, event: { before: null, after: eventId } },
        });
      return device;
    },

    /** An event's devices, newest first, revoked ones included (they say when). */
    async list(owner: Owner, eventId: string): Promise<DoorDeviceDoc[]> {
      await eventOf(owner, eventId);
      return devices.find({ event: eventId, account: owner.account, livemode: owner.livemode }, { sort: { created_at: -1 }, limit: 200 });
    },

    /** Revokes a device of the event; revoking again keeps the first revocation. */
    async revoke(owner: Owner, eventId: string, deviceId: string, by: string, audit?: AuditContext): Promise<DoorDeviceDoc> {
      const device = await devices.findOne({ _id: deviceId, event: eventId, account: owner.account, livemode: owner.livemode });
      if (!device) throw notFound('door device', deviceId);
      if (device.revoked_at) return device;
      const revoked = await devices.findOneAndUpdate({ _id: deviceId, revoked_at: null }, { $set: { revoked_at: clock.now(), revoked_by: by } });
      if (!revoked) return (await devices.findOne({ _id: deviceId })) ?? device;
      if (audit)
        await auditLog.record(audit, {
          action: 'door_device.revoked',
          target: { type: 'door_device', id: deviceId },
          changes: { revoked_at: { before: null, after: revoked.revoked_at?.toISOString() ?? null } },
        });
      return revoked;
    },

    /**
     * The device a sync names, if it may sync for this event: refused when revoked, unknown,
     * or signed in for another event. Marks its last sync.
     * @throws AppError FORBIDDEN for a revoked device, NOT_FOUND for an unknown one
     */
    async touch(owner: Owner, eventId: string, deviceId: string): Promise<DoorDeviceDoc> {
      const device = await devices.findOne({ _id: deviceId, event: eventId, account: owner.account, livemode: owner.livemode });
      if (!device) throw notFound('door device', deviceId);
      if (device.revoked_at) throw new AppError('FORBIDDEN', 'This door device was signed out by the organizer; sign it in again to scan.', { device: deviceId });
      return (await devices.findOneAndUpdate({ _id: deviceId, revoked_at: null }, { $set: { last_sync_at: clock.now() } })) ?? device;
    },
  };
}

export type DoorDeviceService = ReturnType<typeof createDoorDeviceService>;
