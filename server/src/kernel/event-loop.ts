/**
 * Gives the event loop a turn: resolves after the I/O and timers already due have run.
 *
 * The embedded store answers synchronously (its promises are already resolved when returned),
 * so an `await` on a read never lets another request in; a loop over many reads holds the CPU
 * until it ends unless it calls this between them. `setImmediate` runs after the poll phase,
 * so a door scan waiting on its socket is served before the loop goes on
 * (https://nodejs.org/en/learn/asynchronous-work/event-loop-timers-and-nexttick).
 *
 * @example
 * for (const page of pages) {
 *   handle(page);
 *   await yieldToEventLoop();
 * }
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
