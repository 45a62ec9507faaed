/**
 * Open days of a policy in the debtor's time zone: a day is open when a send window covers its
 * weekday and it is neither a public holiday (`holidays.dates`, expanded by the compiler) nor one
 * of the policy's closed days. `businessDays: N` waits end at the same local time N open days
 * later. Workflow-safe: pure.
 */
import type { PlanPolicy } from '../ir/index.js';
import { compilePolicy, isOpenDayNumber } from './policy/compiled.js';
import { dayOfIso } from './policy/zone-clock.js';
import { addDays, localDateIso, localDateParts, zonedTime } from './timezone.js';

export function isOpenDay(policy: PlanPolicy, isoDate: string): boolean {
  return isOpenDayNumber(compilePolicy(policy), dayOfIso(isoDate));
}

/** The instant `days` open days after `fromMs`, at the same local time, in zone `tz`. */
export function addOpenDays(policy: PlanPolicy, fromMs: number, days: number, tz: string): number {
  const start = localDateParts(fromMs, tz);
  let date = localDateIso(fromMs, tz);
  let counted = 0;
  for (let guard = 0; counted < days && guard < 3660; guard++) {
    date = addDays(date, 1);
    if (isOpenDay(policy, date)) counted++;
  }
  return zonedTime(date, start.hour * 60 + start.minute, tz);
}
