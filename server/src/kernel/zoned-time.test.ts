import { describe, expect, it } from 'vitest';
import { canonicalTimeZone, instantToZonedWallTime, isTimeZone, lastZonedDays, startOfZonedDay, zonedDateKey, zonedWallTimeToInstant } from './zoned-time.js';

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
  });

  it('moves a wall time skipped by a spring-forward jump past the gap, east and west of UTC', () => {
    // New York jumps 02:00 EST → 03:00 EDT on 10 March 2030: 02:30 is read as 03:30 EDT.
    expect(zonedWallTimeToInstant('2030-03-10T02:30', 'America/New_York')?.toISOString()).toBe('2030-03-10T07:30:00.000Z');
    expect(zonedWallTimeToInstant('2030-03-10T01:59', 'America/New_York')?.toISOString()).toBe('2030-03-10T06:59:00.000Z');
    expect(zonedWallTimeToInstant('2030-03-10T03:00', 'America/New_York')?.toISOString()).toBe('2030-03-10T07:00:00.000Z');
    // London jumps 01:00 GMT → 02:00 BST on 31 March 2030: 01:30 is read as 02:30 BST.
    expect(zonedWallTimeToInstant('2030-03-31T01:30', 'Europe/London')?.toISOString()).toBe('2030-03-31T01:30:00.000Z');
    // Havana and Santiago skip midnight itself.
    expect(zonedWallTimeToInstant('2030-03-10T00:00', 'America/Havana')?.toISOString()).toBe('2030-03-10T05:00:00.000Z');
    expect(zonedWallTimeToInstant('2030-09-08T00:30', 'America/Santiago')?.toISOString()).toBe('2030-09-08T04:30:00.000Z');
  });

  it('reads a wall time repeated by a fall-back jump as its first occurrence', () => {
    // New York repeats 01:00–02:00 on 3 November 2030 (EDT, then EST).
    expect(zonedWallTimeToInstant('2030-11-03T01:30', 'America/New_York')?.toISOString()).toBe('2030-11-03T05:30:00.000Z');
    // London repeats 01:00–02:00 on 27 October 2030 (BST, then GMT).
    expect(zonedWallTimeToInstant('2030-10-27T01:30', 'Europe/London')?.toISOString()).toBe('2030-10-27T00:30:00.000Z');
  });

  it('starts a day whose midnight was skipped at the first instant of that day, not the day before', () => {
    const havanaNoon = new Date('2030-03-10T16:00:00Z');
    expect(startOfZonedDay(havanaNoon, 'America/Havana').toISOString()).toBe('2030-03-10T05:00:00.000Z');
    expect(instantToZonedWallTime(startOfZonedDay(havanaNoon, 'America/Havana'), 'America/Havana')).toBe('2030-03-10T01:00');
    const santiagoNoon = new Date('2030-09-08T15:00:00Z');
    expect(startOfZonedDay(santiagoNoon, 'America/Santiago').toISOString()).toBe('2030-09-08T04:00:00.000Z');
    expect(zonedDateKey(startOfZonedDay(santiagoNoon, 'America/Santiago'), 'America/Santiago')).toBe('2030-09-08');
    // An ordinary day in the same zones starts at midnight.
    expect(startOfZonedDay(new Date('2030-03-11T16:00:00Z'), 'America/Havana').toISOString()).toBe('2030-03-11T04:00:00.000Z');
    expect(startOfZonedDay(new Date('2030-11-03T16:00:00Z'), 'America/New_York').toISOString()).toBe('2030-11-03T04:00:00.000Z');
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

describe('instantToZonedWallTime, formatted again', () => {
  it('gives each zone its own wall minute for instants of one UTC minute, and old instants their offsets to the second', () => {
    const minute = Date.UTC(2030, 5, 8, 14, 59);
    expect(instantToZonedWallTime(new Date(minute), 'Asia/Kathmandu')).toBe('2030-06-08T20:44');
    expect(instantToZonedWallTime(new Date(minute + 59_999), 'Asia/Kathmandu')).toBe('2030-06-08T20:44');
    expect(instantToZonedWallTime(new Date(minute + 30_000), 'UTC')).toBe('2030-06-08T14:59');
    expect(instantToZonedWallTime(new Date(minute + 60_000), 'Asia/Kathmandu')).toBe('2030-06-08T20:45');
    // Liberia was 44 min 30 s behind UTC until 1972: one UTC minute spans two of its wall minutes.
    const liberia = Date.UTC(1970, 0, 1, 12, 0);
    expect(instantToZonedWallTime(new Date(liberia), 'Africa/Monrovia')).toBe('1970-01-01T11:15');
    expect(instantToZonedWallTime(new Date(liberia + 45_000), 'Africa/Monrovia')).toBe('1970-01-01T11:16');
  });
});

describe('canonicalTimeZone', () => {
  it('spells a zone name as the tz database does, whatever case it was sent in', () => {
    expect(canonicalTimeZone('asia/kolkata')).toBe('Asia/Kolkata');
    expect(canonicalTimeZone('ASIA/KOLKATA')).toBe('Asia/Kolkata');
    expect(canonicalTimeZone('utc')).toBe('UTC');
    expect(canonicalTimeZone('etc/gmt-12')).toBe('Etc/GMT-12');
    expect(canonicalTimeZone('america/argentina/buenos_aires')).toBe('America/Argentina/Buenos_Aires');
    expect(canonicalTimeZone('america/port-au-prince')).toBe('America/Port-au-Prince');
  });

  it('keeps a name already spelled right, maps an old alias to its zone, and refuses unknown names', () => {
    expect(canonicalTimeZone('Asia/Kolkata')).toBe('Asia/Kolkata');
    expect(canonicalTimeZone('Europe/London')).toBe('Europe/London');
    expect(canonicalTimeZone('us/eastern')).toBe('America/New_York');
    expect(canonicalTimeZone('Mars/Olympus')).toBeNull();
  });
});
