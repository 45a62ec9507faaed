/**
 * Decisions in words for the audit trail (`settle status DEBT_ID`):
 *   "SMS of step sms-nudge deferred from Sat 22:14 to Mon 08:00 Europe/Paris: outside send window"
 * Weekdays and times are read in the debtor's zone (the decision's); when the two instants are a
 * week or more apart, the dates are shown too ("Thu 24 Dec 22:00"). Workflow-safe: pure.
 */
import type { Channel } from '../../ir/index.js';
import type { SendDecision } from './types.js';
import { DAY_MS, isoOfDay, weekdayOfDay, zoneClock } from './zone-clock.js';

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;
const CHANNEL_LABEL: Readonly<Record<Channel, string>> = { email: 'Email', sms: 'SMS' };

const pad = (n: number) => String(n).padStart(2, '0');

interface Local {
  day: number;
  minute: number;
}

function local(t: number, tz: string): Local | undefined {
  const clock = zoneClock(tz);
  if (!clock) return undefined;
  const wall = t + clock.offsetAt(t);
  const day = Math.floor(wall / DAY_MS);
  return { day, minute: Math.floor((wall - day * DAY_MS) / 60_000) };
}

function format(l: Local, withDate: boolean): string {
  const clock = `${pad(Math.floor(l.minute / 60))}:${pad(l.minute % 60)}`;
  const wd = WEEKDAYS[weekdayOfDay(l.day)]!;
  if (!withDate) return `${wd} ${clock}`;
  const iso = isoOfDay(l.day);
  return `${wd} ${Number(iso.slice(8, 10))} ${MONTHS[Number(iso.slice(5, 7)) - 1]!} ${clock}`;
}

/** "Sat 22:14" (or "Sat 26 Dec 22:14" with `withDate`) in zone `tz`; ISO UTC when tz is unknown. */
export function formatLocal(t: number, tz: string, withDate = false): string {
  const l = local(t, tz);
  return l ? format(l, withDate) : new Date(t).toISOString();
}

export function describeDecision(decision: SendDecision, requestedAt: number, channel: Channel, step: string): string {
  const what = `${CHANNEL_LABEL[channel]} of step ${step}`;
  switch (decision.action) {
    case 'skip':
      return `${what} skipped: ${decision.detail}`;
    case 'send': {
      const l = local(decision.at, decision.timezone);
      const at = l ? format(l, false) : new Date(decision.at).toISOString();
      const late = Math.round((decision.at - requestedAt) / 1000);
      const jitter =
        late > 0
          ? ` (jitter +${late >= 60 ? `${Math.floor(late / 60)}m${late % 60 ? ` ${late % 60}s` : ''}` : `${late}s`})`
          : '';
      return `${what} sent at ${at} ${decision.timezone}${jitter}`;
    }
    case 'defer': {
      const from = local(requestedAt, decision.timezone);
      const to = local(decision.until, decision.timezone);
      if (!from || !to) return `${what} deferred until ${new Date(decision.until).toISOString()}: ${decision.detail}`;
      const withDate = to.day - from.day >= 6;
      return `${what} deferred from ${format(from, withDate)} to ${format(to, withDate)} ${decision.timezone}: ${decision.detail}`;
    }
  }
}
