/**
 * localTime(t, days, 'HH:MM'): wall-clock instants in the debtor's zone. Golden UTC instants,
 * worked by hand from each zone's offsets, across both daylight-saving changes, in zones without
 * daylight saving, and in the gap and the repeated hour; and how `dueDate - duration(…)` drifts.
 */
import { describe, expect, it } from 'vitest';
import { celInput, checkCel, compileCel, evaluateTimestamp } from '../../src/core/cel/index.js';
import type { EnrollmentData } from '../../src/ir/index.js';

const record = (dueDate: string): EnrollmentData => ({
  debtId: 'D-1',
  debtor: { id: 'C-1', firstName: 'Ana' },
  debt: { reference: 'R-1', amountDue: 10, currency: 'EUR', dueDate },
});

function at(expr: string, dueDate: string, timezone: string): string {
  const input = celInput(record(dueDate), { nowMs: Date.parse('2026-01-01T00:00:00Z'), timezone, attributeTypes: {} });
  return new Date(evaluateTimestamp(compileCel(expr, {}), input)).toISOString();
}

const FIVE_DAYS_BEFORE = "localTime(debt.dueDate, -5, '10:00')";
const HOURS_BEFORE = "debt.dueDate - duration('110h')"; // the old way: 10:00 five days before, without DST

describe('localTime: golden instants', () => {
  const cases: [string, string, string, string][] = [
    // zone, due date, expected localTime, why
    ['Europe/Paris', '2026-03-20', '2026-03-15T09:00:00.000Z', 'CET on both dates (UTC+1)'],
    [
      'Europe/Paris',
      '2026-03-31',
      '2026-03-26T09:00:00.000Z',
      'due in CEST, 10:00 CET five days before (spring, 29 March)',
    ],
    ['Europe/Paris', '2026-04-03', '2026-03-29T08:00:00.000Z', 'on the change day itself: 10:00 CEST'],
    [
      'Europe/Paris',
      '2026-10-28',
      '2026-10-23T08:00:00.000Z',
      'due in CET, 10:00 CEST five days before (autumn, 25 October)',
    ],
    ['Europe/Amsterdam', '2026-10-30', '2026-10-25T09:00:00.000Z', 'on the autumn change day: 10:00 CET'],
    ['America/New_York', '2026-03-10', '2026-03-05T15:00:00.000Z', 'EST before the 8 March change (UTC−5)'],
    ['America/New_York', '2026-11-03', '2026-10-29T14:00:00.000Z', 'EDT before the 1 November change (UTC−4)'],
    ['Australia/Sydney', '2026-04-08', '2026-04-02T23:00:00.000Z', 'AEDT (UTC+11) before the 5 April change'],
    ['Australia/Sydney', '2026-10-06', '2026-10-01T00:00:00.000Z', 'AEST (UTC+10) before the 4 October change'],
    ['Asia/Tokyo', '2026-03-31', '2026-03-26T01:00:00.000Z', 'no DST (UTC+9)'],
    ['America/Phoenix', '2026-03-10', '2026-03-05T17:00:00.000Z', 'no DST in Arizona (UTC−7)'],
    ['Asia/Kolkata', '2026-11-03', '2026-10-29T04:30:00.000Z', 'no DST, half-hour offset (UTC+5:30)'],
    ['UTC', '2026-03-31', '2026-03-26T10:00:00.000Z', 'UTC'],
  ];
  for (const [zone, due, expected, why] of cases) {
    it(`${zone}, due ${due}: ${expected} (${why})`, () => {
      expect(at(FIVE_DAYS_BEFORE, due, zone)).toBe(expected);
    });
  }

  it('hour arithmetic drifts by an hour across a change; localTime does not', () => {
    // Spring in Paris: 110 hours before 31 March 00:00 CEST is 26 March 09:00 CET, not 10:00.
    expect(at(HOURS_BEFORE, '2026-03-31', 'Europe/Paris')).toBe('2026-03-26T08:00:00.000Z');
    expect(at(FIVE_DAYS_BEFORE, '2026-03-31', 'Europe/Paris')).toBe('2026-03-26T09:00:00.000Z');
    // Autumn in New York: 110 hours before 3 November 00:00 EST is 29 October 11:00 EDT.
    expect(at(HOURS_BEFORE, '2026-11-03', 'America/New_York')).toBe('2026-10-29T15:00:00.000Z');
    expect(at(FIVE_DAYS_BEFORE, '2026-11-03', 'America/New_York')).toBe('2026-10-29T14:00:00.000Z');
    // Without DST both agree.
    expect(at(HOURS_BEFORE, '2026-03-31', 'Asia/Tokyo')).toBe(at(FIVE_DAYS_BEFORE, '2026-03-31', 'Asia/Tokyo'));
  });

  it('days after, the same day, and 24:00 (the end of the day)', () => {
    expect(at("localTime(debt.dueDate, 3, '18:30')", '2026-03-27', 'Europe/Paris')).toBe('2026-03-30T16:30:00.000Z');
    expect(at("localTime(debt.dueDate, 0, '10:00')", '2026-03-29', 'Europe/Paris')).toBe('2026-03-29T08:00:00.000Z');
    expect(at("localTime(debt.dueDate, 0, '24:00')", '2026-03-28', 'Europe/Paris')).toBe('2026-03-28T23:00:00.000Z');
    expect(at("localTime(debt.dueDate, 1, '00:00')", '2026-10-24', 'Europe/Paris')).toBe('2026-10-24T22:00:00.000Z');
  });

  it('a time in the spring gap moves forward by the gap; a repeated time is its first occurrence', () => {
    expect(at("localTime(debt.dueDate, 0, '02:30')", '2026-03-29', 'Europe/Paris')).toBe('2026-03-29T01:30:00.000Z');
    expect(at("localTime(debt.dueDate, 0, '02:30')", '2026-10-25', 'Europe/Paris')).toBe('2026-10-25T00:30:00.000Z');
  });

  it('reads any timestamp in the zone: now, or a literal', () => {
    expect(at("localTime(timestamp('2026-03-28T23:30:00Z'), 1, '09:00')", '2026-03-01', 'Europe/Paris')).toBe(
      '2026-03-30T07:00:00.000Z', // 29 March 00:30 CET locally → 30 March 09:00 CEST
    );
    expect(at("localTime(now, 0, '12:00')", '2026-03-01', 'America/New_York')).toBe('2025-12-31T17:00:00.000Z');
  });
});

describe('localTime: checks', () => {
  it('type-checks as a timestamp and refuses a literal that is not a time of day, at its offset', () => {
    expect(checkCel(FIVE_DAYS_BEFORE, {}, 'timestamp')).toMatchObject({ ok: true, type: 'timestamp' });
    expect(checkCel("localTime(debt.dueDate, -5, '25:00')", {}, 'timestamp')).toMatchObject({
      ok: false,
      message: '`25:00` is not a time of day',
      offset: 28,
    });
    expect(checkCel("localTime(debt.dueDate, 1.5, '10:00')", {}, 'timestamp')).toMatchObject({ ok: false });
  });

  it('a time computed at run time that is not a time of day is an evaluation error', () => {
    expect(() => at('localTime(debt.dueDate, 0, debt.reference)', '2026-03-01', 'Europe/Paris')).toThrow(
      /not a time of day/,
    );
  });
});
