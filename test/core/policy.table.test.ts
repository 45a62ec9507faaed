/** Named cases of the policy engine: the rules of docs/reference.md#policy on days people remember. */
import { describe, expect, it } from 'vitest';
import { publicHolidayDates } from '../../src/compiler/holidays.js';
import { addOpenDays } from '../../src/core/open-days.js';
import { decideSend, describeDecision, nextOpenInstant, type SendDecision } from '../../src/core/policy/index.js';
import type { Channel } from '../../src/ir/index.js';
import { at, DAY, everyDay, hm, HOUR, MIN, policy, request } from './policy-fixtures.js';

const until = (d: SendDecision) => (d.action === 'defer' ? new Date(d.until).toISOString() : d);

describe('send windows and holidays', () => {
  it('a send due Saturday 22:14 in Paris under Mon–Sat 08:00–21:00 goes out Monday 08:00 (Sunday is closed)', () => {
    const requestedAt = at('2026-03-14T21:14:00Z'); // Sat 22:14 CET
    const d = decideSend(policy(), request(requestedAt, { channel: 'sms' }));
    expect(d).toMatchObject({ action: 'defer', reason: 'outsideWindow', timezone: 'Europe/Paris' });
    expect(until(d)).toBe('2026-03-16T07:00:00.000Z');
    expect(describeDecision(d, requestedAt, 'sms', 'sms-nudge')).toBe(
      'SMS of step sms-nudge deferred from Sat 22:14 to Mon 08:00 Europe/Paris: outside send window',
    );
  });

  it('inside the window the send goes out at once', () => {
    const requestedAt = at('2026-03-16T09:30:00Z');
    const d = decideSend(policy(), request(requestedAt));
    expect(d).toEqual({ action: 'send', at: requestedAt, timezone: 'Europe/Paris' });
    expect(describeDecision(d, requestedAt, 'email', 'first-email')).toBe(
      'Email of step first-email sent at Mon 10:30 Europe/Paris',
    );
  });

  it('the window is [from, to): 21:00 sharp is closed, 08:00 sharp is open', () => {
    expect(until(decideSend(policy(), request(at('2026-03-16T20:00:00Z'))))).toBe('2026-03-17T07:00:00.000Z');
    expect(decideSend(policy(), request(at('2026-03-17T07:00:00Z'))).action).toBe('send');
  });

  it('25 December in France → the next open day at 08:00', () => {
    const fr = policy({ holidays: { country: 'FR', closedDays: [], dates: publicHolidayDates('FR') } });
    const requestedAt = at('2026-12-25T09:00:00Z'); // Fri 10:00, Noël
    const d = decideSend(fr, request(requestedAt));
    expect(d).toMatchObject({ action: 'defer', reason: 'holiday', detail: 'public holiday (FR)' });
    expect(until(d)).toBe('2026-12-26T07:00:00.000Z'); // Sat 08:00
    expect(describeDecision(d, requestedAt, 'email', 'final-email')).toBe(
      'Email of step final-email deferred from Fri 10:00 to Sat 08:00 Europe/Paris: public holiday (FR)',
    );
  });

  it('in Alsace (region 67) 26 December is a holiday too, and Sunday is closed: Monday 28th', () => {
    const alsace = policy({
      holidays: { country: 'FR', region: '67', closedDays: [], dates: publicHolidayDates('FR', '67') },
    });
    const d = decideSend(alsace, request(at('2026-12-24T22:00:00Z'))); // Thu 23:00
    expect(d).toMatchObject({
      action: 'defer',
      reason: 'outsideWindow',
      detail: 'outside send window; public holiday (FR)',
    });
    expect(until(d)).toBe('2026-12-28T07:00:00.000Z');
  });

  it('a closed day of the policy is closed all day, and said so', () => {
    const p = policy({ holidays: { closedDays: ['2026-08-14'], dates: [] } });
    const d = decideSend(p, request(at('2026-08-14T10:00:00Z')));
    expect(d).toMatchObject({ action: 'defer', reason: 'holiday', detail: 'closed day' });
    expect(until(d)).toBe('2026-08-15T06:00:00.000Z');
  });

  it('dates are shown when the deferral spans a week or more', () => {
    const p = policy({
      holidays: {
        closedDays: ['2026-08-17', '2026-08-18', '2026-08-19', '2026-08-20', '2026-08-21', '2026-08-22'],
        dates: [],
      },
    });
    const requestedAt = at('2026-08-15T20:00:00Z'); // Sat 22:00
    const d = decideSend(p, request(requestedAt));
    expect(describeDecision(d, requestedAt, 'email', 'e')).toBe(
      'Email of step e deferred from Sat 15 Aug 22:00 to Mon 24 Aug 08:00 Europe/Paris: outside send window; closed day',
    );
  });

  it('a window list of several windows per day: the gap between them is closed', () => {
    const p = policy({
      windows: [
        { days: [1], fromMin: hm(9), toMin: hm(12) },
        { days: [1], fromMin: hm(14), toMin: hm(18) },
      ],
    });
    expect(until(decideSend(p, request(at('2026-03-16T11:30:00Z'))))).toBe('2026-03-16T13:00:00.000Z');
  });

  it('a plan without windows is open any time but holidays; one with only empty windows never is', () => {
    const anyTime = policy({ windows: [], holidays: { closedDays: ['2026-03-15'], dates: [] } });
    expect(decideSend(anyTime, request(at('2026-03-14T22:30:00Z'))).action).toBe('send'); // Sat 23:30
    expect(until(decideSend(anyTime, request(at('2026-03-15T10:00:00Z'))))).toBe('2026-03-15T23:00:00.000Z');
    expect(() =>
      nextOpenInstant(policy({ windows: [{ days: [1], fromMin: 600, toMin: 600 }] }), 'Europe/Paris', 0),
    ).toThrow(RangeError);
  });

  it('nextOpenInstant and business days use the same open days', () => {
    const fr = policy({ holidays: { country: 'FR', closedDays: [], dates: publicHolidayDates('FR') } });
    expect(new Date(nextOpenInstant(fr, 'Europe/Paris', at('2026-12-24T21:00:00Z'))).toISOString()).toBe(
      '2026-12-26T07:00:00.000Z',
    );
    // Thu 24 Dec 10:00 + 2 open days: Fri 25 is Noël, Sun closed → Sat 26, Mon 28.
    expect(new Date(addOpenDays(fr, at('2026-12-24T09:00:00Z'), 2, 'Europe/Paris')).toISOString()).toBe(
      '2026-12-28T09:00:00.000Z',
    );
  });
});

