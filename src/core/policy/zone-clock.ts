/**
 * Fast local-time arithmetic for the policy engine's hot path. `Intl.DateTimeFormat#formatToParts`
 * costs microseconds and allocates; a send decision needs a dozen readings. So a ZoneClock asks
 * Intl once per UTC day of interest (the offsets at both ends, and the transition minute by
 * binary search when they differ), caches that, and answers every later reading with a Map
 * lookup and integer arithmetic. Same semantics as src/core/timezone.ts (which it is tested
 * against): a local time in a daylight-saving gap moves forward by the gap, a repeated one takes
 * the earlier instant. Assumes at most one offset change per UTC day and changes on whole minutes
 * (true of every zone in the tz database since 1970). Workflow-safe: Intl only, no clock.
 *
 * Local dates are day numbers: whole days since 1970-01-01 on the local calendar.
 */
import { wallClockFormat } from '../timezone.js';

export const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

/**
 * Per UTC day, direct-mapped (slot = day mod SLOTS): the offset from the start of the day until
 * `changeAt` (Infinity when the day has no change), and the offset after it. Typed arrays, so a
 * reading is a few array loads; a collision (days SLOTS apart) just recomputes the day.
 */
const SLOTS = 1024;
const ZONE_LIMIT = 500;

export class ZoneClock {
  private readonly fmt: Intl.DateTimeFormat;
  private readonly slotDay = new Float64Array(SLOTS).fill(NaN);
  private readonly before = new Float64Array(SLOTS);
  private readonly changeAt = new Float64Array(SLOTS);
  private readonly after = new Float64Array(SLOTS);

  /** Throws RangeError for a zone Intl does not know. */
  constructor(readonly tz: string) {
    this.fmt = wallClockFormat(tz);
  }

  /** UTC offset in force at `t`, in ms (east positive). */
  offsetAt(t: number): number {
    const day = Math.floor(t / DAY_MS);
    const slot = day & (SLOTS - 1);
    if (this.slotDay[slot] !== day) this.computeDay(day, slot);
    return t < this.changeAt[slot]! ? this.before[slot]! : this.after[slot]!;
  }

  /** The local day number of instant `t`. */
  dayOf(t: number): number {
    return Math.floor((t + this.offsetAt(t)) / DAY_MS);
  }

  /**
   * The instant of local wall-clock `minute` (0–1440) on local day `day`: a time in a gap moves
   * forward by the gap, a time that happens twice is the earlier one (as timezone.zonedTime).
   */
  instantOf(day: number, minute: number): number {
    const wall = day * DAY_MS + minute * MINUTE_MS;
    const b = wall - this.offsetAt(wall - DAY_MS);
    const a = wall - this.offsetAt(wall + DAY_MS);
    if (a === b) return b;
    const bOk = b + this.offsetAt(b) === wall;
    const aOk = a + this.offsetAt(a) === wall;
    if (bOk && aOk) return Math.min(a, b);
    return aOk && !bOk ? a : b;
  }

  private raw(t: number): number {
    let y = 0,
      mo = 0,
      d = 0,
      h = 0,
      mi = 0,
      s = 0;
    for (const p of this.fmt.formatToParts(t)) {
      switch (p.type) {
        case 'year':
          y = Number(p.value);
          break;
        case 'month':
          mo = Number(p.value);
          break;
        case 'day':
          d = Number(p.value);
          break;
        case 'hour':
          h = Number(p.value);
          break;
        case 'minute':
          mi = Number(p.value);
          break;
        case 'second':
          s = Number(p.value);
          break;
      }
    }
    return Date.UTC(y, mo - 1, d, h, mi, s) - (t - (((t % 1000) + 1000) % 1000));
  }

  private computeDay(day: number, slot: number): void {
    const start = day * DAY_MS;
    const before = this.raw(start);
    const after = this.raw(start + DAY_MS);
    let changeAt = Infinity;
    if (before !== after) {
      // Smallest minute m in (0, 1440] whose offset is already `after`.
      let lo = 0;
      let hi = 1440;
      while (hi - lo > 1) {
        const mid = (lo + hi) >> 1;
        if (this.raw(start + mid * MINUTE_MS) === before) lo = mid;
        else hi = mid;
      }
      changeAt = start + hi * MINUTE_MS;
    }
    this.slotDay[slot] = day;
    this.before[slot] = before;
    this.changeAt[slot] = changeAt;
    this.after[slot] = after;
  }
}

const clocks = new Map<string, ZoneClock | null>();

/** The cached clock of a zone, or undefined when the name is not a zone this runtime knows. */
export function zoneClock(tz: string): ZoneClock | undefined {
  let c = clocks.get(tz);
  if (c === undefined) {
    try {
      c = tz === '' ? null : new ZoneClock(tz);
    } catch {
      c = null;
    }
    if (clocks.size >= ZONE_LIMIT) clocks.clear();
    clocks.set(tz, c);
  }
  return c ?? undefined;
}

/** 0 = Sunday … 6 = Saturday of a day number (1970-01-01 was a Thursday). */
export function weekdayOfDay(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

/** Day number of a 'YYYY-MM-DD' date (not validated: compiled plans carry checked dates). */
export function dayOfIso(iso: string): number {
  return Math.floor(Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10))) / DAY_MS);
}

/** 'YYYY-MM-DD' of a day number. */
export function isoOfDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}
