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
 * Node-side only. The library is loaded lazily, and what it computes (the list of countries and
 * regions, each country's expanded table) is kept between runs next to it on disk
 * (node_modules/.cache/settle-holidays/<library version>/<years>/): expanding a country with its
 * regions takes the library 50–300 ms, which every `settle validate` paid. The tables depend on
 * the library's version and HOLIDAY_YEARS only, so the cache key is those.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
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

/** The cache folder, or undefined when the library's location is unknown. */
function diskCacheDir(): string | undefined {
  try {
    const require = createRequire(import.meta.url);
    const pkg = require.resolve('date-holidays/package.json');
    const { version } = require('date-holidays/package.json') as { version: string };
    return join(dirname(pkg), '..', '.cache', 'settle-holidays', version, `${HOLIDAY_YEARS.from}-${HOLIDAY_YEARS.to}`);
  } catch {
    return undefined;
  }
}

function readCached<T>(name: string, valid: (v: T) => boolean): T | undefined {
  const dir = diskCacheDir();
  if (!dir) return undefined;
  try {
    const v = JSON.parse(readFileSync(join(dir, name), 'utf8')) as T;
    return valid(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

function writeCached(name: string, value: unknown): void {
  const dir = diskCacheDir();
  if (!dir) return;
  try {
    mkdirSync(dir, { recursive: true });
    // Written whole, then renamed: a concurrent reader sees the old file or the new one, never half.
    const tmp = join(dir, `${name}.${process.pid}.tmp`);
    writeFileSync(tmp, JSON.stringify(value));
    renameSync(tmp, join(dir, name));
  } catch {
    // A read-only install: compute every time.
  }
}

interface Catalog {
  countries: Record<string, string>;
  regions: Record<string, Record<string, string>>;
}
let catalogMemo: Catalog | undefined;

/** Every country with holiday data and its regions (states), from the cache or the library. */
function catalog(): Catalog {
  catalogMemo ??= readCached<Catalog>('catalog.json', (v) => typeof v.countries === 'object' && !!v.regions);
  if (!catalogMemo) {
    const hd = holidaysLibrary();
    const countries = hd.getCountries('en');
    const regions: Catalog['regions'] = {};
    for (const code of Object.keys(countries)) {
      const states = hd.getStates(code, 'en');
      if (states && Object.keys(states).length > 0) regions[code] = states;
    }
    catalogMemo = { countries, regions };
    writeCached('catalog.json', catalogMemo);
  }
  return catalogMemo;
}

/** Country codes with holiday data, e.g. { FR: 'France', … }. */
export function holidayCountries(): Record<string, string> {
  return catalog().countries;
}

/** Region (state) codes of a country, e.g. { BY: 'Bayern', … }; empty when it has none. */
export function holidayRegions(country: string): Record<string, string> {
  return catalog().regions[country] ?? {};
}

const DAY_MS = 86_400_000;

function addDaysIso(iso: string, days: number): string {
  return new Date(Date.parse(`${iso}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** What the library says: the public holidays of a country (or one of its regions) over HOLIDAY_YEARS. */
function computeDates(country: string, region?: string): string[] {
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
  return [...set].sort();
}

const countryCache = new Map<string, PlanCountryHolidays>();

/** The country's table, from memory, the disk cache or the library (which fills both). */
function countryTable(country: string): PlanCountryHolidays {
  let out = countryCache.get(country);
  if (!out && /^[A-Z]{2,3}$/.test(country)) {
    out = readCached<PlanCountryHolidays>(`${country}.json`, (v) => Array.isArray(v.dates));
  }
  if (!out) {
    if (!(country in holidayCountries())) throw new Error(`no holiday data for country ${country}`);
    const dates = computeDates(country);
    const national = new Set(dates);
    const regions: NonNullable<PlanCountryHolidays['regions']> = {};
    for (const code of Object.keys(holidayRegions(country)).sort()) {
      const own = computeDates(country, code);
      const mine = new Set(own);
      const add = own.filter((d) => !national.has(d));
      const remove = dates.filter((d) => !mine.has(d));
      if (add.length === 0 && remove.length === 0) continue;
      regions[code] = { add, ...(remove.length > 0 && { remove }) };
    }
    out = { dates, ...(Object.keys(regions).length > 0 && { regions }) };
    if (/^[A-Z]{2,3}$/.test(country)) writeCached(`${country}.json`, out);
  }
  countryCache.set(country, out);
  return out;
}

/**
 * Sorted, distinct YYYY-MM-DD dates of the public holidays of `country` (and `region`, a state
 * code of that country) over HOLIDAY_YEARS. Throws for an unknown country or region: the
 * compiler checks both first (UNKNOWN_COUNTRY, UNKNOWN_REGION).
 */
export function publicHolidayDates(country: string, region?: string): string[] {
  if (!(country in holidayCountries())) throw new Error(`no holiday data for country ${country}`);
  if (region !== undefined && !(region in holidayRegions(country)))
    throw new Error(`no region ${region} in ${country}`);
  const table = countryTable(country);
  const diff = region !== undefined ? table.regions?.[region] : undefined;
  if (!diff) return [...table.dates];
  // A region keeps the national dates it does not remove, and adds its own.
  const removed = new Set(diff.remove ?? []);
  return [...new Set([...table.dates.filter((d) => !removed.has(d)), ...diff.add])].sort();
}

/**
 * A country's public holidays for per-debtor holidays: the national dates, and for each region
 * (state) whose holidays differ, the dates it adds and the national dates it does not keep.
 * Throws for an unknown country (checked first: UNKNOWN_COUNTRY).
 */
export function countryHolidays(country: string): PlanCountryHolidays {
  return structuredClone(countryTable(country));
}
