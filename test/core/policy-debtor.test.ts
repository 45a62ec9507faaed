/**
 * Per-debtor policies: the holidays of the debtor's own country and region (`holidays.country`
 * as a list), the policy chosen by the debtor's country (`policyByCountry`), and windows for some
 * channels only. Plans without these fields keep their own policy object.
 */
import { describe, expect, it } from 'vitest';
import { countryHolidays, publicHolidayDates } from '../../src/compiler/holidays.js';
import { addOpenDays } from '../../src/core/open-days.js';
import { debtorPolicy, decideSend, isOpenInstant, policyForPlace } from '../../src/core/policy/index.js';
import type { JourneyPlan, PlanPolicy } from '../../src/ir/index.js';
import { at, hm, policy, request } from './policy-fixtures.js';

const perDebtor = (countries: string[]): PlanPolicy => {
  const byCountry = Object.fromEntries(countries.map((c) => [c, countryHolidays(c)]));
  const union = [...new Set(Object.values(byCountry).flatMap((c) => c.dates))].sort();
  return policy({ holidays: { closedDays: ['2026-12-24'], dates: union, byCountry } });
};

const iso = (t: number) => new Date(t).toISOString();
const untilOf = (p: PlanPolicy, requestedAt: number, tz: string, channel: 'email' | 'sms' = 'email') => {
  const d = decideSend(p, request(requestedAt, { timezone: tz, channel }));
  return d.action === 'defer' ? { until: iso(d.until), reason: d.reason, detail: d.detail } : d;
};

describe('holidays of the debtor’s own country and region', () => {
  const eu = perDebtor(['DE', 'FR', 'NL']);

  it('narrows to the debtor’s country: King’s Day closes NL, not FR', () => {
    const kingsDay = at('2026-04-27T08:00:00Z'); // Mon 10:00 in Amsterdam and Paris
    const nl = policyForPlace(eu, { country: 'NL' });
    expect(nl.holidays.byCountry).toBeUndefined();
    expect(nl.holidays.country).toBe('NL');
    expect(nl.holidays.closedDays).toEqual(['2026-12-24']);
    expect(untilOf(nl, kingsDay, 'Europe/Amsterdam')).toEqual({
      until: '2026-04-28T06:00:00.000Z',
      reason: 'holiday',
      detail: 'public holiday (NL)',
    });
    const fr = policyForPlace(eu, { country: 'fr' }); // case does not matter
    expect(decideSend(fr, request(kingsDay)).action).toBe('send');
  });

  it('Armistice (11 November) closes FR but not NL', () => {
    const armistice = at('2026-11-11T09:00:00Z'); // Wed 10:00 CET
    expect(untilOf(policyForPlace(eu, { country: 'FR' }), armistice, 'Europe/Paris')).toMatchObject({
      until: '2026-11-12T07:00:00.000Z',
      reason: 'holiday',
    });
    expect(decideSend(policyForPlace(eu, { country: 'NL' }), request(armistice)).action).toBe('send');
  });

  it('a region adds its own days: Epiphany in Bavaria (BY or DE-BY), not in Berlin', () => {
    const epiphany = at('2026-01-06T09:00:00Z'); // Tue 10:00 CET
    for (const region of ['BY', 'DE-BY', 'by']) {
      const by = policyForPlace(eu, { country: 'DE', region });
      expect(by.holidays.region).toBe('BY');
      expect(untilOf(by, epiphany, 'Europe/Berlin')).toMatchObject({
        reason: 'holiday',
        detail: 'public holiday (DE)',
      });
    }
    expect(decideSend(policyForPlace(eu, { country: 'DE', region: 'BE' }), request(epiphany)).action).toBe('send');
    expect(decideSend(policyForPlace(eu, { country: 'DE' }), request(epiphany)).action).toBe('send');
  });

  it('regional dates equal the library’s regional calendar (Alsace-Moselle: Good Friday and 26 December)', () => {
    const moselle = policyForPlace(perDebtor(['FR']), { country: 'FR', region: '57' });
    expect(moselle.holidays.dates).toEqual(publicHolidayDates('FR', '57'));
    expect(moselle.holidays.dates).toContain('2026-04-03');
    expect(publicHolidayDates('FR')).not.toContain('2026-04-03');
    // An unknown region is the national calendar.
    expect(policyForPlace(eu, { country: 'FR', region: 'ZZ' }).holidays.dates).toEqual(publicHolidayDates('FR'));
  });

  it('a debtor of an unlisted country, or none, gets every listed country’s holidays', () => {
    for (const place of [{ country: 'US' }, {}, { country: '' }]) {
      const other = policyForPlace(eu, place);
      expect(other.holidays.country).toBeUndefined();
      expect(other.holidays.dates).toContain('2026-04-27'); // NL
      expect(other.holidays.dates).toContain('2026-11-11'); // FR
      expect(other.holidays.dates).toContain('2026-10-03'); // DE
    }
  });

  it('open days follow the debtor: 3 open days from Fri 24 April 2026 land on Wed in NL, Tue in FR', () => {
    const fri = at('2026-04-24T08:00:00Z');
    expect(iso(addOpenDays(policyForPlace(eu, { country: 'NL' }), fri, 3, 'Europe/Amsterdam'))).toBe(
      '2026-04-29T08:00:00.000Z', // Sat 25, Mon 27 is King's Day, Tue 28, Wed 29
    );
    expect(iso(addOpenDays(policyForPlace(eu, { country: 'FR' }), fri, 3, 'Europe/Paris'))).toBe(
      '2026-04-28T08:00:00.000Z', // Sat 25, Mon 27, Tue 28
    );
  });

  it('results are cached per place: the same object for the same country and region', () => {
    expect(policyForPlace(eu, { country: 'NL' })).toBe(policyForPlace(eu, { country: 'nl' }));
    expect(policyForPlace(eu, { country: 'DE', region: 'BY' })).toBe(
      policyForPlace(eu, { country: 'DE', region: 'DE-BY' }),
    );
  });
});