describe('the nights the clocks change', () => {
  const paris = (fromMin: number, toMin: number) => policy({ windows: everyDay(fromMin, toMin) });
  const la = (fromMin: number, toMin: number) =>
    policy({ windows: everyDay(fromMin, toMin), timezoneFallback: 'America/Los_Angeles' });
  const inLa = (t: number) => request(t, { timezone: 'America/Los_Angeles' });

  it('Paris, spring forward (29 Mar 2026, 02:00 → 03:00): a window from 02:30 opens at 03:30 CEST', () => {
    expect(until(decideSend(paris(hm(2, 30), hm(6)), request(at('2026-03-29T00:00:00Z'))))).toBe(
      '2026-03-29T01:30:00.000Z',
    );
  });

  it('Paris, spring forward: 08:00 the next morning is 08:00 CEST', () => {
    expect(until(decideSend(paris(hm(8), hm(21)), request(at('2026-03-28T21:00:00Z'))))).toBe(
      '2026-03-29T06:00:00.000Z',
    );
  });

  it('Paris, fall back (25 Oct 2026, 03:00 → 02:00): a window 02:30–04:00 opens at the first 02:30 …', () => {
    expect(until(decideSend(paris(hm(2, 30), hm(4)), request(at('2026-10-25T00:15:00Z'))))).toBe(
      '2026-10-25T00:30:00.000Z',
    );
  });

  it('… and the second 02:15 is inside it', () => {
    const t = at('2026-10-25T01:15:00Z');
    expect(decideSend(paris(hm(2, 30), hm(4)), request(t))).toEqual({
      action: 'send',
      at: t,
      timezone: 'Europe/Paris',
    });
  });

  it('Los Angeles, spring forward (8 Mar 2026, 02:00 → 03:00): a window from 02:30 opens at 03:30 PDT', () => {
    expect(until(decideSend(la(hm(2, 30), hm(5)), inLa(at('2026-03-08T09:00:00Z'))))).toBe('2026-03-08T10:30:00.000Z');
  });

  it('Los Angeles, fall back (1 Nov 2026, 02:00 → 01:00): a window ending 01:30 ends at the first 01:30', () => {
    // 01:15 PST (the second 01:15) is after the first 01:30: closed until 00:00 the next day.
    expect(until(decideSend(la(hm(0), hm(1, 30)), inLa(at('2026-11-01T09:15:00Z'))))).toBe('2026-11-02T08:00:00.000Z');
  });

  it('Los Angeles, fall back: Saturday 23:00 PDT → Sunday 08:00 PST', () => {
    expect(until(decideSend(la(hm(8), hm(21)), inLa(at('2026-11-01T06:00:00Z'))))).toBe('2026-11-01T16:00:00.000Z');
  });

  it('Lord Howe, half-hour spring forward (4 Oct 2026, 02:00 → 02:30): 02:15 moves to 02:45', () => {
    const p = policy({ windows: everyDay(hm(2, 15), hm(5)) });
    const d = decideSend(p, request(at('2026-10-03T14:00:00Z'), { timezone: 'Australia/Lord_Howe' })); // 00:30 +10:30
    expect(until(d)).toBe('2026-10-03T15:45:00.000Z'); // 02:45 +11:00
  });
});

