/** Policies, requests and an independent slow oracle for the policy-engine tests. */
import type { Channel, PlanPolicy, PlanWindow, Weekday } from '../../src/ir/index.js';
import type { SendRequest } from '../../src/core/policy/index.js';
import { addDays, localDateIso, weekdayOf, zonedTime } from '../../src/core/timezone.js';

export const DAY = 86_400_000;
export const HOUR = 3_600_000;
export const MIN = 60_000;
export const at = (iso: string): number => Date.parse(iso);
export const hm = (h: number, m = 0): number => h * 60 + m;

export function policy(over: Partial<PlanPolicy> = {}): PlanPolicy {
  return {
    name: 'test',
    timezoneFallback: 'Europe/Paris',
    unknownTimezone: 'fallback',
    windows: [{ days: [1, 2, 3, 4, 5, 6], fromMin: hm(8), toMin: hm(21) }],
    holidays: { closedDays: [], dates: [] },
    frequencyCaps: [],
    consent: { email: 'assumed', sms: 'required' },
    jitterMs: 0,
    smsOptOutKeywords: { '*': 'STOP' },
    ...over,
  };
}

export function everyDay(fromMin: number, toMin: number): PlanWindow[] {
  return [{ days: [0, 1, 2, 3, 4, 5, 6] as Weekday[], fromMin, toMin }];
}

export function request(requestedAt: number, over: Partial<SendRequest> = {}): SendRequest {
  return {
    channel: 'email',
    requestedAt,
    timezone: 'Europe/Paris',
    consent: { email: true, sms: true },
    optedOut: [],
    history: [],
    ...over,
  };
}

/**
 * Open at `t`? Written from the definition with Intl-based calendar helpers (not the engine's
 * zone clock): some window of an open local date d−1, d or d+1, read with zonedTime, holds t.
 */
export function oracleOpen(p: PlanPolicy, tz: string, t: number): boolean {
  const closed = new Set([...p.holidays.closedDays, ...p.holidays.dates]);
  const d = localDateIso(t, tz);
  for (const iso of [addDays(d, -1), d, addDays(d, 1)]) {
    if (closed.has(iso)) continue;
    const wd = weekdayOf(iso);
    for (const w of p.windows) {
      if (!(w.days as number[]).includes(wd)) continue;
      if (zonedTime(iso, w.fromMin, tz) <= t && t < zonedTime(iso, w.toMin, tz)) return true;
    }
  }
  return false;
}

/**
 * The caps a send at `t` on `channel` would break: for every group of contacts that starts at a
 * point x ≤ t with t inside [x, x + per), at most `max` of them (the send included).
 */
export function oracleBrokenCaps(
  p: PlanPolicy,
  channel: Channel,
  t: number,
  history: readonly { at: number; channel: Channel }[],
  only?: 'defer' | 'skip',
): number[] {
  const broken: number[] = [];
  p.frequencyCaps.forEach((cap, i) => {
    if (!cap.channels.includes(channel) || (only && cap.onExceed !== only)) return;
    const points = [...history.filter((h) => cap.channels.includes(h.channel)).map((h) => h.at), t];
    for (const x of points) {
      if (!(x <= t && t < x + cap.perMs)) continue;
      const n = points.filter((y) => y >= x && y < x + cap.perMs).length;
      if (n > cap.max) {
        broken.push(i);
        return;
      }
    }
  });
  return broken;
}
