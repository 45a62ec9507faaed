/**
 * Public holidays, expanded at compile time into explicit dates in the plan: the workflow
 * sandbox cannot load a holiday library, and a plan must not depend on the machine that runs it.
 *
 * - Only `type: 'public'` holidays count (substitute days included). `bank` days (Christmas
 *   Eve, New Year's Eve, Irish Good Friday, Japanese bank closing days…) are days banks close
 *   while most people work; a collections team that wants them quiet lists them in
 *   `closedDays`, as the example policies already do. `optional`, `school` and `observance`
 *   days (Mother's Day, Halloween) are ordinary days.
 * - A holiday is closed all day, every local date it touches (Eid spanning three days closes
 *   three dates), even when the library says it starts at noon.
 * - The years are FIXED (HOLIDAY_YEARS), never "from this year": the plan, and so its hash,
 *   must not change with the day it is compiled. Sends after the last year see no public
 *   holiday; widen the range (a plan change for every journey) well before then.
 *
 * Node-side only (the library is loaded lazily: commands that never lower a plan skip its cost).
 */
import { createRequire } from 'node:module';
import type HolidaysClass from 'date-holidays';
import type { PlanCountryHolidays } from '../ir/index.js';

export const HOLIDAY_YEARS = { from: 2024, to: 2040 } as const;

type Holidays = InstanceType<typeof HolidaysClass>;
let library: Holidays | undefined;

function holidaysLibrary(): Holidays {
  if (!library) {
    const Ctor = createRequire(import.meta.url)('date-holidays') as typeof HolidaysClass;
    library = new Ctor();
  }
  return library;
}

/** Country codes with holiday data, e.g. { FR: 'France', … }. */
export function holidayCountries(): Record<string, string> {
  return holidaysLibrary().getCountries('en');
}

/** Region (state) codes of a country, e.g. { BY: 'Bayern', … }; empty when it has none. */
export function holidayRegions(country: string): Record<string, string> {
  return holidaysLibrary().getStates(country, 'en') ?? {};
}

const DAY_MS = 86_400_000;
const cache = new Map<string, readonly string[]>();

function addDaysIso(iso: string, days: number): string {
  return new Date(Date.parse(`${iso}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/**
 * Sorted, distinct YYYY-MM-DD dates of the public holidays of `country` (and `region`, a state
 * code of that country) over HOLIDAY_YEARS. Throws for an unknown country or region: the
 * compiler checks both first (UNKNOWN_COUNTRY, UNKNOWN_REGION).
 */
export function publicHolidayDates(country: string, region?: string): string[] {
  const key = `${country}/${region ?? ''}`;
  let dates = cache.get(key);
  if (!dates) {
    if (!(country in holidayCountries())) throw new Error(`no holiday data for country ${country}`);
    if (region !== undefined && !(region in holidayRegions(country)))
      throw new Error(`no region ${region} in ${country}`);
    const hd = holidaysLibrary();
    if (region !== undefined) hd.init(country, region);
    else hd.init(country);
    const set = new Set<string>();
    for (let year = HOLIDAY_YEARS.from; year <= HOLIDAY_YEARS.to; year++) {
      for (const h of hd.getHolidays(year)) {
        if (h.type !== 'public') continue;
        const first = h.date.slice(0, 10);
        // Local dates covered: the span in whole days (a holiday starting the evening before, as
        // Islamic ones do, still covers its own date first).
        const span = Math.max(1, Math.ceil((h.end.getTime() - h.start.getTime()) / DAY_MS - 1e-9));
        for (let i = 0; i < span; i++) {
          const d = addDaysIso(first, i);
          if (Number(d.slice(0, 4)) <= HOLIDAY_YEARS.to) set.add(d);
        }
      }
    }
    dates = Object.freeze([...set].sort());
    cache.set(key, dates);
  }
  return [...dates];
}

const countryCache = new Map<string, PlanCountryHolidays>();

/**
 * A country's public holidays for per-debtor holidays: the national dates, and for each region
 * (state) whose holidays differ, the dates it adds and the national dates it does not keep.
 * Throws for an unknown country (checked first: UNKNOWN_COUNTRY).
 */
export function countryHolidays(country: string): PlanCountryHolidays {
  let out = countryCache.get(country);
  if (!out) {
    const dates = publicHolidayDates(country);
    const national = new Set(dates);
    const regions: NonNullable<PlanCountryHolidays['regions']> = {};
    for (const code of Object.keys(holidayRegions(country)).sort()) {
      const own = publicHolidayDates(country, code);
      const mine = new Set(own);
      const add = own.filter((d) => !national.has(d));
      const remove = dates.filter((d) => !mine.has(d));
      if (add.length === 0 && remove.length === 0) continue;
      regions[code] = { add, ...(remove.length > 0 && { remove }) };
    }
    out = { dates, ...(Object.keys(regions).length > 0 && { regions }) };
    countryCache.set(country, out);
  }
  return structuredClone(out);
}
