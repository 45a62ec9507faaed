/**
 * Golden schedules with `--behaviour none`: the exact UTC instants of every contact of the example
 * journeys under their policies, through the production interpreter and policy engine on the
 * virtual clock. Each case names the rule it pins down.
 */
import { describe, expect, it } from 'vitest';
import { cases, schedule, softCollectionUs, withDebtor } from './golden-cases.js';

const { anna, jan, mary, plan } = cases;

describe('golden schedules (eu-default unless said)', () => {
  it('soft-collection enrolled on Saturday 23:00 in Paris: deferred to Monday 08:00, every later step counts from the actual send', async () => {
    expect(
      await schedule(plan('soft-collection'), withDebtor(anna, 'G-SAT', {}, '2026-11-20'), '2026-11-28T22:00:00Z'),
    ).toEqual([
      '2026-11-28T22:00:00.000Z deferred first-email email outsideWindow',
      '2026-11-30T07:00:00.000Z send first-email email',
      '2026-12-03T07:00:00.000Z send nudge-sms sms',
      '2026-12-07T07:00:00.000Z send email-social-proof email',
      '2026-12-11T07:00:00.000Z send reminder-sms sms',
      '2026-12-16T07:00:00.000Z send final-friendly-email email',
      '2026-12-21T07:00:00.000Z webhook hand-over',
      '2026-12-21T07:00:00.000Z exit escalated escalated',
    ]);
  });

  it('a wait ending on the closed 24 December, then Christmas: Saturday 26th 09:00; a Sunday: Monday 08:00; a Saturday 08:00: 09:00', async () => {
    expect(
      await schedule(plan('soft-collection'), withDebtor(anna, 'G-XMAS', {}, '2026-12-10'), '2026-12-21T16:00:00Z'),
    ).toEqual([
      '2026-12-21T16:00:00.000Z send first-email email',
      '2026-12-24T16:00:00.000Z deferred nudge-sms sms holiday',
      '2026-12-26T08:00:00.000Z send nudge-sms sms',
      '2026-12-30T08:00:00.000Z send email-loss-aversion email',
      '2027-01-03T08:00:00.000Z deferred reminder-sms sms outsideWindow',
      '2027-01-04T07:00:00.000Z send reminder-sms sms',
      '2027-01-09T07:00:00.000Z deferred final-friendly-email email outsideWindow',
      '2027-01-09T08:00:00.000Z send final-friendly-email email',
      '2027-01-14T08:00:00.000Z webhook hand-over',
      '2027-01-14T08:00:00.000Z exit escalated escalated',
    ]);
  });

  it('across the end of summer time (25 October 2026): 3d is 72 h, landing at 07:30 CET, deferred to 08:00 CET', async () => {
    expect(
      await schedule(plan('soft-collection'), withDebtor(anna, 'G-DST', {}, '2026-10-15'), '2026-10-23T06:30:00Z'),
    ).toEqual([
      '2026-10-23T06:30:00.000Z send first-email email',
      '2026-10-26T06:30:00.000Z deferred nudge-sms sms outsideWindow',
      '2026-10-26T07:00:00.000Z send nudge-sms sms',
      '2026-10-30T07:00:00.000Z send email-loss-aversion email',
      '2026-11-03T07:00:00.000Z send reminder-sms sms',
      '2026-11-08T07:00:00.000Z deferred final-friendly-email email outsideWindow',
      '2026-11-09T07:00:00.000Z send final-friendly-email email',
      '2026-11-14T22:00:00.000Z webhook hand-over',
      '2026-11-14T22:00:00.000Z exit escalated escalated',
    ]);
  });

  it('a debtor in Chicago under the European policy: the window is read in her own zone (08:00 CST = 14:00 UTC)', async () => {
    expect(
      await schedule(
        plan('soft-collection'),
        withDebtor(anna, 'G-CHI', { timezone: 'America/Chicago' }, '2026-11-20'),
        '2026-11-23T09:00:00Z',
      ),
    ).toEqual([
      '2026-11-23T09:00:00.000Z deferred first-email email outsideWindow',
      '2026-11-23T14:00:00.000Z send first-email email',
      '2026-11-26T14:00:00.000Z send nudge-sms sms',
      '2026-11-30T14:00:00.000Z send email-loss-aversion email',
      '2026-12-04T14:00:00.000Z send reminder-sms sms',
      '2026-12-09T14:00:00.000Z send final-friendly-email email',
      '2026-12-21T06:00:00.000Z webhook hand-over',
      '2026-12-21T06:00:00.000Z exit escalated escalated',
    ]);
  });

  it('us-reg-f, Los Angeles, enrolled on Thanksgiving: Friday 08:00 PST; weekends are open', async () => {
    expect(
      await schedule(
        softCollectionUs(),
        withDebtor(anna, 'G-US', { timezone: 'America/Los_Angeles' }, '2026-11-20'),
        '2026-11-26T18:00:00Z',
      ),
    ).toEqual([
      '2026-11-26T18:00:00.000Z deferred first-email email holiday',
      '2026-11-27T16:00:00.000Z send first-email email',
      '2026-11-30T16:00:00.000Z send nudge-sms sms',
      '2026-12-04T16:00:00.000Z send email-loss-aversion email',
      '2026-12-08T16:00:00.000Z send reminder-sms sms',
      '2026-12-13T16:00:00.000Z send final-friendly-email email',
      '2026-12-21T08:00:00.000Z webhook hand-over',
      '2026-12-21T08:00:00.000Z exit escalated escalated',
    ]);
  });

  it('pre-due-reminder: the heads-up and the due-date SMS, then unresolved', async () => {
    const mary2 = { ...mary, debtId: 'G-PRE', debt: { ...mary.debt, dueDate: '2026-12-04' } };
    expect(await schedule(plan('pre-due-reminder'), mary2, '2026-11-23T09:00:00Z')).toEqual([
      '2026-12-01T16:00:00.000Z send heads-up-email email',
      '2026-12-04T16:00:00.000Z send due-date-sms sms',
      '2026-12-05T06:00:00.000Z exit not-paid-on-time unresolved',
    ]);
  });

  it('late-stage: SMS without consent are blocked and the journey goes on', async () => {
    const jan2 = { ...jan, debtId: 'G-LATE', debt: { ...jan.debt, dueDate: '2026-10-10' } };
    expect(await schedule(plan('late-stage'), jan2, '2026-11-23T09:00:00Z', 60)).toEqual([
      '2026-11-23T09:00:00.000Z send formal-reminder email',
      '2026-11-28T09:00:00.000Z blocked formal-sms sms noConsent',
      '2026-12-04T09:00:00.000Z send plan-offer email',
      '2026-12-11T09:00:00.000Z send final-notice email',
      '2026-12-11T09:00:00.000Z blocked final-notice-sms sms noConsent',
      '2026-12-26T09:00:00.000Z webhook hand-over',
      '2026-12-26T09:00:00.000Z exit escalated escalated',
    ]);
  });

  it('the horizon stops a journey mid-way: outcome running, nothing after it', async () => {
    const lines = await schedule(
      plan('soft-collection'),
      withDebtor(anna, 'G-HOR', {}, '2026-11-20'),
      '2026-11-28T22:00:00Z',
      5,
    );
    expect(lines).toEqual([
      '2026-11-28T22:00:00.000Z deferred first-email email outsideWindow',
      '2026-11-30T07:00:00.000Z send first-email email',
      '2026-12-03T07:00:00.000Z send nudge-sms sms',
    ]);
  });
});
