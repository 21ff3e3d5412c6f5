/**
 * Check-in lists' figures (docs/domain-rules.md#check-in-lists): what the stats show per list,
 * read from the counters each list keeps (`admitted`, `inside`), and the recount that puts a
 * counter right when a crash left it off by the scans between a pass's write and its `$inc`
 * (decision 0032 left that to be done; docs/decisions/0038-offline-lists-undo-and-fallbacks.md).
 */
import type { Clock } from '../kernel/clock.js';
import { op, type IndexSpec, type Store } from '../store/port.js';
import type { CheckinListDoc, CheckinPassDoc } from './checkin-lists.js';
import type { Owner } from './events.js';

/** One named list's figures, as the event's stats carry them. */
export interface ListFigure {
  list: string;
  name: string;
  reentry: boolean;
  /** Tickets admitted on the list at least once. */
  admitted: number;
  /** Tickets inside now: only on a re-entry list (elsewhere it equals `admitted`), else null. */
  inside: number | null;
}

/** A list counter the recount found off, and what it holds now. */
export interface ListDrift {
  list: string;
  event: string;
  field: 'admitted' | 'inside';
  was: number;
  now: number;
}

/**
 * A list is recounted only once its passes have been still this long: a scan between its
 * pass's write and its counter's `$inc` would otherwise read as drift and be counted twice.
 */
export const LIST_RECOUNT_QUIET_MS = 60_000;

/** Lists one recount round looks at, least recently recounted first; the rest wait for the next round. */
const RECOUNT_BATCH = 50;

type RecountedList = CheckinListDoc & { recounted_at?: Date };

export const LIST_FIGURE_INDEXES: readonly IndexSpec[] = [
  // The recount's rotation: least recently recounted first.
  { collection: 'checkin_lists', keys: { recounted_at: 1 } },
];

/**
 * Figures per check-in list, and their recount.
 *
 * @example
 * const perList = await listFigures.forEvent(owner, 'evt_…');
 * const drifts = await listFigures.recount();
 */
export function createListFigures({ store, clock }: { store: Store; clock: Clock }) {
  const lists = store.collection<RecountedList>('checkin_lists');
  const passes = store.collection<CheckinPassDoc>('checkin_passes');

  return {
    /** An event's named lists with their counters, oldest list first (the default list is the event's `checked_in`). */
    async forEvent(owner: Owner, eventId: string): Promise<ListFigure[]> {
      const found = await lists.find({ event: eventId, account: owner.account, livemode: owner.livemode }, { sort: { created_at: 1, _id: 1 }, limit: 50 });
      return found.map((l) => ({ list: l._id, name: l.name, reentry: l.reentry, admitted: l.admitted, inside: l.reentry ? l.inside : null }));
    },

    /**
     * Recounts the counters of lists whose passes are still, from the passes, and says which
     * were off. Each fix is one conditional update on the counters it read, so a scan that
     * lands meanwhile keeps its `$inc` and the list is looked at again next round.
     */
    async recount(limit = RECOUNT_BATCH): Promise<ListDrift[]> {
      const now = clock.now();
      const quietSince = new Date(now.getTime() - LIST_RECOUNT_QUIET_MS);
      const due = await lists.find({}, { sort: { recounted_at: 1 }, limit });
      const drifts: ListDrift[] = [];
      for (const list of due) {
        const busy = await passes.count({ list: list._id, last_at: op.gte(quietSince) });
        if (busy > 0) {
          await lists.updateOne({ _id: list._id }, { $set: { recounted_at: now } });
          continue;
        }
        const [admitted, inside] = await Promise.all([passes.count({ list: list._id }), passes.count({ list: list._id, inside: true })]);
        const off: ListDrift[] = [];
        if (admitted !== list.admitted) off.push({ list: list._id, event: list.event, field: 'admitted', was: list.admitted, now: admitted });
        if (inside !== list.inside) off.push({ list: list._id, event: list.event, field: 'inside', was: list.inside, now: inside });
        if (off.length === 0) {
          await lists.updateOne({ _id: list._id }, { $set: { recounted_at: now } });
          continue;
        }
        const fixed = await lists.updateOne({ _id: list._id, admitted: list.admitted, inside: list.inside }, { $set: { admitted, inside, recounted_at: now } });
        if (fixed.matched > 0) drifts.push(...off);
      }
      return drifts;
    },
  };
}

export type ListFigures = ReturnType<typeof createListFigures>;
