import type { CheckinReason } from '@trendy-tickets/sdk';
import type { Clock } from '../kernel/clock.js';
import { notFound } from '../kernel/errors.js';
import { DuplicateKeyError, op, type IndexSpec, type Store } from '../store/port.js';
import { DEFAULT_LIST, type CheckinListDoc, type CheckinPassDoc } from './checkin-lists.js';
import type { CheckinDoc, CheckinService } from './checkins.js';
import type { DoorDeviceDoc, DoorDeviceService } from './door-devices.js';
import type { EventDoc, Owner } from './events.js';
import { pagesOf } from './read-pages.js';
import { parseTicketCode, type TicketCodes } from './ticket-codes.js';
import { validityOf, type TicketDoc } from './tickets.js';

/**
 * What the server made of one admission a door device made offline (docs/door.md):
 * - `admitted`: it is the ticket's admission;
 * - `conflict`: another scan admitted the ticket earlier (by scan time), so this one is not an admission;
 * - `voided`: the ticket was voided or refunded while the device was offline;
 * - `refused`: the server refuses the ticket for another reason (event cancelled, say).
 */
export type OfflineOutcome = 'admitted' | 'conflict' | 'voided' | 'refused';

/** One admission uploaded by a device, kept once per (device, scan id): the record sync answers replays from. */
export interface OfflineScanDoc {
  /** `<device>:<scan id>`: a repeated upload of the same scan finds this record. */
  _id: string;
  account: string;
  livemode: boolean;
  event: string;
  device: string;
  device_name: string;
  /** The named check-in list the device scanned on; null for the event's default list. */
  list: string | null;
  scan_id: string;
  code: string;
  ticket: string | null;
  /** The scan's time by the device's clock, as sent. */
  device_scanned_at: Date;
  /** The device's clock when it sent the batch, as sent. */
  device_sent_at: Date;
  /** The server's clock when the batch arrived. */
  received_at: Date;
  /** The scan's time on the server's clock: `device_scanned_at` shifted by the device's clock error at upload. */
  scanned_at: Date;
  outcome: OfflineOutcome;
  reason: CheckinReason | null;
  /** The scan log entry this upload became. */
  checkin: string;
  /** For `conflict`: the admission that holds the ticket. */
  winner: { checkin: string | null; at: Date; by: string | null } | null;
  /** When this scan took the ticket from a later admission (undone, and shown as a conflict): that admission. */
  superseded: string | null;
  created_at: Date;
}

export const OFFLINE_SCAN_INDEXES: readonly IndexSpec[] = [
  // The console's conflicts list and the stats, per event.
  { collection: 'offline_scans', keys: { event: 1, account: 1, outcome: 1, created_at: -1 } },
  // Finding the offline record of an admission a later upload takes over.
  { collection: 'offline_scans', keys: { checkin: 1 } },
];

/** At most this many scans per upload: a device sends a long outage's scans in several requests. */
export const SYNC_BATCH_MAX = 500;

/** Snapshots re-read this much before the cursor, so a write committed just after a read is not missed. */
const CURSOR_OVERLAP_MS = 5_000;

/** An admission made offline, as the device uploads it. */
export interface OfflineScanInput {
  /** The device's own id for the scan: the same id uploaded again is answered, never counted twice. */
  id: string;
  code: string;
  /** When the device admitted the ticket, by its clock. */
  scanned_at: Date;
}

/** The check-in list a snapshot is for, as the device checks it offline. */
export interface OfflineListRules {
  id: string;
  name: string;
  /** Ticket type ids the list admits; null for every type (then `on_list` is null too). */
  ticket_types: string[] | null;
  opens_at: Date | null;
  closes_at: Date | null;
  /** On a re-entry list every scan is a move in or out: the device keeps no admitted set for it. */
  reentry: boolean;
}

/** What a device keeps to admit offline: the key, the event's window, and which tickets no longer admit. */
export interface OfflineSnapshot {
  event: string;
  /** The named list the device scans on; null for the event's default list. */
  list: OfflineListRules | null;
  public_key: string;
  status: EventDoc['status'];
  valid_from: Date | null;
  valid_until: Date | null;
  /** Ticket ids (without `tkt_`) voided or refunded since the cursor (all of them without one). */
  voided: string[];
  /** Ticket ids (without `tkt_`) admitted on this list since the cursor (all of them without one). */
  checked_in: string[];
  /**
   * Ticket ids (without `tkt_`) whose admission on this list was undone since the cursor and
   * that are not admitted again: the device admits them again. Empty in a full snapshot.
   */
  unchecked: string[];
  /**
   * For a list limited to some ticket types: ticket ids (without `tkt_`) of those types
   * issued since the cursor (all of them without one); null when the list admits every type.
   */
  on_list: string[] | null;
  /** Pass back as `since` to get only what changed. */
  cursor: Date;
  full: boolean;
}

