/**
 * Policy summaries in words (windows with weekday names, caps, consent, holidays). Shared by the
 * text plan, which shows the rules in force at each send, and the diff, which compares the same
 * phrases so a reviewer reads a policy change the way `settle plan` prints it.
 */
import type { Channel, PlanFrequencyCap, PlanPolicy, PlanWindow, Weekday } from '../ir/plan.js';
import { formatClock, formatCompoundDuration } from '../core/duration.js';

const DAY_NAMES = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
/** Monday first, as collection teams read a week. */
const WEEK_ORDER: readonly Weekday[] = [1, 2, 3, 4, 5, 6, 0];

function dayName(d: Weekday): string {
  return DAY_NAMES[d];
}

/** [1,2,3,4,5] → "Mon–Fri"; [1,3] → "Mon, Wed"; runs of three or more days become ranges. */
export function formatDays(days: readonly Weekday[]): string {
  const set = new Set(days);
  if (set.size === 7) return 'every day';
  if (set.size === 0) return 'no day';
  const runs: Weekday[][] = [];
  let lastPos = -2;
  WEEK_ORDER.forEach((d, pos) => {
    if (!set.has(d)) return;
    const run = runs[runs.length - 1];
    if (run && pos === lastPos + 1) run.push(d);
    else runs.push([d]);
    lastPos = pos;
  });
  return runs
    .map((run) => {
      const first = run[0];
      const last = run[run.length - 1];
      if (run.length >= 3 && first !== undefined && last !== undefined) return `${dayName(first)}–${dayName(last)}`;
      return run.map(dayName).join(', ');
    })
    .join(', ');
}

/** "Mon–Fri 08:00–21:00"; "Mon–Fri 10:00–19:00 (sms only)" for a window of some channels. */
export function formatWindow(w: PlanWindow): string {
  const only = w.channels !== undefined ? ` (${w.channels.join('+')} only)` : '';
  return `${formatDays(w.days)} ${formatClock(w.fromMin)}–${formatClock(w.toMin)}${only}`;
}

/** The windows a send on `channel` uses: its own when some window names it, else those for every channel. */
export function windowsForChannel(windows: readonly PlanWindow[], channel: Channel): PlanWindow[] {
  const own = windows.filter((w) => w.channels?.includes(channel));
  if (own.length > 0) return own;
  const general = windows.filter((w) => w.channels === undefined);
  return general.length > 0 ? general : [...windows];
}

/** All windows, "; "-separated; a policy without windows never restricts the hour. */
export function formatWindows(windows: readonly PlanWindow[]): string {
  if (windows.length === 0) return 'any time';
  return windows.map(formatWindow).join('; ');
}

/** "email+sms ≤ 7 per 7d (defer)"; "email+sms ≤ 3 per 7d (defer, debtor-wide)" for a cap over every debt of the debtor. */
export function formatCap(cap: PlanFrequencyCap): string {
  const scope = cap.scope === 'debtor' ? ', debtor-wide' : '';
  return `${cap.channels.join('+')} ≤ ${cap.max} per ${formatCompoundDuration(cap.perMs)} (${cap.onExceed}${scope})`;
}

/** "1h between two messages to the debtor (all debts, any channel)"; undefined without a minimum gap. */
export function formatMinGap(policy: PlanPolicy): string | undefined {
  return policy.minGapMs !== undefined && policy.minGapMs > 0
    ? `${formatCompoundDuration(policy.minGapMs)} between two messages to the debtor (all debts, any channel)`
    : undefined;
}

/** "FR public holidays (region X) + 2026-08-14" — the days no send goes out. */
export function formatHolidays(h: PlanPolicy['holidays']): string {
  const parts: string[] = [];
  if (h.byCountry) {
    const countries = Object.keys(h.byCountry).sort();
    const regional = countries.filter((c) => Object.keys(h.byCountry![c]!.regions ?? {}).length > 0);
    parts.push(
      `the debtor's own public holidays (${countries.join(', ')}${regional.length > 0 ? `; regions of ${regional.join(', ')} by debtor.region` : ''}; other countries: all of them)`,
    );
  } else if (h.country) parts.push(`${h.country} public holidays${h.region ? ` (region ${h.region})` : ''}`);
  parts.push(...[...h.closedDays].sort());
  return parts.length > 0 ? parts.join(' + ') : 'none';
}

/** "email assumed, sms required". */
export function formatConsent(consent: PlanPolicy['consent']): string {
  return (Object.keys(consent) as Channel[])
    .sort()
    .map((c) => `${c} ${consent[c]}`)
    .join(', ');
}

/** "STOP (any locale), ARRET (fr)". */
export function formatOptOutKeywords(keywords: Record<string, string>): string {
  const locales = Object.keys(keywords).sort();
  if (locales.length === 0) return 'STOP (default)';
  return locales.map((l) => `${keywords[l]} (${l === '*' ? 'any locale' : l})`).join(', ');
}

/** The rules a send on `channel` is subject to: windows, the caps counting it, its consent rule. */
export interface ChannelPolicy {
  window: string;
  holidays: string;
  caps: string[];
  consent: string;
}

export function policyForChannel(policy: PlanPolicy, channel: Channel): ChannelPolicy {
  return {
    window: formatWindows(
      policy.windows.some((w) => w.channels !== undefined)
        ? windowsForChannel(policy.windows, channel)
        : policy.windows,
    ),
    holidays: formatHolidays(policy.holidays),
    caps: [
      ...policy.frequencyCaps.filter((c) => c.channels.includes(channel)).map(formatCap),
      ...(policy.minGapMs !== undefined && policy.minGapMs > 0
        ? [`minimum gap ${formatCompoundDuration(policy.minGapMs)} (debtor-wide)`]
        : []),
    ],
    consent: `consent ${policy.consent[channel]}`,
  };
}
