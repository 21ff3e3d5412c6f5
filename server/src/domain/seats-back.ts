/**
 * Says "seats came back to an event with people waiting" to whoever listens: the server wakes
 * the waiting-list job with it, so an offer goes out at once rather than at the job's next round
 * (docs/waiting-list.md). Listeners run in the caller's turn and must only schedule work: a
 * listener's failure never reaches the seat movement that told it.
 */
export interface SeatsBack {
  /** Seats of `eventId` went back to sale while its line was due offers. */
  notify(eventId: string): void;
  /** Calls `listener` on every notice; returns the call that stops it. */
  listen(listener: (eventId: string) => void): () => void;
}

/**
 * @example
 * const seatsBack = createSeatsBack();
 * seatsBack.listen(() => void jobs.wake('waiting-list'));
 */
export function createSeatsBack(): SeatsBack {
  const listeners = new Set<(eventId: string) => void>();
  return {
    notify(eventId) {
      for (const listener of listeners) {
        try {
          listener(eventId);
        } catch {
          // The periodic round is the net: a listener's failure costs at most its wait.
        }
      }
    },
    listen(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
