/**
 * The coalesced apply of figure follow-ups (docs/decisions/0052-coalesced-figure-follow-ups.md):
 * follow-ups of one account that continue in the same turn of the event loop add their
 * differences to one tally, written once per counter document, and the account's figures are
 * marked as moving before any claim so that a recount reading meanwhile stands aside.
 */
import { DuplicateKeyError, type Collection } from '../store/port.js';
import type { Clock } from '../kernel/clock.js';
import { DEFAULT_TIMEZONE, type Owner } from './events.js';
import { accountScope, DASHBOARD_TIMEZONE, Tally, type FigureDayDoc, type FiguresDoc, type Target } from './figures-tally.js';

/**
 * A follow-up need not mark the account's figures as moving before it claims when this server
 * marked them less than this long ago: a recount that began before that mark sees `seq` moved
 * when it ends, and one that begins after it finds the figures moved within
 * {@link RECOUNT_QUIET_MS} and stands aside. Far below that quiet time, so clocks of servers a
 * minute apart still agree the figures are moving (docs/decisions/0048-door-and-issuance-at-a-million.md).
 */
export const MOVING_FRESH_MS = 30_000;

/** One follow-up's differences, and the zones of the events they touch. */
export interface TallyPart {
  tally: Tally;
  zoneOf: ReadonlyMap<string, string>;
}

/** The counter collections the apply writes, and the clock its marks are stamped with. */
export interface FiguresApplyDeps {
  figures: Collection<FiguresDoc>;
  days: Collection<FigureDayDoc>;
  clock: Clock;
}

/**
 * Writes what follow-ups gathered, and marks accounts' figures as moving: the part of the
 * figures service that every claim goes through.
 *
 * @example
 * const apply = createFiguresApply({ figures, days, clock });
 * const zones = await apply.markMoving(owner); // before a write that claims a transition
 * await apply.applyShared(owner, Promise.resolve({ tally, zoneOf }));
 */
