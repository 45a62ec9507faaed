/**
 * `debt.daysPastDue` for templates: whole days from the due date (00:00 in the debtor's zone)
 * to an instant, negative before the due date. A small local helper so that rendering does
 * not depend on the workflow-side time-zone code; both follow docs/reference.md#cel-expressions.
 */
import { LruCache } from './lru.js';

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})/;
const DAY_MS = 86_400_000;
const calendars = new LruCache<string, Intl.DateTimeFormat>(64);

function utcMidnight(year: number, month: number, day: number): number {
  const date = new Date(Date.UTC(2000, month - 1, day));
  date.setUTCFullYear(year); // Date.UTC would read years 0–99 as 1900–1999
  return date.getTime();
}

/** The calendar day of `instantMs` in `timeZone`, as the epoch ms of that day's UTC midnight. */
function localDay(instantMs: number, timeZone: string): number {
  const format = calendars.getOrCreate(
    timeZone,
    (tz) => new Intl.DateTimeFormat('en-US', { timeZone: tz, year: 'numeric', month: 'numeric', day: 'numeric' }),
  );
  const parts = Object.fromEntries(format.formatToParts(instantMs).map((p) => [p.type, p.value]));
  return utcMidnight(Number(parts.year), Number(parts.month), Number(parts.day));
}

/**
 * Whole days from `dueDate` ('YYYY-MM-DD') to `nowMs` in `timeZone` (IANA, default UTC): 0 on
 * the due date, 1 the day after, -1 the day before. Undefined when `dueDate` is not a date.
 */
export function daysPastDue(dueDate: string, nowMs: number, timeZone = 'UTC'): number | undefined {
  const m = DATE_ONLY.exec(dueDate);
  if (!m || !Number.isFinite(nowMs)) return undefined;
  const due = utcMidnight(Number(m[1]), Number(m[2]), Number(m[3]));
  return Math.round((localDay(nowMs, timeZone) - due) / DAY_MS);
}
