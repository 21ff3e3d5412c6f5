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
  let turns = 0;
  let counting = true;
  const tick = () => {
    if (!counting) return;
    turns++;
    setImmediate(tick);
  };
  setImmediate(tick);
  try {
    const result = await work();
    return { result, turns };
  } finally {
    counting = false;
  }
}
