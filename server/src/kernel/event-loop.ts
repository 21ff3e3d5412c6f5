/**
 * Gives the event loop a turn: resolves after the I/O and timers already due have run.
 *
 * The embedded store answers synchronously (its promises are already resolved when returned),
 * so an `await` on a read never lets another request in; a loop over many reads holds the CPU
 * until it ends unless it calls this between them. `setImmediate` runs after the poll phase,
 * so a door scan waiting on its socket is served before the loop goes on
 * (https://nodejs.org/en/learn/asynchronous-work/event-loop-timers-and-nexttick).
 *
 * Callers take turns: one waiting caller goes on per turn of the loop, the longest waiting
 * first. Long reads that yield (an export, a dashboard, a repair) then add one page of work to a
 * turn however many of them run at once, so a scan waits behind one page, not one page of each
 * (docs/decisions/0051-long-reads-yield.md). One caller alone goes on every turn, as before.
 *
 * @example
 * for (const page of pages) {
 *   handle(page);
 *   await yieldToEventLoop();
 * }
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => {
    waiting.push(resolve);
    arm();
  });
}

/** Callers waiting for their turn, the longest waiting first. */
const waiting: Array<() => void> = [];
let armed = false;

function arm(): void {
  if (armed) return;
  armed = true;
  setImmediate(resumeNext);
}

function resumeNext(): void {
  armed = false;
  const next = waiting.shift();
  // Armed before `next` runs, so the one after it goes on in the next turn, not this one.
  if (waiting.length > 0) arm();
  next?.();
}
