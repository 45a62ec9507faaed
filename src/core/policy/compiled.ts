/**
 * A PlanPolicy prepared once for fast decisions: windows per weekday sorted and merged, closed
 * days as a set of day numbers, caps with channel bit masks. Cached per policy object (plans are
 * immutable data). Also the open-time queries built on it: is an instant open, why not, and the
 * next open instant. Workflow-safe: pure.
 *
 * Open time: on a local date that is neither a public holiday nor a closed day, each window
 * `[from, to)` of its weekday is the instants from `from` to `to` on that date, both read with
 * zonedTime semantics (a time in a spring-forward gap moves forward by the gap; a time that
 * happens twice is its first occurrence). Holidays and closed days are closed all day.
 */
import type { Channel, PlanPolicy, PlanWindow } from '../../ir/index.js';
import { dayOfIso, weekdayOfDay, type ZoneClock } from './zone-clock.js';

export const CHANNEL_BIT: Readonly<Record<Channel, number>> = { email: 1, sms: 2 };
export const CHANNEL_NAME: Readonly<Record<Channel, string>> = { email: 'email', sms: 'SMS' };
/** Contacts of the debtor's other debts carry their channel bits shifted by this (src/core/policy/caps.ts). */
export const OTHER_DEBT_SHIFT = 2;
/** Every channel of every debt of the debtor: the minimum gap's mask. */
const ALL_DEBTS_ALL_CHANNELS = (CHANNEL_BIT.email | CHANNEL_BIT.sms) * (1 + (1 << OTHER_DEBT_SHIFT));

export interface CompiledCap {
  mask: number;
  max: number;
  perMs: number;
  onExceed: 'defer' | 'skip';
  /** "email+SMS ≤ 7 per 7d", for messages. */
  label: string;
  /** The policy's `minGap` (a debtor-wide cap of one message per gap, on every channel). */
  minGap?: true;
}

export interface CompiledPolicy {
  /** Per weekday (0 = Sunday): flat [from0, to0, from1, to1, …] minutes, sorted, disjoint. */
  byWeekday: number[][];
  /** Day number → 1 public holiday, 2 the policy's own closed day. */
  closed: Map<number, 1 | 2>;
  caps: CompiledCap[];
  /** Some cap counts the debtor's other debts too (a debtor-scoped cap, or the minimum gap). */
  debtorWide: boolean;
  anyOpenWeekday: boolean;
  /** Weekday tables of the channels that have windows of their own (`channels` on a window). */
  byChannel?: Partial<Record<Channel, number[][]>>;
}

const compiledCache = new WeakMap<PlanPolicy, CompiledPolicy>();

/** "7d", "36h", "90m" — days rather than weeks, as caps are usually written. */
function periodText(ms: number): string {
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ] as const) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

function mergeWindows(list: [number, number][]): number[] {
  list.sort((a, b) => a[0] - b[0]);
  const out: number[] = [];
  for (const [from, to] of list) {
    if (to <= from) continue;
    const n = out.length;
    if (n > 0 && from <= out[n - 1]!) out[n - 1] = Math.max(out[n - 1]!, to);
    else out.push(from, to);
  }
  return out;
}

export function compilePolicy(policy: PlanPolicy): CompiledPolicy {
  let c = compiledCache.get(policy);
  if (c) return c;
  // No window at all means any time (as the plan text says); the DSL always has one.
  const all: PlanWindow[] =
    policy.windows.length > 0 ? policy.windows : [{ days: [0, 1, 2, 3, 4, 5, 6], fromMin: 0, toMin: 1440 }];
  // Windows for every channel; when every window names its channels, open days follow them all.
  const general = all.filter((w) => w.channels === undefined);
  const byWeekday = weekdayTable(general.length > 0 ? general : all);
  let byChannel: CompiledPolicy['byChannel'];
  for (const w of all) {
    for (const ch of w.channels ?? []) {
      byChannel ??= {};
      byChannel[ch] ??= weekdayTable(all.filter((x) => x.channels?.includes(ch)));
    }
  }
  const closed = new Map<number, 1 | 2>();
  for (const iso of policy.holidays.dates ?? []) closed.set(dayOfIso(iso), 1);
  for (const iso of policy.holidays.closedDays) closed.set(dayOfIso(iso), 2);
  const caps: CompiledCap[] = policy.frequencyCaps.map((cap) => {
    const bits = cap.channels.reduce((m, ch) => m | CHANNEL_BIT[ch], 0);
    const debtor = cap.scope === 'debtor';
    return {
      mask: debtor ? bits | (bits << OTHER_DEBT_SHIFT) : bits,
      max: cap.max,
      perMs: cap.perMs,
      onExceed: cap.onExceed,
      label: `${cap.channels.map((ch) => CHANNEL_NAME[ch]).join('+')} ≤ ${cap.max} per ${periodText(cap.perMs)}${debtor ? ' (debtor-wide)' : ''}`,
    };
  });
  if (policy.minGapMs !== undefined && policy.minGapMs > 0) {
    caps.push({
      mask: ALL_DEBTS_ALL_CHANNELS,
      max: 1,
      perMs: policy.minGapMs,
      onExceed: 'defer',
      label: `minimum gap of ${periodText(policy.minGapMs)} between two messages to the debtor (all debts, any channel)`,
      minGap: true,
    });
  }
  c = {
    byWeekday,
    closed,
    caps,
    debtorWide: caps.some((cap) => cap.mask > (CHANNEL_BIT.email | CHANNEL_BIT.sms)),
    anyOpenWeekday: byWeekday.some((w) => w.length > 0),
  };
  if (byChannel) c.byChannel = byChannel;
  compiledCache.set(policy, c);
  return c;
}