describe('frequency caps', () => {
  const weekCap = (onExceed: 'defer' | 'skip') =>
    policy({
      windows: everyDay(hm(8), hm(21)),
      frequencyCaps: [{ channels: ['email', 'sms'], max: 7, perMs: 7 * DAY, onExceed }],
    });
  // Seven contacts in the last 7 days, the oldest on Tue 10 Mar at 10:00 Paris.
  const seven = Array.from({ length: 7 }, (_, i) => ({
    at: at('2026-03-10T09:00:00Z') + i * 20 * HOUR,
    channel: (i % 2 ? 'sms' : 'email') as Channel,
  }));

  it('the 8th contact in 7 days is deferred until the first leaves the window', () => {
    const requestedAt = at('2026-03-16T12:00:00Z');
    const d = decideSend(weekCap('defer'), request(requestedAt, { history: seven }));
    expect(d).toMatchObject({
      action: 'defer',
      reason: 'frequencyCap',
      detail: 'frequency cap email+SMS ≤ 7 per 7d reached',
    });
    expect(until(d)).toBe('2026-03-17T09:00:00.000Z'); // the oldest + 7 d
  });

  it('… and when the first leaves at night, the window opens later', () => {
    const late = seven.map((c) => ({ ...c, at: c.at + 12 * HOUR })); // oldest Tue 22:00
    const d = decideSend(weekCap('defer'), request(at('2026-03-17T12:00:00Z'), { history: late }));
    expect(until(d)).toBe('2026-03-18T07:00:00.000Z'); // Wed 08:00, not Tue 22:00
  });

  it('history order does not matter', () => {
    const requestedAt = at('2026-03-16T12:00:00Z');
    expect(decideSend(weekCap('defer'), request(requestedAt, { history: [...seven].reverse() }))).toEqual(
      decideSend(weekCap('defer'), request(requestedAt, { history: seven })),
    );
  });

  it('onExceed: skip skips', () => {
    const d = decideSend(weekCap('skip'), request(at('2026-03-16T12:00:00Z'), { history: seven }));
    expect(d).toEqual({ action: 'skip', reason: 'frequencyCap', detail: 'frequency cap email+SMS ≤ 7 per 7d reached' });
  });

  it('a cap counts only its channels', () => {
    const p = policy({
      windows: everyDay(0, hm(24)),
      frequencyCaps: [{ channels: ['sms'], max: 1, perMs: DAY, onExceed: 'skip' }],
    });
    const history = [{ at: at('2026-03-16T08:00:00Z'), channel: 'email' as Channel }];
    expect(decideSend(p, request(at('2026-03-16T09:00:00Z'), { channel: 'sms', history })).action).toBe('send');
    expect(
      decideSend(
        p,
        request(at('2026-03-16T09:00:00Z'), { channel: 'sms', history: [{ ...history[0]!, channel: 'sms' }] }),
      ).action,
    ).toBe('skip');
  });

  it('a skip cap is judged at the instant of sending: the night clears it', () => {
    const p = policy({ frequencyCaps: [{ channels: ['sms'], max: 1, perMs: 12 * HOUR, onExceed: 'skip' }] });
    const history = [{ at: at('2026-03-16T19:00:00Z'), channel: 'sms' as Channel }]; // Mon 20:00
    const d = decideSend(p, request(at('2026-03-16T20:30:00Z'), { channel: 'sms', history })); // Mon 21:30
    expect(until(d)).toBe('2026-03-17T07:00:00.000Z');
  });

  it('a send another journey already scheduled counts: none within the period after it either', () => {
    const p = policy({ frequencyCaps: [{ channels: ['sms'], max: 1, perMs: DAY, onExceed: 'defer' }] });
    const scheduled = [{ at: at('2026-03-16T07:00:00Z'), channel: 'sms' as Channel }]; // Mon 08:00
    const d = decideSend(p, request(at('2026-03-14T21:14:00Z'), { channel: 'sms', history: scheduled }));
    expect(until(d)).toBe('2026-03-17T07:00:00.000Z'); // Tue 08:00
  });
});

