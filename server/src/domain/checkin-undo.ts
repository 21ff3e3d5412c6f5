/**
 * Undoing a scan at the door (docs/domain-rules.md#check-in): the admission is reversed and
 * the ticket admits again. The undo claims the scan before it reopens the ticket, so an undo
 * cut short by a crash is finished (or released) by the repair job rather than lost.
 */
import { op, type Collection } from '../store/port.js';
import type { Clock } from '../kernel/clock.js';
import { AppError, notFound } from '../kernel/errors.js';
import type { Owner } from './events.js';
import type { FiguresService } from './figures.js';
import type { TicketDoc } from './tickets.js';
import { type AuditContext, type AuditLog, changesBetween } from './audit-log.js';
import { domainEventId } from './domain-events.js';
import type { CheckinListDoc } from './checkin-lists.js';
import type { CheckinDoc, ScanOutcome } from './checkins.js';

/** An undo claimed this long ago and not finished was cut short by a crash. */
export const UNDO_CLAIM_MS = 60_000;

/** What undoing reads and writes through, and the check-in service's own helpers it shares. */
export interface CheckinUndoDeps {
  checkins: Collection<CheckinDoc>;
  tickets: Collection<TicketDoc>;
  checkinLists: Collection<CheckinListDoc>;
  passes: Collection<{ _id: string; first_checkin: string }>;
  clock: Clock;
  figures: FiguresService;
  auditLog: AuditLog;
  /** Records a scan's event (`checkin.deleted` for an undo). */
  recordScan: (type: 'checkin.created' | 'checkin.deleted', checkin: CheckinDoc, ticket: TicketDoc | null) => Promise<unknown>;
  /** Reads a scan's ticket (null for a scan of no ticket). */
  loadTicket: (id: string | null) => Promise<TicketDoc | null>;
}

/**
 * The undo of scans, and the repair of undos a crash cut short: the part of the check-in
 * service that reverses admissions.
 *
 * @example
 * const undoing = createCheckinUndo({ checkins, tickets, checkinLists, passes, clock, figures, auditLog, recordScan, loadTicket });
 * await undoing.undo(owner, 'chk_…', 'Box office');
 */
