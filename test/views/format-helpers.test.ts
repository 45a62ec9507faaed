/** The small phrase builders every view shares: durations, weekdays, windows, caps, retry. */
import { describe, expect, it } from 'vitest';
import { formatClock, formatCompoundDuration } from '../../src/core/duration.js';
import {
  formatCap,
  formatDays,
  formatHolidays,
  formatWindows,
  policyForChannel,
} from '../../src/views/policy-text.js';
import { formatRetry, formatWait } from '../../src/views/step-text.js';
import { RETRY, retailPolicy } from './fixtures.js';

describe('formatCompoundDuration', () => {
  it('writes compound units, largest first', () => {
    expect(formatCompoundDuration(3 * 86_400_000)).toBe('3d');
    expect(formatCompoundDuration(2 * 3_600_000)).toBe('2h');
    expect(formatCompoundDuration(90 * 60_000)).toBe('1h30m');
    expect(formatCompoundDuration(86_400_000 + 1_500)).toBe('1d1s500ms');
    expect(formatCompoundDuration(0)).toBe('0s');
    expect(formatCompoundDuration(-60_000)).toBe('-1m');
  });
});

describe('policy phrases', () => {
  it('names weekdays Monday first and folds runs into ranges', () => {
    expect(formatDays([1, 2, 3, 4, 5])).toBe('Mon–Fri');
    expect(formatDays([6, 0])).toBe('Sat, Sun');
    expect(formatDays([0, 1, 2, 3, 4, 5, 6])).toBe('every day');
    expect(formatDays([1, 3, 4, 5, 0])).toBe('Mon, Wed–Fri, Sun');
  });

  it('shows windows in local clock time', () => {
    expect(formatClock(8 * 60)).toBe('08:00');
    expect(formatClock(1440)).toBe('24:00');
    expect(formatWindows(retailPolicy().windows)).toBe('Mon–Fri 08:00–21:00; Sat 09:00–13:00');
    expect(formatWindows([])).toBe('any time');
  });

  it('describes caps, holidays and the rules of one channel', () => {
    const policy = retailPolicy();
    expect(policy.frequencyCaps.map(formatCap)).toEqual(['email+sms ≤ 7 per 7d (defer)', 'sms ≤ 1 per 1d (skip)']);
    expect(formatHolidays(policy.holidays)).toBe('FR public holidays + 2026-08-14');
    expect(formatHolidays({ closedDays: [], dates: [] })).toBe('none');
    expect(policyForChannel(policy, 'email').caps).toEqual(['email+sms ≤ 7 per 7d (defer)']);
    expect(policyForChannel(policy, 'sms')).toMatchObject({
      caps: ['email+sms ≤ 7 per 7d (defer)', 'sms ≤ 1 per 1d (skip)'],
      consent: 'consent required',
    });
  });
});

describe('step phrases', () => {
  it('describes retry and waits', () => {
    expect(formatRetry(RETRY)).toBe('5 attempts, first retry after 1m, ×2, at most 1h apart');
    expect(formatRetry({ ...RETRY, maxAttempts: 1 })).toBe('no retry');
    expect(formatWait({ type: 'businessDays', days: 1 })).toBe('1 business day');
    expect(formatWait({ type: 'until', expr: "debt.dueDate + duration('72h')" })).toBe(
      "until debt.dueDate + duration('72h')",
    );
  });
});
