/**
 * Open days of a policy in the debtor's time zone: a day is open when a send window covers its
 * weekday and it is not a closed day. `businessDays: N` waits end at the same local time N open
 * days later. Public holidays by country join the closed days with the contact-rules work.
 */
import type { PlanPolicy } from '../ir/index.js';
import { addDays, localDateIso, localDateParts, weekdayOf, zonedTime } from './timezone.js';

export type HolidayLookup = (isoDate: string, country: string | undefined, region: string | undefined) => boolean;

export const noHolidays: HolidayLookup = () => false;

export function isOpenDay(policy: PlanPolicy, isoDate: string, holidays: HolidayLookup = noHolidays): boolean {
  const weekday = weekdayOf(isoDate);
  if (!policy.windows.some((w) => (w.days as number[]).includes(weekday))) return false;
  if (policy.holidays.closedDays.includes(isoDate)) return false;
  return !holidays(isoDate, policy.holidays.country, policy.holidays.region);
}

/** The instant `days` open days after `fromMs`, at the same local time, in zone `tz`. */
export function addOpenDays(policy: PlanPolicy, fromMs: number, days: number, tz: string, holidays: HolidayLookup = noHolidays): number {
  const start = localDateParts(fromMs, tz);
  let date = localDateIso(fromMs, tz);
  let counted = 0;
  for (let guard = 0; counted < days && guard < 3660; guard++) {
    date = addDays(date, 1);
    if (isOpenDay(policy, date, holidays)) counted++;
  }
  return zonedTime(date, start.hour * 60 + start.minute, tz);
}
