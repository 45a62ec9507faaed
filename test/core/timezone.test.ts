import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  daysBetweenLocal,
  isValidTimeZone,
  localDateIso,
  localDateParts,
  zonedMidnight,
} from '../../src/core/timezone.js';
import { parseIsoDate } from '../../src/core/iso-date.js';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

describe('isValidTimeZone', () => {
  it('accepts IANA zones and UTC', () => {
    expect(isValidTimeZone('Europe/Paris')).toBe(true);
    expect(isValidTimeZone('America/Los_Angeles')).toBe(true);
    expect(isValidTimeZone('UTC')).toBe(true);
  });

  it('rejects unknown names', () => {
    expect(isValidTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(isValidTimeZone('')).toBe(false);
    expect(isValidTimeZone('Paris')).toBe(false);
  });
});

describe('localDateParts', () => {
  it('reads the wall clock of an instant in the zone', () => {
    expect(localDateParts(at('2026-03-19T23:30:00Z'), 'Europe/Paris')).toEqual({
      year: 2026,
      month: 3,
      day: 20,
      hour: 0,
      minute: 30,
      weekday: 5,
    });
    expect(localDateParts(at('2026-03-19T23:30:00Z'), 'America/Los_Angeles')).toEqual({
      year: 2026,
      month: 3,
      day: 19,
      hour: 16,
      minute: 30,
      weekday: 4,
    });
  });

  it('uses hours 0–23 (midnight is 0, never 24)', () => {
    expect(localDateParts(at('2026-01-01T00:00:00Z'), 'UTC').hour).toBe(0);
  });

  it('numbers weekdays from Sunday = 0', () => {
    expect(localDateParts(at('2026-03-29T12:00:00Z'), 'UTC').weekday).toBe(0);
    expect(localDateParts(at('2026-03-28T12:00:00Z'), 'UTC').weekday).toBe(6);
  });
});

describe('zonedMidnight', () => {
  it('is 00:00 local on ordinary days', () => {
    expect(iso(zonedMidnight('2026-01-15', 'Europe/Paris'))).toBe('2026-01-14T23:00:00.000Z');
    expect(iso(zonedMidnight('2026-07-15', 'Europe/Paris'))).toBe('2026-07-14T22:00:00.000Z');
    expect(iso(zonedMidnight('2026-01-15', 'America/Los_Angeles'))).toBe('2026-01-15T08:00:00.000Z');
    expect(iso(zonedMidnight('2026-01-15', 'Asia/Kolkata'))).toBe('2026-01-14T18:30:00.000Z');
  });

  it('is right on both sides of a daylight-saving change', () => {
    // Paris springs forward on 2026-03-29 at 02:00 and falls back on 2026-10-25 at 03:00.
    expect(iso(zonedMidnight('2026-03-29', 'Europe/Paris'))).toBe('2026-03-28T23:00:00.000Z');
    expect(iso(zonedMidnight('2026-03-30', 'Europe/Paris'))).toBe('2026-03-29T22:00:00.000Z');
    expect(iso(zonedMidnight('2026-10-25', 'Europe/Paris'))).toBe('2026-10-24T22:00:00.000Z');
    expect(iso(zonedMidnight('2026-10-26', 'Europe/Paris'))).toBe('2026-10-25T23:00:00.000Z');
    // Los Angeles springs forward on 2026-03-08.
    expect(iso(zonedMidnight('2026-03-08', 'America/Los_Angeles'))).toBe('2026-03-08T08:00:00.000Z');
    expect(iso(zonedMidnight('2026-03-09', 'America/Los_Angeles'))).toBe('2026-03-09T07:00:00.000Z');
  });

  it('starts the day at 01:00 when a change skips midnight', () => {
    // Chile moved its clocks from 00:00 to 01:00 on 2024-09-08.
    const start = zonedMidnight('2024-09-08', 'America/Santiago');
    expect(iso(start)).toBe('2024-09-08T04:00:00.000Z');
    expect(localDateParts(start, 'America/Santiago')).toMatchObject({ day: 8, hour: 1, minute: 0 });
    expect(localDateParts(start - 1, 'America/Santiago')).toMatchObject({ day: 7, hour: 23 });
  });

  it('takes the first of two midnights when the clocks go back to 00:00', () => {
    // Cuba moved its clocks from 01:00 back to 00:00 on 2024-11-03.
    const start = zonedMidnight('2024-11-03', 'America/Havana');
    expect(iso(start)).toBe('2024-11-03T04:00:00.000Z');
    expect(localDateParts(start - 1, 'America/Havana')).toMatchObject({ day: 2, hour: 23 });
  });

  it('rejects text that is not a calendar date', () => {
    expect(() => zonedMidnight('2026-02-30', 'Europe/Paris')).toThrow(RangeError);
    expect(() => zonedMidnight('20260115', 'Europe/Paris')).toThrow(RangeError);
    expect(() => zonedMidnight('2026-01-15', 'Mars/Olympus_Mons')).toThrow(RangeError);
  });

  it('always lands on the given date at the first local minute of the day', () => {
    const zones = ['Europe/Paris', 'America/Los_Angeles', 'Australia/Lord_Howe', 'America/Santiago', 'Asia/Kathmandu'];
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 365 * 40 }), fc.constantFrom(...zones), (dayOffset, tz) => {
        const date = new Date(Date.UTC(2000, 0, 1) + dayOffset * 86_400_000).toISOString().slice(0, 10);
        const start = zonedMidnight(date, tz);
        expect(localDateIso(start, tz)).toBe(date);
        expect(localDateIso(start - 60_000, tz) < date).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe('parseIsoDate', () => {
  it('parses real dates only', () => {
    expect(parseIsoDate('2028-02-29')).toEqual({ year: 2028, month: 2, day: 29 });
    expect(parseIsoDate('2026-02-29')).toBeUndefined();
    expect(parseIsoDate('2026-13-01')).toBeUndefined();
    expect(parseIsoDate('2026-1-1')).toBeUndefined();
  });
});

describe('daysBetweenLocal', () => {
  it('counts local calendar days, 0 on the date itself and negative before it', () => {
    expect(daysBetweenLocal('2026-03-20', at('2026-03-20T12:00:00Z'), 'Europe/Paris')).toBe(0);
    expect(daysBetweenLocal('2026-03-20', at('2026-03-25T12:00:00Z'), 'Europe/Paris')).toBe(5);
    expect(daysBetweenLocal('2026-03-20', at('2026-03-15T12:00:00Z'), 'Europe/Paris')).toBe(-5);
  });

  it('changes at local midnight, not at UTC midnight', () => {
    // 23:30 UTC on the 19th is already the 20th in Paris but still the 19th in Los Angeles.
    expect(daysBetweenLocal('2026-03-20', at('2026-03-19T23:30:00Z'), 'Europe/Paris')).toBe(0);
    expect(daysBetweenLocal('2026-03-20', at('2026-03-19T22:59:59Z'), 'Europe/Paris')).toBe(-1);
    expect(daysBetweenLocal('2026-03-20', at('2026-03-20T06:59:59Z'), 'America/Los_Angeles')).toBe(-1);
    expect(daysBetweenLocal('2026-03-20', at('2026-03-20T07:00:00Z'), 'America/Los_Angeles')).toBe(0);
  });

  it('counts a 23-hour daylight-saving day as one day', () => {
    // 2026-03-29 lasts 23 h in Paris; 2026-03-08 lasts 23 h in Los Angeles.
    expect(daysBetweenLocal('2026-03-28', zonedMidnight('2026-03-30', 'Europe/Paris'), 'Europe/Paris')).toBe(2);
    expect(
      daysBetweenLocal('2026-03-07', zonedMidnight('2026-03-09', 'America/Los_Angeles'), 'America/Los_Angeles'),
    ).toBe(2);
    expect(daysBetweenLocal('2026-10-24', zonedMidnight('2026-10-26', 'Europe/Paris') - 1, 'Europe/Paris')).toBe(1);
  });

  it('crosses year ends', () => {
    expect(daysBetweenLocal('2025-12-31', at('2026-01-01T10:00:00Z'), 'Europe/Paris')).toBe(1);
  });
});