export function createFiguresApply({ figures, days, clock }: FiguresApplyDeps) {
  async function write(targets: readonly Target[]): Promise<void> {
    for (const target of targets) {
      const collection = target.collection === 'figures' ? figures : days;
      await collection.updateOne({ _id: target.id }, { $set: target.set, $inc: target.inc }, { upsert: true });
    }
  }

  /** Applies an event's totals, keeping `days_zone` as the zone a new document's days are in. */
  async function writeEvent(target: Target, zone: string): Promise<void> {
    const update = { $set: target.set, $inc: target.inc };
    try {
      await figures.updateOne({ _id: target.id, days_zone: zone }, update, { upsert: true });
    } catch (err) {
      // The document exists with days in another zone: the zone changed, and the next read rebuilds them.
      if (!(err instanceof DuplicateKeyError)) throw err;
      await figures.updateOne({ _id: target.id }, update);
    }
  }

  /**
   * When this server last marked each account's figures as moving (clock ms, after the write
   * was stored), and the zones its days were kept in then: what lets a busy door or box
   * office claim without a write of its own first ({@link markMoving}).
   */
  const lastMoving = new Map<string, { at: number; zones: string[] }>();
  const noteMoving = (scope: string, at: Date, doc: FiguresDoc | null) => {
    lastMoving.set(scope, { at: at.getTime(), zones: doc?.zones ?? [DASHBOARD_TIMEZONE] });
  };

  /** Marks an account's figures as moving, and reads the zones its days are kept in. */
  async function touchAccount(owner: Owner): Promise<string[]> {
    const at = clock.now();
    const doc = await figures.findOneAndUpdate(
      { _id: accountScope(owner) },
      { $set: { kind: 'account', account: owner.account, livemode: owner.livemode, updated_at: at }, $inc: { seq: 1 } },
      { upsert: true },
    );
    noteMoving(accountScope(owner), at, doc);
    return doc?.zones ?? [DASHBOARD_TIMEZONE];
  }

  /**
   * What must come before a claim: the account's figures marked as moving, so a recount reading
   * meanwhile stands aside. Skipped when this server marked them within {@link MOVING_FRESH_MS}
   * (a busy door marks them with every scan's last write), which saves a round of writes per
   * scan or sale. Returns the zones the account's days are kept in.
   */
  async function markMoving(owner: Owner): Promise<string[]> {
    const seen = lastMoving.get(accountScope(owner));
    const age = seen === undefined ? Number.POSITIVE_INFINITY : clock.now().getTime() - seen.at;
    // A clock set back (a test's, or a server's corrected) is no proof of a recent mark.
    if (seen && age >= 0 && age < MOVING_FRESH_MS) return seen.zones;
    return touchAccount(owner);
  }

  /**
   * Moves every counter once by what `tally` gathered, the account's totals with the rest: they
   * carry the bump after the claims (`seq`, `updated_at`), which is this server's mark for the
   * next claims ({@link markMoving}). Sent together they share one commit on the embedded store
   * (where they land atomically); a recount that reads them half landed on MongoDB writes no
   * fix, since it leaves alone an account marked within its quiet time, and every claim follows
   * such a mark (docs/decisions/0052-coalesced-figure-follow-ups.md).
   */
  async function applyTally(owner: Owner, tally: Tally, zoneOf: ReadonlyMap<string, string>): Promise<void> {
    const targets = tally.nonZero();
    const scope = accountScope(owner);
    const isAccount = (t: Target) => t.collection === 'figures' && t.id === scope;
    const isEvent = (t: Target) => t.collection === 'figures' && t.set.kind === 'event';
    const account = targets.find(isAccount);
    const bump = async () => {
      if (!account) {
        await touchAccount(owner);
        return;
      }
      const at = clock.now();
      const doc = await figures.findOneAndUpdate({ _id: scope }, { $set: { ...account.set, updated_at: at }, $inc: { ...account.inc, seq: 1 } }, { upsert: true });
      noteMoving(scope, at, doc);
    };
    const others = targets.filter((t) => !isAccount(t)).map((t) => (isEvent(t) ? writeEvent(t, zoneOf.get(t.id) ?? DEFAULT_TIMEZONE) : write([t])));
    await Promise.all([...others, bump()]);
  }

  /** Follow-ups of one account and mode waiting for the end of the turn, to be applied as one. */
  interface SharedApply {
    owner: Owner;
    waiting: Array<{ part: Promise<TallyPart>; resolve: () => void; reject: (err: unknown) => void }>;
  }
  const sharedApplies = new Map<string, SharedApply>();

  /**
   * Adds a follow-up's differences to the tally its account (and mode) applies at the end of
   * this turn of the event loop, and resolves once that apply is stored (rejects if it or the
   * part fails). At a busy door the admissions of one commit all continue in the same turn, so
   * fifty scans move each counter document once instead of fifty times; the claims stay one
   * per ticket, only the `$inc`s are summed. The apply is scheduled when the turn's first part
   * arrives: a caller that adds its part before its other writes of the turn lets the counters
   * share their commit.
   */
  function applyShared(owner: Owner, part: Promise<TallyPart>): Promise<void> {
    const scope = accountScope(owner);
    let shared = sharedApplies.get(scope);
    if (!shared) {
      const created: SharedApply = { owner: { account: owner.account, livemode: owner.livemode }, waiting: [] };
      sharedApplies.set(scope, created);
      setImmediate(() => void applyNow(scope, created));
      shared = created;
    }
    // Read when the turn ends; until then a failure must not count as unhandled.
    part.catch(() => undefined);
    const waiting = shared.waiting;
    return new Promise<void>((resolve, reject) => waiting.push({ part, resolve, reject }));
  }

  /** Applies what the turn's follow-ups of one account gathered, once, and answers each of them. */
  async function applyNow(scope: string, shared: SharedApply): Promise<void> {
    if (sharedApplies.get(scope) === shared) sharedApplies.delete(scope);
    const parts = await Promise.allSettled(shared.waiting.map((w) => w.part));
    const tally = new Tally();
    const zoneOf = new Map<string, string>();
    const applied: SharedApply['waiting'] = [];
    parts.forEach((result, i) => {
      const waiter = shared.waiting[i] as SharedApply['waiting'][number];
      if (result.status === 'rejected') {
        waiter.reject(result.reason);
        return;
      }
      tally.addAll(result.value.tally);
      for (const [id, zone] of result.value.zoneOf) zoneOf.set(id, zone);
      applied.push(waiter);
    });
    if (applied.length === 0) return;
    try {
      await applyTally(shared.owner, tally, zoneOf);
    } catch (err) {
      for (const waiter of applied) waiter.reject(err);
      return;
    }
    for (const waiter of applied) waiter.resolve();
  }
  return { write, touchAccount, markMoving, applyShared };
}

/** The coalesced apply, as {@link createFiguresApply} builds it. */
export type FiguresApply = ReturnType<typeof createFiguresApply>;
