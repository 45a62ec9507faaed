/**
 * Local calendar arithmetic in IANA time zones, for the debtor-facing parts of a journey: due
 * dates at 00:00 local, days past due, send windows. Built on `Intl.DateTimeFormat` (a JS
 * builtin, available in Temporal's workflow sandbox) with one cached formatter per zone, since
 * constructing formatters is the expensive part. Workflow-safe: never reads the clock; every
 * instant is passed in as epoch milliseconds.
 */
import { requireDate } from './iso-date.js';

export interface LocalDateParts {
  year: number;
  /** 1–12. */
  month: number;
  /** 1–31. */
  day: number;
  /** 0–23. */
  hour: number;
  minute: number;
  /** 0 = Sunday … 6 = Saturday, as Date#getDay. */
  weekday: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const WEEKDAY_INDEX: Readonly<Record<string, number>> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

/** Zone names come from enrollment records: bound the caches so odd input cannot grow them forever. */
const CACHE_LIMIT = 1000;
const formatters = new Map<string, Intl.DateTimeFormat>();
const validity = new Map<string, boolean>();

function remember<V>(cache: Map<string, V>, key: string, value: V): void {
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, value);
}

/**
 * The formatter of a zone's wall clock (numeric date and 24-hour time, in en-US parts), plus
 * `extra` parts. Throws RangeError for a zone Intl does not know.
 */
export function wallClockFormat(tz: string, extra: Intl.DateTimeFormatOptions = {}): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat('en-US', {
    timeZone: tz,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
    ...extra,
  });
}

function formatterFor(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    // Throws RangeError for an unknown zone: callers validate with isValidTimeZone first.
    f = wallClockFormat(tz, { weekday: 'short', era: 'short' });
    remember(formatters, tz, f);
  }
  return f;
}

/** True when `tz` is an IANA zone name (or alias) this runtime knows. */
export function isValidTimeZone(tz: string): boolean {
  let ok = validity.get(tz);
  if (ok === undefined) {
    try {
      formatterFor(tz);
      ok = true;
    } catch {
      ok = false;
    }
    remember(validity, tz, ok);
  }
  return ok;
}

interface FullParts extends LocalDateParts {
  second: number;
}

/** The zone's reading of an instant, straight from Intl (the slow path, and the reference). */
function formattedParts(instantMs: number, tz: string): FullParts {
  const out: FullParts = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0, weekday: 0 };
  let bc = false;
  for (const p of formatterFor(tz).formatToParts(instantMs)) {
    switch (p.type) {
      case 'year':
        out.year = Number(p.value);
        break;
      case 'month':
        out.month = Number(p.value);
        break;
      case 'day':
        out.day = Number(p.value);
        break;
      case 'hour':
        out.hour = Number(p.value);
        break;
      case 'minute':
        out.minute = Number(p.value);
        break;
      case 'second':
        out.second = Number(p.value);
        break;
      case 'weekday':
        out.weekday = WEEKDAY_INDEX[p.value] ?? 0;
        break;
      case 'era':
        bc = p.value.startsWith('B');
        break;
    }
  }
  if (bc) out.year = 1 - out.year;
  return out;
}

/*
 * Offsets memoised per zone per UTC hour: formatToParts costs microseconds, and a simulation asks
 * millions of times. An hour is memoised only when the zone's offset is the same at its first and
 * its last whole second (tz data changes offsets on whole seconds), so the memo gives exactly what
 * Intl would; an hour holding a transition always takes the slow path. Pure, so workflow-safe.
 */
const HOUR_MS = 3_600_000;
/** Beyond this the hour's last second could leave Date's range: the slow path handles it. */
const MEMO_RANGE_MS = 8.64e15 - 2 * HOUR_MS;
const HOURS_PER_ZONE_LIMIT = 200_000;
const NOT_CONSTANT = NaN;
const hourOffsets = new Map<string, Map<number, number>>();