function weekdayTable(windows: readonly PlanWindow[]): number[][] {
  const out: number[][] = [];
  for (let d = 0; d < 7; d++) {
    out.push(mergeWindows(windows.filter((w) => (w.days as number[]).includes(d)).map((w) => [w.fromMin, w.toMin])));
  }
  return out;
}

const channelViews = new WeakMap<CompiledPolicy, Partial<Record<Channel, CompiledPolicy>>>();

/**
 * The compiled policy as one channel sees it: its own windows when some window names it
 * (`channels`), else the windows for every channel. The same object when no window names a channel.
 */
export function forChannel(cp: CompiledPolicy, channel: Channel): CompiledPolicy {
  const own = cp.byChannel?.[channel];
  if (own === undefined) return cp;
  let views = channelViews.get(cp);
  if (!views) {
    views = {};
    channelViews.set(cp, views);
  }
  return (views[channel] ??= {
    byWeekday: own,
    closed: cp.closed,
    caps: cp.caps,
    debtorWide: cp.debtorWide,
    anyOpenWeekday: own.some((w) => w.length > 0),
  });
}

/** Open days searched before giving up (a policy that is never open is refused by the compiler). */
const HORIZON_DAYS = 3660;

/** True when local day `day` has a window and is neither a holiday nor a closed day. */
export function isOpenDayNumber(cp: CompiledPolicy, day: number): boolean {
  return cp.byWeekday[weekdayOfDay(day)]!.length > 0 && !cp.closed.has(day);
}

/**
 * The earliest instant ≥ t inside a send window on an open day. Throws when there is none in
 * ten years (a policy with no window at all).
 */
export function nextOpen(cp: CompiledPolicy, clock: ZoneClock, t: number): number {
  if (!cp.anyOpenWeekday) throw new RangeError('policy has no send window on any weekday');
  let day = clock.dayOf(t);
  for (let i = 0; i < HORIZON_DAYS; i++, day++) {
    if (cp.closed.has(day)) continue;
    const w = cp.byWeekday[weekdayOfDay(day)]!;
    for (let j = 0; j < w.length; j += 2) {
      const end = clock.instantOf(day, w[j + 1]!);
      if (end <= t) continue;
      const start = clock.instantOf(day, w[j]!);
      if (end <= start) continue;
      return start > t ? start : t;
    }
  }
  throw new RangeError(`policy has no open time within ${HORIZON_DAYS} days of ${new Date(t).toISOString()}`);
}

/**
 * The end of the open interval containing `t` (t must be open): the window's end that day. A
 * window running to 24:00 followed by one from 00:00 the next day is two intervals (no merging
 * across midnight); callers treat the end as a limit, not as the next closing.
 */
export function openIntervalEnd(cp: CompiledPolicy, clock: ZoneClock, t: number): number {
  const day = clock.dayOf(t);
  const w = cp.byWeekday[weekdayOfDay(day)]!;
  for (let j = 0; j < w.length; j += 2) {
    const end = clock.instantOf(day, w[j + 1]!);
    if (end > t) return end;
  }
  return t;
}

/** Why `t` is closed: 'holiday' when its local date is a holiday or closed day, else 'outsideWindow'. */
export function closedReason(
  cp: CompiledPolicy,
  clock: ZoneClock,
  t: number,
): { reason: 'holiday' | 'outsideWindow'; kind?: 1 | 2; day: number } {
  const day = clock.dayOf(t);
  const kind = cp.closed.get(day);
  return kind !== undefined ? { reason: 'holiday', kind, day } : { reason: 'outsideWindow', day };
}
