/**
 * Compliance at portfolio scale (issue 8): random valid journeys, policies and portfolios across
 * time zones run through the simulator — the production interpreter and policy engine — and no
 * send is ever outside its window or on a holiday, no cap is ever exceeded, and no opted-out or
 * unconsented channel is ever used.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { publicHolidayDates } from '../../src/compiler/holidays.js';
import { isOpenInstant, policyForPlace } from '../../src/core/policy/index.js';
import { isValidTimeZone, localDateIso, localDateParts, weekdayOf } from '../../src/core/timezone.js';
import type { Channel, EnrollmentData } from '../../src/ir/index.js';
import { parseBehaviour } from '../../src/simulate/behaviour.js';
import { runDebt } from '../../src/simulate/run-debt.js';
import { exampleRecord, planFromYaml } from '../support/journeys.js';

const DAY = 86_400_000;
const ZONES = [
  'Europe/Paris',
  'America/New_York',
  'America/Los_Angeles',
  'Asia/Tokyo',
  'Australia/Sydney',
  'Europe/London',
  'Not/AZone',
];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
const TEMPLATE: Record<Channel, string> = { email: 'overdue-friendly', sms: 'overdue-nudge-sms' };

/** Every email is followed, an hour later, by an opt-out of email: later emails must be blocked. */
const OPT_OUT = parseBehaviour(
  'apiVersion: settle/v1\nkind: Behaviour\nmetadata: { name: opt-out }\nspec:\n  default:\n    email: { delivered: { p: 1, after: 1m }, optedOut: { p: 0.5, after: 1h } }\n',
  'inline',
);

const policyArb = fc.record({
  days: fc.subarray([...DAYS], { minLength: 1 }),
  from: fc.integer({ min: 0, max: 20 }),
  span: fc.integer({ min: 1, max: 12 }),
  // 'own': each debtor's own country and region among FR, NL, DE (holidays.country as a list).
  country: fc.constantFrom('FR', 'US', 'DE', undefined, 'own'),
  // A narrower window for SMS only (channels: [sms]), or none.
  smsWindow: fc.option(
    fc.record({
      days: fc.subarray([...DAYS], { minLength: 1 }),
      from: fc.integer({ min: 0, max: 20 }),
      span: fc.integer({ min: 1, max: 12 }),
    }),
    { nil: undefined },
  ),
  // Two caps over the same channels and period are refused by the compiler (DUPLICATE_CAP).
  caps: fc.uniqueArray(
    fc.record({
      channels: fc.subarray(['email', 'sms'] as Channel[], { minLength: 1 }),
      max: fc.integer({ min: 1, max: 3 }),
      perDays: fc.integer({ min: 1, max: 7 }),
      onExceed: fc.constantFrom('defer', 'skip'),
    }),
    { maxLength: 2, selector: (c) => `${[...c.channels].sort().join('+')}/${c.perDays}` },
  ),
  smsConsent: fc.constantFrom('required', 'assumed'),
  unknownTimezone: fc.constantFrom('fallback', 'skip'),
});

const stepsArb = fc.array(
  fc.record({ channel: fc.constantFrom<Channel>('email', 'sms'), waitHours: fc.integer({ min: 1, max: 96 }) }),
  { minLength: 1, maxLength: 6 },
);

const debtorArb = fc.record({
  zone: fc.constantFrom(...ZONES),
  sms: fc.constantFrom(true, false, undefined),
  startHour: fc.integer({ min: 0, max: 24 * 14 - 1 }),
  place: fc.constantFrom<{ country?: string; region?: string }>(
    { country: 'FR' },
    { country: 'NL' },
    { country: 'DE', region: 'BY' },
    { country: 'DE', region: 'DE-BE' },
    { country: 'US' },
    {},
  ),
});

type PolicyCase = typeof policyArb extends fc.Arbitrary<infer T> ? T : never;

function policyYaml(p: PolicyCase): string {
  const hh = (h: number) => `${String(h).padStart(2, '0')}:00`;
  const to = Math.min(24, p.from + p.span);
  const caps = p.caps.map(
    (c) => `    - { channels: [${c.channels.join(', ')}], max: ${c.max}, per: ${c.perDays}d, onExceed: ${c.onExceed} }`,
  );
  return [
    'apiVersion: settle/v1',
    'kind: Policy',
    'metadata: { name: random-policy }',
    'spec:',
    '  timezoneFallback: Europe/Paris',
    `  unknownTimezone: ${p.unknownTimezone}`,
    '  sendWindow:',
    `    - { days: [${p.days.join(', ')}], from: "${hh(p.from)}", to: "${hh(to)}" }`,
    ...(p.smsWindow
      ? [
          `    - { days: [${p.smsWindow.days.join(', ')}], from: "${hh(p.smsWindow.from)}", to: "${hh(Math.min(24, p.smsWindow.from + p.smsWindow.span))}", channels: [sms] }`,
        ]
      : []),
    ...(p.country === 'own'
      ? ['  holidays: { country: [FR, NL, DE] }']
      : p.country
        ? [`  holidays: { country: ${p.country} }`]
        : []),
    ...(caps.length > 0 ? ['  frequencyCaps:', ...caps] : []),
    `  consent: { sms: ${p.smsConsent}, email: assumed }`,
    '',
  ].join('\n');
}