describe('the policy chosen by the debtor’s country', () => {
  const eu = perDebtor(['FR', 'NL']);
  const us = policy({
    name: 'us',
    timezoneFallback: 'America/New_York',
    holidays: { country: 'US', closedDays: [], dates: publicHolidayDates('US') },
  });
  const plan = { policy: eu, policyByCountry: { US: 'us' }, policies: { us } } as unknown as JourneyPlan;

  it('US debtors get the US policy (Thanksgiving closed), others the journey’s', () => {
    expect(debtorPolicy(plan, { country: 'US' })).toBe(us);
    expect(debtorPolicy(plan, { country: 'us' })).toBe(us);
    expect(debtorPolicy(plan, { country: 'NL' }).holidays.country).toBe('NL');
    const thanksgiving = at('2026-11-26T15:00:00Z'); // Thu 10:00 in New York
    expect(untilOf(debtorPolicy(plan, { country: 'US' }), thanksgiving, 'America/New_York')).toMatchObject({
      until: '2026-11-27T13:00:00.000Z',
      reason: 'holiday',
      detail: 'public holiday (US)',
    });
  });

  it('a plan without the new fields returns its own policy object (older plans run unchanged)', () => {
    const old = policy({ holidays: { country: 'FR', closedDays: [], dates: publicHolidayDates('FR') } });
    const oldPlan = { policy: old } as unknown as JourneyPlan;
    expect(debtorPolicy(oldPlan, { country: 'NL', region: 'ZH' })).toBe(old);
    expect(debtorPolicy(oldPlan, {})).toBe(old);
  });
});

describe('windows for some channels', () => {
  // Email Mon–Sat 08:00–21:00 (for every channel); SMS only Mon–Fri 10:00–19:00.
  const p = policy({
    windows: [
      { days: [1, 2, 3, 4, 5, 6], fromMin: hm(8), toMin: hm(21) },
      { days: [1, 2, 3, 4, 5], fromMin: hm(10), toMin: hm(19), channels: ['sms'] },
    ],
  });

  it('an SMS at 08:30 waits until 10:00; an email goes at once', () => {
    const t = at('2026-03-16T07:30:00Z'); // Mon 08:30 CET
    expect(untilOf(p, t, 'Europe/Paris', 'sms')).toMatchObject({
      until: '2026-03-16T09:00:00.000Z',
      reason: 'outsideWindow',
    });
    expect(decideSend(p, request(t, { channel: 'email' })).action).toBe('send');
  });

  it('an SMS on Saturday waits until Monday 10:00; an email goes on Saturday', () => {
    const sat = at('2026-03-21T10:00:00Z'); // Sat 11:00 CET
    expect(untilOf(p, sat, 'Europe/Paris', 'sms')).toMatchObject({ until: '2026-03-23T09:00:00.000Z' });
    expect(decideSend(p, request(sat, { channel: 'email' })).action).toBe('send');
    expect(isOpenInstant(p, 'Europe/Paris', sat, 'sms')).toBe(false);
    expect(isOpenInstant(p, 'Europe/Paris', sat, 'email')).toBe(true);
    expect(isOpenInstant(p, 'Europe/Paris', sat)).toBe(true);
  });

  it('an SMS at 19:00 sharp is closed ([from, to)), at 18:59 open', () => {
    expect(decideSend(p, request(at('2026-03-16T17:59:00Z'), { channel: 'sms' })).action).toBe('send');
    expect(untilOf(p, at('2026-03-16T18:00:00Z'), 'Europe/Paris', 'sms')).toMatchObject({
      until: '2026-03-17T09:00:00.000Z',
    });
  });

  it('holidays close the SMS window too', () => {
    const fr = { ...p, holidays: { country: 'FR', closedDays: [], dates: publicHolidayDates('FR') } };
    expect(untilOf(fr, at('2026-05-08T09:00:00Z'), 'Europe/Paris', 'sms')).toMatchObject({
      until: '2026-05-11T08:00:00.000Z', // Victory Day Fri 8 May → Mon 11 May 10:00 CEST
      reason: 'holiday',
    });
  });
});