export function createCheckinUndo({ checkins, tickets, checkinLists, passes, clock, figures, auditLog, recordScan, loadTicket }: CheckinUndoDeps) {
  /**
   * Undoes a list's first admission: its pass goes, so the ticket admits on that list again.
   * A re-entry list's scans are moves, undone by the next scan, so they are refused here.
   */
  async function undoOnList(checkin: CheckinDoc, by: string, audit: AuditContext | undefined): Promise<ScanOutcome> {
    const list = await checkinLists.findOne({ _id: checkin.list });
    if (!list || list.reentry || !checkin.ticket) {
      throw new AppError('CONFLICT', 'Only an admission on a list without re-entry can be undone; on a re-entry list, scan again to move the holder.');
    }
    const removed = await passes.deleteOne({ _id: `${list._id}:${checkin.ticket}`, first_checkin: checkin._id });
    if (removed === 0) throw new AppError('CONFLICT', 'The ticket is no longer admitted on this list by this scan.');
    await checkinLists.updateOne({ _id: list._id }, { $inc: { admitted: -1, inside: -1 } });
    const undone = await checkins.findOneAndUpdate({ _id: checkin._id, undone_at: null }, { $set: { undone_at: clock.now(), undone_by: by } as Record<string, unknown> });
    const result = undone ?? checkin;
    const ticket = await loadTicket(checkin.ticket);
    await recordScan('checkin.deleted', result, ticket);
    if (audit && undone) {
      const changes = changesBetween(checkin, undone, ['undone_at']);
      await auditLog.record(audit, { action: 'checkin.undone', target: { type: 'checkin', id: checkin._id }, changes, domainEvent: domainEventId(checkin._id, 'checkin.deleted') });
    }
    return { checkin: result, ticket };
  }

  return {
    /** Undoes an admission (a mistaken scan): the ticket admits again. `audit` names who did it, for the audit log. */
    async undo(owner: Owner, id: string, by: string, audit?: AuditContext): Promise<ScanOutcome> {
      const checkin = await checkins.findOne({ _id: id, account: owner.account, livemode: owner.livemode });
      if (!checkin) throw notFound('check-in', id);
      if (checkin.result !== 'accepted' || !checkin.ticket) {
        throw new AppError('CONFLICT', 'Only an accepted check-in can be undone.');
      }
      if (checkin.undone_at) {
        const ticket = await loadTicket(checkin.ticket);
        await recordScan('checkin.deleted', checkin, ticket);
        return { checkin, ticket };
      }
      if (checkin.list !== undefined) return undoOnList(checkin, by, audit);
      // Claimed first, so a crash between reopening the ticket and marking the scan undone
      // leaves a mark the repair job finishes from (finishCutUndos): no undo without its entry.
      const startedAt = clock.now();
      const claimed = await checkins.updateOne(
        { _id: id, undone_at: null, $or: [{ undo_started_at: op.exists(false) }, { undo_started_at: op.lte(new Date(startedAt.getTime() - UNDO_CLAIM_MS)) }] },
        { $set: { undo_started_at: startedAt, undo_started_by: by } },
      );
      if (claimed.matched === 0) throw new AppError('CONFLICT', 'This scan is being undone already.');
      const reopened = await tickets.findOneAndUpdate(
        { _id: checkin.ticket, status: 'checked_in', checked_in_at: checkin.at },
        { $set: { status: 'valid', checked_in_at: null, checked_in_by: null, tally_due_at: clock.now() } },
      );
      if (!reopened) {
        await checkins.updateOne({ _id: id, undone_at: null, undo_started_at: startedAt }, { $unset: { undo_started_at: '', undo_started_by: '' } });
        throw new AppError('CONFLICT', 'The ticket is no longer checked in by this scan.');
      }
      await figures.settle(reopened);
      const undone = await checkins.findOneAndUpdate(
        { _id: id, undone_at: null },
        { $set: { undone_at: clock.now(), undone_by: by } as Record<string, unknown>, $unset: { undo_started_at: '', undo_started_by: '' } },
      );
      const result = undone ?? checkin;
      await recordScan('checkin.deleted', result, reopened);
      if (audit && undone) {
        const changes = changesBetween(checkin, undone, ['undone_at']);
        await auditLog.record(audit, { action: 'checkin.undone', target: { type: 'checkin', id }, changes, domainEvent: domainEventId(id, 'checkin.deleted') });
      }
      return { checkin: result, ticket: reopened };
    },

    /**
     * Finishes undos a crash cut short (the repair job, every minute; docs/domain-events.md):
     * a scan claimed for undo over a minute ago and still not undone is marked undone, with
     * its entry, when its ticket is no longer admitted by it (the ticket was reopened), and
     * released when the ticket still is (the undo never took effect). Says how many it finished.
     */
    async finishCutUndos(limit = 100): Promise<number> {
      const stale = new Date(clock.now().getTime() - UNDO_CLAIM_MS);
      const cut = await checkins.find({ undo_started_at: op.lte(stale), undone_at: null }, { limit });
      let finished = 0;
      for (const checkin of cut) {
        const ticket = await loadTicket(checkin.ticket);
        const stillAdmitted = ticket?.status === 'checked_in' && ticket.checked_in_at?.getTime() === checkin.at.getTime();
        if (stillAdmitted) {
          await checkins.updateOne({ _id: checkin._id, undone_at: null, undo_started_at: checkin.undo_started_at }, { $unset: { undo_started_at: '', undo_started_by: '' } });
          continue;
        }
        const undone = await checkins.findOneAndUpdate(
          { _id: checkin._id, undone_at: null, undo_started_at: checkin.undo_started_at },
          { $set: { undone_at: clock.now(), undone_by: checkin.undo_started_by ?? null } as Record<string, unknown>, $unset: { undo_started_at: '', undo_started_by: '' } },
        );
        if (!undone) continue;
        if (ticket) await figures.settle(ticket);
        await recordScan('checkin.deleted', undone, ticket);
        finished += 1;
      }
      return finished;
    },
  };
}
