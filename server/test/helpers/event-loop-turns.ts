/**
 * Runs `work` and counts the turns the event loop took meanwhile: a `setImmediate` ticker that
 * re-arms itself while the work runs. Work that gives the loop a turn between its pages lets
 * the ticker run once per page; work that never lets go (the embedded store answers
 * synchronously, so awaiting it does not) leaves the count at zero. Counts, never timings.
 *
 * @example
 * const { result, turns } = await turnsDuring(() => services.figures.recount(owner));
 * expect(turns).toBeGreaterThanOrEqual(pages - 1);
 */
export async function turnsDuring<T>(work: () => Promise<T>): Promise<{ result: T; turns: number }> {
  const counter = turnCounter();
  try {
    const result = await work();
    return { result, turns: counter.now() };
  } finally {
    counter.stop();
  }
}

/**
 * A running count of the event loop's turns (a `setImmediate` ticker that re-arms itself), for
 * tests that ask in which turn something happened. Stop it when done, or it keeps the loop busy.
 *
 * @example
 * const turns = turnCounter();
 * await yieldToEventLoop();
 * const turn = turns.now();
 * turns.stop();
 */
export function turnCounter(): { now: () => number; stop: () => void } {
  let turns = 0;
  let counting = true;
  const tick = () => {
    if (!counting) return;
    turns++;
    setImmediate(tick);
  };
  setImmediate(tick);
  return {
    now: () => turns,
    stop: () => {
      counting = false;
    },
  };
}
