/** The time source. Services read time only through this, so tests can move it. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/**
 * A clock that stands still until told to move, for tests of expiry and windows.
 *
 * @example
 * const clock = new ManualClock('2026-01-01T00:00:00Z');
 * clock.advance(15 * 60_000);
 */
export class ManualClock implements Clock {
  private current: number;

  constructor(start: string | Date = '2026-01-01T00:00:00.000Z') {
    this.current = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  advance(ms: number): void {
    this.current += ms;
  }

  set(to: string | Date): void {
    this.current = new Date(to).getTime();
  }
}
