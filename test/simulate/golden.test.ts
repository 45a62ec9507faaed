/**
 * Golden schedules with `--behaviour none`: the exact UTC instants of every contact of the example
 * journeys under their policies, through the production interpreter and policy engine on the
 * virtual clock. Each case names the rule it pins down.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { planFromYaml, ROOT } from '../support/journeys.js';
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
      '2026-12-21T07:00:00.000Z exit to-late-stage unresolved',
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
      '2027-01-14T08:00:00.000Z exit to-late-stage unresolved',
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
      '2026-11-14T22:00:00.000Z exit to-late-stage unresolved',
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
      '2026-12-21T06:00:00.000Z exit to-late-stage unresolved',
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
      '2026-12-21T08:00:00.000Z exit to-late-stage unresolved',
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

  // Hand-worked: soft-collection sends first-email at once, nudge-sms when watch-first-email (3d)
  // times out, the split's email when watch-nudge (4d) times out. One journey file, each debtor
  // on their own country's (and region's) working days.
  const soft = () => plan('soft-collection');
  const withSms = { consent: { email: true, sms: true } };

  it("King's Day (27 April) closes NL, not FR: the NL nudge waits until Tuesday 08:00 CEST", async () => {
    const start = '2026-04-24T08:00:00Z'; // Fri 10:00 CEST
    expect(await schedule(soft(), withDebtor(jan, 'G-KD-NL', withSms, '2026-04-10'), start, 4)).toEqual([
      '2026-04-24T08:00:00.000Z send first-email email',
      '2026-04-27T08:00:00.000Z deferred nudge-sms sms holiday',
      '2026-04-28T06:00:00.000Z send nudge-sms sms',
    ]);
    expect(await schedule(soft(), withDebtor(anna, 'G-KD-FR', {}, '2026-04-10'), start, 4)).toEqual([
      '2026-04-24T08:00:00.000Z send first-email email',
      '2026-04-27T08:00:00.000Z send nudge-sms sms',
    ]);
  });

  it('Victory Day (Fri 8 May) closes FR, not NL: the FR nudge goes Saturday 09:00 CEST', async () => {
    const start = '2026-05-05T08:00:00Z'; // Tue 10:00 CEST
    expect(await schedule(soft(), withDebtor(anna, 'G-VE-FR', {}, '2026-04-20'), start, 4)).toEqual([
      '2026-05-05T08:00:00.000Z send first-email email',
      '2026-05-08T08:00:00.000Z deferred nudge-sms sms holiday',
      '2026-05-09T07:00:00.000Z send nudge-sms sms',
    ]);
    expect(await schedule(soft(), withDebtor(jan, 'G-VE-NL', withSms, '2026-04-20'), start, 4)).toEqual([
      '2026-05-05T08:00:00.000Z send first-email email',
      '2026-05-08T08:00:00.000Z send nudge-sms sms',
    ]);
  });

  it('Armistice (Wed 11 November) closes FR: the split email goes Thursday 08:00 CET', async () => {
    expect(await schedule(soft(), withDebtor(anna, 'G-ARM', {}, '2026-10-25'), '2026-11-04T09:00:00Z', 9)).toEqual([
      '2026-11-04T09:00:00.000Z send first-email email', // Wed 10:00 CET
      '2026-11-07T09:00:00.000Z send nudge-sms sms', // Sat 10:00
      '2026-11-11T09:00:00.000Z deferred email-social-proof email holiday',
      '2026-11-12T07:00:00.000Z send email-social-proof email',
    ]);
  });

  it('Thanksgiving: a US debtor in the same journey file runs under us-reg-f (Friday 08:00 CST); FR is open', async () => {
    const start = '2026-11-23T15:00:00Z'; // Mon 09:00 CST, 16:00 CET
    expect(await schedule(soft(), withDebtor(mary, 'G-TG-US', {}, '2026-11-10'), start, 4)).toEqual([
      '2026-11-23T15:00:00.000Z send first-email email',
      '2026-11-26T15:00:00.000Z deferred nudge-sms sms holiday',
      '2026-11-27T14:00:00.000Z send nudge-sms sms',
    ]);
    expect(await schedule(soft(), withDebtor(anna, 'G-TG-FR', {}, '2026-11-10'), start, 4)).toEqual([
      '2026-11-23T15:00:00.000Z send first-email email',
      '2026-11-26T15:00:00.000Z send nudge-sms sms',
    ]);
  });

  it('a regional holiday: Epiphany (Wed 6 January 2027) closes Bavaria (debtor.region BY), not Berlin', async () => {
    const de = (id: string, region: string) =>
      withDebtor(anna, id, { country: 'DE', region, timezone: 'Europe/Berlin', locale: 'de' }, '2026-12-20');
    const start = '2026-12-30T09:00:00Z'; // Wed 10:00 CET
    expect(await schedule(soft(), de('G-EPI-BY', 'BY'), start, 9)).toEqual([
      '2026-12-30T09:00:00.000Z send first-email email',
      '2027-01-02T09:00:00.000Z send nudge-sms sms', // Sat 10:00
      '2027-01-06T09:00:00.000Z deferred email-loss-aversion email holiday',
      '2027-01-07T07:00:00.000Z send email-loss-aversion email',
    ]);
    expect(await schedule(soft(), de('G-EPI-BE', 'DE-BE'), start, 9)).toEqual([
      '2026-12-30T09:00:00.000Z send first-email email',
      '2027-01-02T09:00:00.000Z send nudge-sms sms',
      '2027-01-06T09:00:00.000Z send email-social-proof email',
    ]);
  });

  it('an SMS-only window (Mon–Fri 10:00–19:00): a Saturday nudge waits until Monday 10:00 CET; email keeps Saturday', async () => {
    const policy = readFileSync(join(ROOT, 'journeys', 'policies', 'eu-default.policy.yaml'), 'utf8')
      .replace('name: eu-default', 'name: sms-narrow')
      .replace(
        '    - { days: [sat], from: "09:00", to: "17:00" }\n',
        '    - { days: [sat], from: "09:00", to: "17:00" }\n    - { days: [mon, tue, wed, thu, fri], from: "10:00", to: "19:00", channels: [sms] }\n',
      );
    expect(policy).toContain('channels: [sms]');
    const journey = readFileSync(join(ROOT, 'journeys', 'soft-collection.journey.yaml'), 'utf8').replace(
      'policy: eu-default',
      'policy: sms-narrow',
    );
    const narrow = planFromYaml(journey, [{ path: 'policies/sms-narrow.policy.yaml', text: policy }]);
    const start = '2026-11-18T07:00:00Z'; // Wed 08:00 CET
    expect(await schedule(narrow, withDebtor(anna, 'G-SMSW', {}, '2026-11-10'), start, 10)).toEqual([
      '2026-11-18T07:00:00.000Z send first-email email',
      '2026-11-21T07:00:00.000Z deferred nudge-sms sms outsideWindow', // Sat 08:00
      '2026-11-23T09:00:00.000Z send nudge-sms sms', // Mon 10:00
      '2026-11-27T09:00:00.000Z send email-social-proof email', // Fri 10:00
    ]);
    // The example policy (one window for both channels): the SMS goes Saturday 09:00.
    expect(await schedule(soft(), withDebtor(anna, 'G-SMSW-0', {}, '2026-11-10'), start, 10)).toEqual([
      '2026-11-18T07:00:00.000Z send first-email email',
      '2026-11-21T07:00:00.000Z deferred nudge-sms sms outsideWindow',
      '2026-11-21T08:00:00.000Z send nudge-sms sms',
      '2026-11-25T08:00:00.000Z send email-social-proof email',
    ]);
  });
});