/** Ticket ids travel without their `tkt_` prefix: 100,000 of them are 400 KB less. */
const bare = (id: string) => id.slice(4);

/** The bare ticket ids `pick` takes from each page (null skips a document), pages read one after another. */
async function idsOf<T>(pages: AsyncIterable<T[]>, pick: (doc: T) => string | null): Promise<string[]> {
  const ids: string[] = [];
  for await (const page of pages) {
    for (const doc of page) {
      const id = pick(doc);
      if (id) ids.push(bare(id));
    }
  }
  return ids;
}

/**
 * Offline door scanning's server half: the snapshot a device keeps, and the upload of what it
 * admitted offline, kept exactly once. The first admission by scan time wins; a later one is
 * a conflict, recorded and never a second admission. Scan times are put on the server's clock
 * by the device's own clock error, measured at upload (docs/door.md).
 *
 * @example
 * const snap = await offlineSync.snapshot(owner, 'evt_…', 'dev_…', null);
 * const results = await offlineSync.upload(owner, 'evt_…', 'dev_…', { sent_at, scans });
 */
export function createOfflineSyncService({
  store,
  clock,
  codes,
  checkins,
  devices,
}: {
  store: Store;
  clock: Clock;
  codes: TicketCodes;
  checkins: CheckinService;
  devices: DoorDeviceService;
}) {
  const offlineScans = store.collection<OfflineScanDoc>('offline_scans');
  const tickets = store.collection<TicketDoc>('tickets');
  const events = store.collection<EventDoc>('events');
  const checkinDocs = store.collection<CheckinDoc>('checkins');
  const lists = store.collection<CheckinListDoc>('checkin_lists');
  const passes = store.collection<CheckinPassDoc>('checkin_passes');

  /** The label a takeover's undo carries, so a retried upload finds the admission it already undid. */
  const takeoverLabel = (device: DoorDeviceDoc, scanId: string) => `offline scan ${device._id}:${scanId} (${device.name})`;

  function ticketIdOf(code: string): string | null {
    const value = code.trim();
    if (/^tkt_[0-9A-Za-z]{10,40}$/.test(value)) return value;
    return parseTicketCode(value)?.ticketId ?? null;
  }

  /**
   * When a ticket is held by an admission made later (by scan time) than this upload's scan,
   * undoes it so this scan can admit: the first by scan time wins, on each list separately.
   * Returns the undone admission's id, also on a retry after the undo went through.
   */
  async function takeOver(owner: Owner, device: DoorDeviceDoc, scanId: string, ticketId: string, scannedAt: Date, list: CheckinListDoc | null): Promise<string | null> {
    const label = takeoverLabel(device, scanId);
    const done = await checkinDocs.findOne({ ticket: ticketId, account: owner.account, undone_by: label } as Record<string, unknown>);
    if (done) return done._id;
    // A re-entry list's scans are moves in and out, not admissions: there is nothing to take over.
    if (list?.reentry) return null;
    const holder = list ? await listHolder(list, ticketId, scannedAt) : await defaultHolder(owner, ticketId, scannedAt);
    if (!holder) return null;
    try {
      await checkins.undo(owner, holder, label);
    } catch {
      // Another upload moved the ticket meanwhile: the scan below is judged against what holds it now.
      return null;
    }
    return holder;
  }

  /** The admission holding a ticket's default-list entry, when it was made after `scannedAt`. */
  async function defaultHolder(owner: Owner, ticketId: string, scannedAt: Date): Promise<string | null> {
    const ticket = await tickets.findOne({ _id: ticketId, account: owner.account, livemode: owner.livemode });
    if (ticket?.status !== 'checked_in' || !ticket.checked_in_at || ticket.checked_in_at <= scannedAt) return null;
    return (await checkins.admissionOf(owner, ticketId))?._id ?? null;
  }

  /** The admission holding a ticket's pass on a list, when it was made after `scannedAt`. */
  async function listHolder(list: CheckinListDoc, ticketId: string, scannedAt: Date): Promise<string | null> {
    const pass = await passes.findOne({ _id: `${list._id}:${ticketId}` });
    return pass && pass.first_at > scannedAt ? pass.first_checkin : null;
  }

  /** The named list a device scans on, or null for the default list. @throws AppError NOT_FOUND */
  async function listFor(owner: Owner, eventId: string, listId: string | null): Promise<CheckinListDoc | null> {
    if (listId === null || listId === DEFAULT_LIST) return null;
    const list = await lists.findOne({ _id: listId, event: eventId, account: owner.account, livemode: owner.livemode });
    if (!list) throw notFound('check-in list', listId);
    return list;
  }

  async function syncOne(owner: Owner, device: DoorDeviceDoc, list: CheckinListDoc | null, scan: OfflineScanInput, sentAt: Date, receivedAt: Date): Promise<OfflineScanDoc> {
    const key = `${device._id}:${scan.id}`;
    const replay = await offlineScans.findOne({ _id: key });
    if (replay) return replay;

    // The device's clock error at upload, applied to its scan time: a phone an hour fast
    // dates its scans an hour fast, and this puts them back on the server's clock.
    const offset = receivedAt.getTime() - sentAt.getTime();
    const scannedAt = new Date(Math.min(scan.scanned_at.getTime() + offset, receivedAt.getTime()));
    const ticketId = ticketIdOf(scan.code);
    const superseded = ticketId ? await takeOver(owner, device, scan.id, ticketId, scannedAt, list) : null;
    const { checkin } = await checkins.scan(owner, {
      code: scan.code,
      event: device.event,
      nonce: `offline:${key}`,
      by: `${device.name} (offline)`,
      at: scannedAt,
      ...(list ? { list: list._id } : {}),
    });

    let outcome: OfflineOutcome = 'admitted';
    let winner: OfflineScanDoc['winner'] = null;
    if (checkin.result === 'rejected') {
      if (checkin.reason === 'already_checked_in') {
        outcome = 'conflict';
        const holder = !checkin.ticket
          ? null
          : list
            ? ((await passes.findOne({ _id: `${list._id}:${checkin.ticket}` }))?.first_checkin ?? null)
            : ((await checkins.admissionOf(owner, checkin.ticket))?._id ?? null);
        winner = { checkin: holder, at: checkin.first_checkin?.at ?? receivedAt, by: checkin.first_checkin?.by ?? null };
      } else {
        outcome = checkin.reason === 'voided' ? 'voided' : 'refused';
      }
    }
    const doc: OfflineScanDoc = {
      _id: key,
      account: owner.account,
      livemode: owner.livemode,
      event: device.event,
      device: device._id,
      device_name: device.name,
      list: list?._id ?? null,
      scan_id: scan.id,
      code: scan.code,
      ticket: checkin.ticket,
      device_scanned_at: scan.scanned_at,
      device_sent_at: sentAt,
      received_at: receivedAt,
      scanned_at: checkin.at,
      outcome,
      reason: checkin.reason,
      checkin: checkin._id,
      winner,
      superseded: outcome === 'admitted' ? superseded : null,
      created_at: receivedAt,
    };
    try {
      await offlineScans.insertOne(doc);
    } catch (err) {
      if (!(err instanceof DuplicateKeyError)) throw err;
      return (await offlineScans.findOne({ _id: key })) ?? doc;
    }
    if (doc.superseded) {
      // The admission this scan took over was itself uploaded offline: it is now the conflict.
      await offlineScans.updateOne(
        { checkin: doc.superseded, outcome: 'admitted' },
        { $set: { outcome: 'conflict', winner: { checkin: checkin._id, at: checkin.at, by: checkin.by } } },
      );
    }
    return doc;
  }

  async function eventOf(owner: Owner, eventId: string): Promise<EventDoc> {
    const event = await events.findOne({ _id: eventId, account: owner.account, livemode: owner.livemode });
    if (!event) throw notFound('event', eventId);
    return event;
  }

  return {
    /**
     * What a device keeps to admit offline on one check-in list (the default one without
     * `listId`). Without `since`, every voided ticket and every ticket admitted on the list;
     * with the previous answer's cursor, only what changed since (and a little before, which
     * the device's sets absorb), including admissions undone. Marks the device's last sync.
     * @throws AppError FORBIDDEN for a revoked device, NOT_FOUND for a list of another event
     */
    async snapshot(owner: Owner, eventId: string, deviceId: string, since: Date | null, listId: string | null = null): Promise<OfflineSnapshot> {
      await devices.touch(owner, eventId, deviceId);
      const event = await eventOf(owner, eventId);
      const list = await listFor(owner, eventId, listId);
      const cursor = clock.now();
      const from = since ? new Date(since.getTime() - CURSOR_OVERLAP_MS) : null;
      // Each list keeps its own admissions: a lounge scan does not check a ticket in at the main door.
      const onThisList = { event: eventId, account: owner.account, result: 'accepted', list: list ? list._id : op.exists(false) };
      const keepsAdmissions = !list?.reentry;
      const types = list?.ticket_types ?? null;
      // A full snapshot of a big event is every voided ticket, every admission and, for a list of
      // some types, every ticket of them (100,000 at the 1M series' big event): read in pages with
      // a turn of the event loop between them, keeping ids only, so scans at the other doors go on.
      const mine = (t: TicketDoc) => t.account === owner.account;
      const voided = await idsOf(pagesOf(tickets, { event: eventId, status: 'voided', ...(from ? { voided_at: op.gte(from) } : {}) }), (t) => (mine(t) ? t._id : null));
      const admitted = keepsAdmissions
        ? await idsOf(pagesOf(checkinDocs, { ...onThisList, ...(from ? { created_at: op.gte(from) } : {}) }), (c) => (c.undone_at === null ? c.ticket : null))
        : [];
      const undone = keepsAdmissions && from ? await idsOf(pagesOf(checkinDocs, { ...onThisList, undone_at: op.gte(from) }), (c) => c.ticket) : [];
      const onList = types
        ? await idsOf(pagesOf(tickets, { event: eventId, ticket_type: op.in(types), ...(from ? { created_at: op.gte(from) } : {}) }), (t) => (mine(t) ? t._id : null))
        : null;
      const { valid_from, valid_until } = validityOf(event);
      const checkedIn = new Set(admitted);
      return {
        event: eventId,
        list: list
          ? { id: list._id, name: list.name, ticket_types: types, opens_at: list.window?.opens_at ?? null, closes_at: list.window?.closes_at ?? null, reentry: list.reentry }
          : null,
        public_key: await codes.publicKey(owner.account),
        status: event.status,
        valid_from,
        valid_until,
        voided,
        checked_in: [...checkedIn],
        // An undo followed by a new admission (a takeover, a second scan) leaves the ticket admitted.
        unchecked: [...new Set(undone.filter((id) => !checkedIn.has(id)))],
        on_list: onList,
        cursor,
        full: from === null,
      };
    },

    /**
     * Takes a device's offline admissions, each once: a scan id uploaded again (a retried or
     * interrupted upload) is answered with its first result. Scans are taken in the order sent,
     * on the list the batch names (the default one without).
     * @throws AppError FORBIDDEN for a revoked device, NOT_FOUND for a list of another event
     */
    async upload(
      owner: Owner,
      eventId: string,
      deviceId: string,
      batch: { sent_at: Date; scans: readonly OfflineScanInput[]; list?: string | null | undefined },
    ): Promise<OfflineScanDoc[]> {
      const device = await devices.touch(owner, eventId, deviceId);
      const list = await listFor(owner, eventId, batch.list ?? null);
      const receivedAt = clock.now();
      const results: OfflineScanDoc[] = [];
      for (const scan of batch.scans.slice(0, SYNC_BATCH_MAX)) results.push(await syncOne(owner, device, list, scan, batch.sent_at, receivedAt));
      return results;
    },

    /** An event's offline scans that did not simply admit, and the admissions other scans took over, newest first. */
    async conflicts(owner: Owner, eventId: string, limit = 100): Promise<OfflineScanDoc[]> {
      await eventOf(owner, eventId);
      return offlineScans.find(
        { event: eventId, account: owner.account, livemode: owner.livemode, outcome: op.in(['conflict', 'voided', 'refused']) },
        { sort: { created_at: -1 }, limit },
      );
    },

    /** How many offline scans of an event ended each way, for the event's figures. */
    async stats(owner: Owner, eventId: string): Promise<Record<OfflineOutcome, number>> {
      await eventOf(owner, eventId);
      const base = { event: eventId, account: owner.account, livemode: owner.livemode };
      const [admitted, conflict, voided, refused] = await Promise.all(
        (['admitted', 'conflict', 'voided', 'refused'] as const).map((outcome) => offlineScans.count({ ...base, outcome })),
      );
      return { admitted: admitted ?? 0, conflict: conflict ?? 0, voided: voided ?? 0, refused: refused ?? 0 };
    },
  };
}

export type OfflineSyncService = ReturnType<typeof createOfflineSyncService>;