/** Offset (ms, east positive) of a zone over one UTC hour, or NaN when it changes within it. */
function hourOffset(hour: number, tz: string): number {
  const zone = hourOffsets.get(tz);
  const known = zone?.get(hour);
  if (known !== undefined) return known;
  const first = hour * HOUR_MS;
  const last = first + HOUR_MS - 1000;
  const a = wallMs(formattedParts(first, tz)) - first;
  const b = wallMs(formattedParts(last, tz)) - last;
  const offset = a === b ? a : NOT_CONSTANT;
  if (!zone) remember(hourOffsets, tz, new Map([[hour, offset]]));
  else {
    if (zone.size >= HOURS_PER_ZONE_LIMIT) zone.clear();
    zone.set(hour, offset);
  }
  return offset;
}

function wallMs(p: FullParts): number {
  return utcMs(p.year, p.month, p.day, p.hour, p.minute, p.second);
}

const scratch = new Date(0);

/*
 * Before the hours, whole UTC days: a day whose first and last whole second have the same offset
 * is memoised as constant, which saves an Intl reading per hour of a date first seen (records
 * carry dates years apart). As for the hours, this takes a zone never to change its offset and
 * change it back within one UTC day (the policy engine's ZoneClock assumes at most one change a
 * day); a day holding a change goes on to the hour memo.
 */
const DAYS_PER_ZONE_LIMIT = 100_000;
const dayOffsets = new Map<string, Map<number, number>>();

/** Offset (ms, east positive) of a zone over one UTC day, or NaN when it changes within it. */
function dayOffset(day: number, tz: string): number {
  let zone = dayOffsets.get(tz);
  const known = zone?.get(day);
  if (known !== undefined) return known;
  const first = day * DAY_MS;
  const last = first + DAY_MS - 1000;
  const a = wallMs(formattedParts(first, tz)) - first;
  const b = wallMs(formattedParts(last, tz)) - last;
  const offset = a === b ? a : NOT_CONSTANT;
  if (!zone) {
    zone = new Map();
    remember(dayOffsets, tz, zone);
  } else if (zone.size >= DAYS_PER_ZONE_LIMIT) zone.clear();
  zone.set(day, offset);
  return offset;
}

function partsOf(instantMs: number, tz: string): FullParts {
  if (!Number.isFinite(instantMs)) throw new RangeError(`not a valid instant: ${instantMs}`);
  if (Math.abs(instantMs) > MEMO_RANGE_MS) return formattedParts(instantMs, tz);
  let offset = dayOffset(Math.floor(instantMs / DAY_MS), tz);
  if (Number.isNaN(offset)) offset = hourOffset(Math.floor(instantMs / HOUR_MS), tz);
  if (Number.isNaN(offset)) return formattedParts(instantMs, tz);
  // The wall clock read as UTC, to the second (as the formatter shows it).
  scratch.setTime(Math.floor(instantMs / 1000) * 1000 + offset);
  return {
    year: scratch.getUTCFullYear(),
    month: scratch.getUTCMonth() + 1,
    day: scratch.getUTCDate(),
    hour: scratch.getUTCHours(),
    minute: scratch.getUTCMinutes(),
    second: scratch.getUTCSeconds(),
    weekday: scratch.getUTCDay(),
  };
}

/** The wall-clock reading of an instant in a zone. */
export function localDateParts(instantMs: number, tz: string): LocalDateParts {
  const { second: _second, ...parts } = partsOf(instantMs, tz);
  return parts;
}

/** Epoch ms of a UTC wall-clock reading, years 0–99 included (Date.UTC maps those to 19xx). */
function utcMs(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number {
  // Date.UTC gives the same outside years 0–99 (which it maps to 19xx), without a Date.
  if (year >= 100 || year < 0) return Date.UTC(year, month - 1, day, hour, minute, second);
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, 0);
  return d.getTime();
}

/** UTC offset of the zone at that instant, in ms (east positive, e.g. +3600000 for Paris in winter). */
function offsetMs(instantMs: number, tz: string): number {
  const p = partsOf(instantMs, tz);
  const wall = utcMs(p.year, p.month, p.day, p.hour, p.minute, p.second);
  return wall - (instantMs - (((instantMs % 1000) + 1000) % 1000));
}

