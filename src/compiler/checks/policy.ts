/** Policy checks the schema cannot express: real time zones, real dates, windows that are not empty and do not overlap. */
import { WEEKDAYS, type Policy, type SendWindow } from '../../dsl/index.js';
import { isValidTimeZone } from '../../core/timezone.js';
import type { PendingDiagnostic } from '../diagnostic.js';
import type { Resource } from '../../project/project.js';
import { checkCaps, checkHolidayPlace } from './policy-rules.js';

export function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

export function windowsOf(policy: Policy): SendWindow[] {
  const w = policy.spec.sendWindow;
  return Array.isArray(w) ? w : [w];
}

function isCalendarDate(iso: string): boolean {
  const [y, m, d] = iso.split('-').map(Number);
  const date = new Date(Date.UTC(y!, m! - 1, d!));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m! - 1 && date.getUTCDate() === d;
}

export function checkPolicy(res: Resource<Policy>, out: PendingDiagnostic[]): void {
  const { file, doc } = res;
  const err = (code: string, message: string, at: (string | number)[], hint: string) =>
    out.push({ file, severity: 'error', code, message, at, hint });
  if (!isValidTimeZone(doc.spec.timezoneFallback)) {
    err(
      'INVALID_TIMEZONE',
      `\`${doc.spec.timezoneFallback}\` is not an IANA time zone`,
      ['spec', 'timezoneFallback'],
      'use a zone name such as Europe/Paris or America/New_York',
    );
  }
  const list = windowsOf(doc);
  const single = !Array.isArray(doc.spec.sendWindow);
  const wAt = (i: number, ...rest: string[]) =>
    single ? ['spec', 'sendWindow', ...rest] : ['spec', 'sendWindow', i, ...rest];
  list.forEach((w, i) => {
    if (minutesOf(w.from) >= minutesOf(w.to)) {
      err(
        'EMPTY_WINDOW',
        `send window ${w.from}–${w.to} is empty: it must start before it ends`,
        wAt(i, 'to'),
        'windows are [from, to) in local time on the same day; write e.g. from: "08:00", to: "20:00"',
      );
    }
  });
  for (const day of WEEKDAYS) {
    const onDay = list.map((w, i) => ({ w, i })).filter(({ w }) => (w.days as string[]).includes(day));
    for (let a = 0; a < onDay.length; a++) {
      for (let b = a + 1; b < onDay.length; b++) {
        const x = onDay[a]!.w;
        const y = onDay[b]!.w;
        // A window for some channels never combines with the windows for every channel.
        const sameScope =
          x.channels === undefined
            ? y.channels === undefined
            : y.channels !== undefined && x.channels.some((c) => y.channels!.includes(c));
        if (!sameScope) continue;
        if (minutesOf(x.from) < minutesOf(y.to) && minutesOf(y.from) < minutesOf(x.to)) {
          err(
            'OVERLAPPING_WINDOWS',
            `send windows ${x.from}–${x.to} and ${y.from}–${y.to} overlap on ${day}`,
            wAt(onDay[b]!.i, 'from'),
            'give each weekday at most one window, or windows that do not overlap',
          );
        }
      }
    }
  }
  (doc.spec.holidays?.closedDays ?? []).forEach((d, i) => {
    if (!isCalendarDate(d)) {
      err(
        'INVALID_DATE',
        `\`${d}\` is not a date of the calendar`,
        ['spec', 'holidays', 'closedDays', i],
        'write an existing date as YYYY-MM-DD',
      );
    }
  });
  checkHolidayPlace(doc, err);
  checkCaps(doc, out, file);
}
