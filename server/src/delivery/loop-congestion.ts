/**
 * Whether the server's event loop is congested right now: how late a zero-delay timer fires.
 * A server answering a rush of requests runs them between two turns of its loop, so a timer
 * waits for all of them; a server with little to do fires it within a millisecond or two.
 * The background workers ask this between batches, to leave a busy loop to the requests.
 */

/** Lateness past which the loop counts as congested: a few requests' work, far above an idle turn. */
export const CONGESTED_AFTER_MS = 10;

/**
 * Resolves `true` when a timer set now fires more than `thresholdMs` late. It waits for one
 * turn of the loop, so the caller yields to whatever is queued in the meantime.
 *
 * @example
 * if (await loopCongested()) await pause(250);
 */
export function loopCongested(thresholdMs = CONGESTED_AFTER_MS): Promise<boolean> {
  const started = performance.now();
  return new Promise((resolve) => {
    setTimeout(() => resolve(performance.now() - started > thresholdMs), 0);
  });
}
