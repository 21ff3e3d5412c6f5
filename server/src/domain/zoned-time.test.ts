import { describe, expect, it } from 'vitest';
import { instantToZonedWallTime, isTimeZone, lastZonedDays, startOfZonedDay, zonedDateKey, zonedWallTimeToInstant } from './zoned-time.js';

describe('zoned wall time', () => {
  it('reads a form time at an Indian venue as IST, whatever the server zone', () => {
    expect(zonedWallTimeToInstant('2030-06-08T19:30', 'Asia/Kolkata')?.toISOString()).toBe('2030-06-08T14:00:00.000Z');
    expect(zonedWallTimeToInstant('2030-06-08T19:30', 'UTC')?.toISOString()).toBe('2030-06-08T19:30:00.000Z');
    expect(zonedWallTimeToInstant('2030-06-08T00:15:30', 'Asia/Kathmandu')?.toISOString()).toBe('2030-06-07T18:30:30.000Z');
  });

  it('follows daylight saving time where the zone has it', () => {
    // London is UTC+1 in July and UTC+0 in January.
    expect(zonedWallTimeToInstant('2030-07-01T12:00', 'Europe/London')?.toISOString()).toBe('2030-07-01T11:00:00.000Z');
    expect(zonedWallTimeToInstant('2030-01-01T12:00', 'Europe/London')?.toISOString()).toBe('2030-01-01T12:00:00.000Z');
    // 01:30 on 31 March 2030 does not exist in London (clocks jump 01:00 → 02:00): the instant after the jump.
    expect(zonedWallTimeToInstant('2030-03-31T01:30', 'Europe/London')?.toISOString()).toBe('2030-03-31T01:30:00.000Z');
  });

  it('refuses values that are not a calendar time', () => {
    for (const bad of ['', 'tomorrow', '2030-02-30T10:00', '2030-04-31T10:00', '2030-13-01T10:00', '2030-06-08T24:00', '2030-06-08 19:30']) {
      expect(zonedWallTimeToInstant(bad, 'Asia/Kolkata'), bad).toBeNull();
    }
  });

  it('turns an instant back into the wall time a datetime-local input shows', () => {
    const instant = new Date('2030-06-08T14:00:00Z');
    expect(instantToZonedWallTime(instant, 'Asia/Kolkata')).toBe('2030-06-08T19:30');
    expect(zonedWallTimeToInstant(instantToZonedWallTime(instant, 'America/New_York'), 'America/New_York')?.getTime()).toBe(instant.getTime());
  });

  it('names the local date and its first instant', () => {
    const lateEvening = new Date('2030-06-08T20:00:00Z'); // 01:30 on 9 June in India
    expect(zonedDateKey(lateEvening, 'Asia/Kolkata')).toBe('2030-06-09');
    expect(zonedDateKey(lateEvening, 'UTC')).toBe('2030-06-08');
    expect(startOfZonedDay(lateEvening, 'Asia/Kolkata').toISOString()).toBe('2030-06-08T18:30:00.000Z');
  });

  it('lists the last days oldest first, across a month end', () => {
    expect(lastZonedDays(new Date('2030-03-01T10:00:00Z'), 'Asia/Kolkata', 3)).toEqual(['2030-02-27', '2030-02-28', '2030-03-01']);
    expect(lastZonedDays(new Date('2030-06-08T10:00:00Z'), 'UTC', 30)).toHaveLength(30);
  });

  it('knows real zones from made-up ones', () => {
    expect(isTimeZone('Asia/Kolkata')).toBe(true);
    expect(isTimeZone('Mars/Olympus_Mons')).toBe(false);
  });
});