/**
 * Epoch ms of the first instant of that local date: 00:00 in the zone, or the end of the gap on
 * the rare days when a daylight-saving change skips midnight. When midnight happens twice (a
 * change back at 01:00 → 00:00) the earlier one is the start of the day.
 */
export function zonedMidnight(isoDate: string, tz: string): number {
  // By zone, then date (no key string built per call).
  let zone = midnights.get(tz);
  let ms = zone?.get(isoDate);
  if (ms === undefined) {
    ms = computeZonedMidnight(isoDate, tz);
    if (!zone) {
      zone = new Map();
      remember(midnights, tz, zone);
    } else if (zone.size >= MIDNIGHTS_LIMIT) zone.clear();
    zone.set(isoDate, ms);
  }
  return ms;
}

/** Midnights asked for (every CEL input converts the record's dates): by zone and date. */
const MIDNIGHTS_LIMIT = 100_000;
const midnights = new Map<string, Map<string, number>>();

function computeZonedMidnight(isoDate: string, tz: string): number {
  const { year, month, day } = requireDate(isoDate);
  const wall = utcMs(year, month, day);
  // One transition at most within a day either side: try the offsets in force before and after.
  const before = wall - offsetMs(wall - DAY_MS, tz);
  const after = wall - offsetMs(wall + DAY_MS, tz);
  const candidates = [before, after].filter((t) => {
    const p = partsOf(t, tz);
    return p.year === year && p.month === month && p.day === day && p.hour === 0 && p.minute === 0 && p.second === 0;
  });
  if (candidates.length > 0) return Math.min(...candidates);
  // Midnight does not exist that day: the day starts when the clocks jump, which is the
  // instant 00:00 would have been under the offset in force before the change.
  return before;
}

/** The local calendar date of an instant, as 'YYYY-MM-DD'. */
export function localDateIso(instantMs: number, tz: string): string {
  const p = partsOf(instantMs, tz);
  return `${String(p.year).padStart(4, '0')}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

/**
 * Whole local calendar days from `dateIso` to the local date of `instantMs` in the zone:
 * 0 on the date itself, 1 from the next local midnight, negative before the date. Counted on
 * the calendar, so a 23- or 25-hour day still counts as one.
 */
export function daysBetweenLocal(dateIso: string, instantMs: number, tz: string): number {
  const from = requireDate(dateIso);
  const to = partsOf(instantMs, tz);
  return Math.round((utcMs(to.year, to.month, to.day) - utcMs(from.year, from.month, from.day)) / DAY_MS);
}

/**
 * Epoch ms of a local wall-clock time (minutes after midnight) on a local date. When the time
 * falls in a daylight-saving gap it moves forward by the gap (02:30 on a spring-forward night is
 * 03:30); when it happens twice, the earlier instant is taken.
 */
export function zonedTime(isoDate: string, minutesOfDay: number, tz: string): number {
  const { year, month, day } = requireDate(isoDate);
  const wall = utcMs(year, month, day) + minutesOfDay * 60_000;
  const before = wall - offsetMs(wall - DAY_MS, tz);
  const after = wall - offsetMs(wall + DAY_MS, tz);
  const hour = Math.floor(minutesOfDay / 60) % 24;
  const minute = minutesOfDay % 60;
  const exact = [before, after].filter((t) => {
    const p = partsOf(t, tz);
    return p.hour === hour && p.minute === minute;
  });
  return exact.length > 0 ? Math.min(...exact) : before;
}

/** The local date `days` calendar days after `isoDate` (days may be negative). */
export function addDays(isoDate: string, days: number): string {
  const { year, month, day } = requireDate(isoDate);
  const d = new Date(utcMs(year, month, day) + days * DAY_MS);
  return `${String(d.getUTCFullYear()).padStart(4, '0')}-${String(d.getUTCMonth() + 1).padStart(2, '0')}-${String(d.getUTCDate()).padStart(2, '0')}`;
}

/** Day of the week of a calendar date, 0 = Sunday. */
export function weekdayOf(isoDate: string): number {
  const { year, month, day } = requireDate(isoDate);
  return new Date(utcMs(year, month, day)).getUTCDay();
}
