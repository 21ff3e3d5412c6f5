/**
 * Whether the server's event loop is congested right now: how much of one turn it spends
 * running callbacks rather than waiting for I/O (`performance.eventLoopUtilization`). A server
 * answering a rush of requests has them queued every turn and is busy throughout; one with
 * little to do waits out most of a turn. Utilization, not how late a timer fires: on a
 * machine whose cores are shared, a timer of an idle server also fires late, and an idle
 * server must then still deliver at full speed.
 * The background workers ask this between batches, to leave a busy loop to the requests.
 */

/** Share of a turn spent running callbacks past which the loop counts as congested. */
export const CONGESTED_ABOVE = 0.5;

/**
 * Resolves `true` when the loop spends more than `threshold` of the next turn (up to a
 * zero-delay timer) running callbacks. It waits for that turn, so the caller yields to
 * whatever is queued in the meantime.
 *
 * @example
 * if (await loopCongested()) await pause(250);
 */
export function loopCongested(threshold = CONGESTED_ABOVE): Promise<boolean> {
  const before = performance.eventLoopUtilization();
  return new Promise((resolve) => {
    setTimeout(() => resolve(performance.eventLoopUtilization(before).utilization > threshold), 0);
  });
}
