/**
 * Polls `read` until it equals `expected` (compared as JSON), or `timeoutMs` passes, and returns
 * the last value read. For stores whose background sweeps (TTL) run every few milliseconds in
 * tests, as MongoDB's TTL monitor runs on its own schedule.
 *
 * @example
 * expect(await eventually(() => sessions.count({}), 0)).toBe(0);
 */
export async function eventually<T>(read: () => Promise<T>, expected: T, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (JSON.stringify(value) !== JSON.stringify(expected) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    value = await read();
  }
  return value;
}