describe('who may be contacted', () => {
  it('an unknown time zone: fallback or skip, as the policy says', () => {
    const t = at('2026-03-16T07:30:00Z');
    expect(decideSend(policy(), request(t, { timezone: 'Mars/Olympus_Mons' }))).toMatchObject({
      action: 'send',
      timezone: 'Europe/Paris',
    });
    expect(decideSend(policy(), request(t, { timezone: undefined }))).toMatchObject({
      action: 'send',
      timezone: 'Europe/Paris',
    });
    const strict = policy({ unknownTimezone: 'skip' });
    expect(decideSend(strict, request(t, { timezone: 'Mars/Olympus_Mons' }))).toMatchObject({
      action: 'skip',
      reason: 'unknownTimezone',
    });
    expect(decideSend(strict, request(t, { timezone: undefined }))).toMatchObject({
      action: 'skip',
      reason: 'unknownTimezone',
    });
    expect(decideSend(strict, request(t, { timezone: 'America/Los_Angeles' }))).toMatchObject({
      action: 'defer',
      timezone: 'America/Los_Angeles',
    });
  });

  it('consent: required needs a recorded yes; a recorded no always blocks', () => {
    const t = at('2026-03-16T09:00:00Z');
    expect(decideSend(policy(), request(t, { channel: 'sms', consent: {} }))).toMatchObject({
      action: 'skip',
      reason: 'noConsent',
    });
    expect(decideSend(policy(), request(t, { channel: 'sms', consent: { sms: true } })).action).toBe('send');
    expect(decideSend(policy(), request(t, { channel: 'email', consent: undefined })).action).toBe('send');
    const d = decideSend(policy(), request(t, { channel: 'email', consent: { email: false } }));
    expect(d).toEqual({ action: 'skip', reason: 'noConsent', detail: 'debtor refused email consent' });
    expect(describeDecision(d, t, 'email', 'first-email')).toBe(
      'Email of step first-email skipped: debtor refused email consent',
    );
  });

  it('opt-out skips that channel only', () => {
    const t = at('2026-03-16T09:00:00Z');
    expect(decideSend(policy(), request(t, { channel: 'sms', optedOut: ['sms'] }))).toMatchObject({
      action: 'skip',
      reason: 'optedOut',
    });
    expect(decideSend(policy(), request(t, { channel: 'email', optedOut: ['sms'] })).action).toBe('send');
  });
});

describe('jitter', () => {
  const p = policy({ jitterMs: 10 * MIN });

  it('is deterministic per seed, within the jitter, and stable when decided again', () => {
    const t = at('2026-03-16T09:00:00Z');
    const a = decideSend(p, request(t, { seed: 'INV-1/first-email' }));
    expect(decideSend(p, request(t, { seed: 'INV-1/first-email' }))).toEqual(a);
    expect(a.action).toBe('send');
    const sent = a.action === 'send' ? a.at : NaN;
    expect(sent - t).toBeGreaterThanOrEqual(0);
    expect(sent - t).toBeLessThan(10 * MIN);
    expect(decideSend(p, request(sent, { seed: 'INV-1/first-email' }))).toEqual({
      action: 'send',
      at: sent,
      timezone: 'Europe/Paris',
    });
    const late = Math.round((sent - t) / 1000);
    expect(describeDecision(a, t, 'email', 'first-email')).toBe(
      `Email of step first-email sent at Mon ${new Date(sent + HOUR).toISOString().slice(11, 16)} Europe/Paris (jitter +${Math.floor(late / 60)}m${late % 60 ? ` ${late % 60}s` : ''})`,
    );
  });

  it('spreads the deferred sends of one morning over the jitter, inside the window', () => {
    const t = at('2026-03-14T21:14:00Z');
    const instants = Array.from({ length: 200 }, (_, i) => decideSend(p, request(t, { seed: `INV-${i}` }))).map((d) =>
      d.action === 'defer' ? d.until : NaN,
    );
    const opening = at('2026-03-16T07:00:00Z');
    for (const u of instants) expect(u >= opening && u < opening + 10 * MIN).toBe(true);
    expect(new Set(instants).size).toBeGreaterThan(100);
  });

  it('never pushes a send out of its window', () => {
    const t = at('2026-03-16T19:58:00Z'); // 20:58, window ends 21:00
    for (let i = 0; i < 100; i++) {
      const d = decideSend(p, request(t, { seed: `s${i}` }));
      expect(d.action).toBe('send');
      if (d.action === 'send') expect(d.at).toBeLessThan(at('2026-03-16T20:00:00Z'));
    }
  });
});
