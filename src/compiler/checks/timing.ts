/**
 * Timing checks across a journey and its policy.
 *
 * SEND_ALWAYS_OUTSIDE_WINDOW (warning): a send step that directly follows a `wait: until` whose
 * expression is a fixed local time of day — `debt.dueDate` or `debt.issuedAt` (00:00 in the
 * debtor's zone) plus or minus a CEL duration such as `duration('2h')` or `duration('1h30m')` —
 * — or `localTime(debt.dueDate, N, 'HH:MM')` — always starts at that time of day. When no window of the policy, on any weekday, contains it,
 * every such send is deferred: the journey's timing is not what its author wrote. (A
 * daylight-saving change between the date and the instant shifts the time by an hour; the check
 * reads the time without it. A wait whose instant is already past does not wait at all; the
 * warning is about the case the wait was written for.)
 */
import type { Journey, Policy, SendWindow } from '../../dsl/index.js';
import type { PendingDiagnostic } from '../diagnostic.js';
import { minutesOf, windowsOf } from './policy.js';

const FIXED_TIME = /^\s*debt\.(dueDate|issuedAt)\s*(?:([+-])\s*duration\(\s*(['"])((?:\d+[hms])+)\3\s*\))?\s*$/;
const UNIT_SECONDS: Readonly<Record<string, number>> = { h: 3600, m: 60, s: 1 };

const LOCAL_TIME = /^\s*localTime\(\s*debt\.(dueDate|issuedAt)\s*,\s*(-?\d+)\s*,\s*(['"])(\d\d):(\d\d)\3\s*\)\s*$/;

/** Seconds after the date's local midnight of a fixed-time `until`, or undefined for other expressions. */
export function fixedOffsetSeconds(expr: string): { field: string; seconds: number; days?: number } | undefined {
  const l = LOCAL_TIME.exec(expr);
  if (l) {
    const days = Number(l[2]);
    return { field: l[1]!, seconds: days * 86_400 + Number(l[4]) * 3600 + Number(l[5]) * 60, days };
  }
  const m = FIXED_TIME.exec(expr);
  if (!m) return undefined;
  let seconds = 0;
  for (const part of (m[4] ?? '').matchAll(/(\d+)([hms])/g)) seconds += Number(part[1]) * UNIT_SECONDS[part[2]!]!;
  return { field: m[1]!, seconds: m[2] === '-' ? -seconds : seconds };
}

const clock = (min: number) =>
  `${String(Math.floor(min / 60)).padStart(2, '0')}:${String(Math.floor(min % 60)).padStart(2, '0')}`;

function offsetText(field: string, minutes: number, days?: number): string {
  if (days !== undefined) {
    const day = Math.floor(minutes / 1440);
    return `localTime(debt.${field}, ${day}, '${clock(minutes - day * 1440)}')`;
  }
  const abs = Math.abs(minutes);
  const amount = abs % 60 === 0 ? `${abs / 60}h` : `${abs}m`;
  return minutes === 0 ? `debt.${field}` : `debt.${field} ${minutes < 0 ? '-' : '+'} duration('${amount}')`;
}

export function checkTiming(file: string, journey: Journey, policy: Policy, out: PendingDiagnostic[]): void {
  const all = windowsOf(policy);
  const general = all.filter((w) => w.channels === undefined);
  // The windows a channel sends in: its own when some window names it, else those for every channel.
  const windowsFor = (channel: string) => {
    const own = all.filter((w) => w.channels?.some((c) => c === channel));
    return windowsText(own.length > 0 ? own : general.length > 0 ? general : all);
  };
  if (windowsText(all).length === 0) return;
  const steps = journey.spec.steps;
  steps.forEach((step, i) => {
    if (step.type !== 'wait' || step.until === undefined) return;
    const fixed = fixedOffsetSeconds(step.until);
    if (!fixed) return;
    const nextId = step.next ?? steps[i + 1]?.id;
    const next = steps.find((s) => s.id === nextId);
    if (next?.type !== 'send') return;
    const windows = windowsFor(next.channel);
    if (windows.length === 0) return;
    const minute = (((fixed.seconds / 60) % 1440) + 1440) % 1440;
    if (windows.some((w) => w.from <= minute && minute < w.to)) return;
    // The nearest window opening after that time, as a suggestion.
    const delta = Math.min(...windows.map((w) => (((w.from - minute) % 1440) + 1440) % 1440));
    const suggested = Math.round(fixed.seconds / 60 + delta);
    out.push({
      file,
      severity: 'warning',
      code: 'SEND_ALWAYS_OUTSIDE_WINDOW',
      at: ['spec', 'steps', i, 'until'],
      message: `send step \`${next.id}\` follows this wait, which ends at ${clock(minute)} local time: outside every ${all.some((w) => w.channels !== undefined) ? `${next.channel === 'sms' ? 'SMS' : next.channel} ` : ''}send window of policy \`${policy.metadata.name}\` (${windows.map((w) => w.text).join('; ')}), so the send is always deferred`,
      hint: `wait until a time inside a window, e.g. "${offsetText(fixed.field, suggested, fixed.days)}" (${clock(((suggested % 1440) + 1440) % 1440)})`,
    });
  });
}

function windowsText(list: readonly SendWindow[]) {
  return list
    .map((w) => ({
      days: w.days,
      from: minutesOf(w.from),
      to: minutesOf(w.to),
      text: `${w.days.join(', ')} ${w.from}–${w.to}`,
    }))
    .filter((w) => w.from < w.to);
}