function journeyYaml(steps: { channel: Channel; waitHours: number }[]): string {
  const lines = [
    'apiVersion: settle/v1',
    'kind: Journey',
    'metadata: { name: random-journey, version: 1 }',
    'spec:',
    '  policy: random-policy',
    '  steps:',
  ];
  steps.forEach((s, i) => {
    lines.push(
      `    - { id: send-${i}, type: send, channel: ${s.channel}, template: ${TEMPLATE[s.channel]}, paymentLink: true }`,
    );
    lines.push(`    - { id: wait-${i}, type: wait, duration: ${s.waitHours}h }`);
  });
  lines.push('    - { id: done, type: exit, outcome: unresolved }', '');
  return lines.join('\n');
}

describe('compliance property', () => {
  it('no send outside its window or on a holiday, no cap exceeded, no opted-out or unconsented channel', async () => {
    const base = exampleRecord('anna-rossi');
    await fc.assert(
      fc.asyncProperty(
        policyArb,
        stepsArb,
        fc.array(debtorArb, { minLength: 1, maxLength: 4 }),
        async (p, steps, debtors) => {
          const plan = planFromYaml(journeyYaml(steps), [{ path: 'policies/random.policy.yaml', text: policyYaml(p) }]);
          for (const [i, d] of debtors.entries()) {
            const record: EnrollmentData = {
              ...base,
              debtId: `P-${i}`,
              debtor: {
                ...base.debtor,
                timezone: d.zone,
                ...d.place,
                consent: { email: true, ...(d.sms !== undefined && { sms: d.sms }) },
              },
            };
            const startMs = Date.parse('2026-12-14T00:00:00Z') + d.startHour * 3_600_000;
            const sim = await runDebt({
              plan,
              record,
              startMs,
              horizonMs: startMs + 90 * DAY,
              behaviour: OPT_OUT,
              seed: i,
            });
            const tz = isValidTimeZone(d.zone) ? d.zone : 'Europe/Paris';
            const sent = sim.state.sends.filter((s) => s.status === 'sent');
            if (!isValidTimeZone(d.zone) && p.unknownTimezone === 'skip') expect(sent).toEqual([]);
            for (const s of sent) {
              const own = policyForPlace(plan.policy, d.place);
              const where = `${new Date(s.at).toISOString()} ${s.channel} in ${tz} ${JSON.stringify(d.place)}`;
              expect(isOpenInstant(own, tz, s.at, s.channel), where).toBe(true);
              // Independently of the narrowing: never on the debtor's own public holidays.
              if (p.country === 'own' && d.place.country !== undefined && d.place.country !== 'US') {
                const region = d.place.region?.replace(`${d.place.country}-`, '');
                expect(publicHolidayDates(d.place.country, region), where).not.toContain(localDateIso(s.at, tz));
              }
              if (p.smsWindow && s.channel === 'sms') {
                const w = p.smsWindow;
                const local = localDateParts(s.at, tz);
                expect(w.days as string[], where).toContain(DAYS[weekdayOf(localDateIso(s.at, tz))]);
                const minute = local.hour * 60 + local.minute;
                expect(minute, where).toBeGreaterThanOrEqual(w.from * 60);
                expect(minute, where).toBeLessThan(Math.min(24, w.from + w.span) * 60);
              }
              if (s.channel === 'sms') {
                expect(d.sms).not.toBe(false);
                if (p.smsConsent === 'required') expect(d.sms).toBe(true);
              }
              const optOut = sim.state.events.find((e) => e.type === 'optedOut');
              if (s.channel === 'email' && optOut) expect(s.at).toBeLessThanOrEqual(optOut.receivedAt);
              for (const cap of plan.policy.frequencyCaps) {
                if (!cap.channels.includes(s.channel)) continue;
                const inWindow = sent.filter(
                  (o) => cap.channels.includes(o.channel) && o.at <= s.at && o.at > s.at - cap.perMs,
                );
                expect(inWindow.length).toBeLessThanOrEqual(cap.max);
              }
            }
          }
        },
      ),
      { numRuns: 40, seed: 20261123 },
    );
  }, 120_000);
});
