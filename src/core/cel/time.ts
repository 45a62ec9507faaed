/**
 * Wall-clock instants in CEL: `localTime(t, days, 'HH:MM')` is the instant at HH:MM, in the
 * debtor's zone, on the local date of `t` (in that zone) moved by `days` calendar days. "10:00,
 * five days before the due date" is `localTime(debt.dueDate, -5, '10:00')`: unlike
 * `debt.dueDate - duration('110h')`, it stays at 10:00 across a daylight-saving change. A time in
 * a spring-forward gap moves forward by the gap, a time that happens twice is its first
 * occurrence (as for send windows).
 *
 * The zone is the journey's (the debtor's when valid, else the policy's fallback): the evaluation
 * sets it for the duration of one synchronous evaluation (evaluateCel), so the function needs no
 * zone argument. Workflow-safe: pure.
 */
import { addDays, localDateIso, zonedTime } from '../timezone.js';

export const LOCAL_TIME_SIGNATURE = 'localTime(google.protobuf.Timestamp, int, string): google.protobuf.Timestamp';
const HHMM = /^(?:([01]\d|2[0-3]):([0-5]\d)|(24):(00))$/;

let currentZone: string | undefined;

/** Runs `fn` with `zone` as the zone of localTime (restored afterwards, even when fn throws). */
export function withCelZone<T>(zone: string | undefined, fn: () => T): T {
  const saved = currentZone;
  currentZone = zone;
  try {
    return fn();
  } finally {
    currentZone = saved;
  }
}

/** Minutes after midnight of an `HH:MM` time of day (24:00 = the end of the day), or undefined. */
export function minutesOfClock(text: string): number | undefined {
  const m = HHMM.exec(text);
  if (!m) return undefined;
  return Number(m[1] ?? m[3]) * 60 + Number(m[2] ?? m[4]);
}

/** The instant at `clock` on the local date of `t` plus `days`, in `zone`. */
export function localTimeIn(zone: string, t: number, days: number, clock: string): number {
  const minutes = minutesOfClock(clock);
  if (minutes === undefined)
    throw new RangeError(`localTime: \`${clock}\` is not a time of day (write HH:MM, e.g. 10:00)`);
  return zonedTime(addDays(localDateIso(t, zone), days), minutes, zone);
}

/** The CEL handler of localTime. */
export function celLocalTime(t: Date, days: bigint, clock: string): Date {
  if (currentZone === undefined) throw new RangeError('localTime: no time zone for this evaluation');
  if (days > 100_000n || days < -100_000n) throw new RangeError(`localTime: ${days} days is out of range`);
  return new Date(localTimeIn(currentZone, t.getTime(), Number(days), clock));
}
