/**
 * Properties of the policy engine over random policies (windows per weekday, holidays, closed
 * days, caps, consent, jitter), random instants of 2026–2028 (many near daylight-saving changes)
 * and time zones with odd offsets and changes. Checked against a slow oracle written
 * differently (test/core/policy-fixtures.ts, on the Intl-based calendar helpers):
 * a decision is never earlier than requested, never inside a closed period, never makes a
 * rolling window hold more contacts than its cap, is the earliest such instant (without
 * jitter), and deciding again at the decided instant sends then.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decideSend, type SendRequest } from '../../src/core/policy/index.js';
import { dayOfIso, zoneClock } from '../../src/core/policy/zone-clock.js';
import { isValidTimeZone, localDateIso, localDateParts, zonedTime } from '../../src/core/timezone.js';
import type { Channel, PlanFrequencyCap, PlanPolicy, PlanWindow, Weekday } from '../../src/ir/index.js';
import { DAY, HOUR, MIN, oracleBrokenCaps, oracleOpen, policy } from './policy-fixtures.js';

const ZONES = [
  'America/Los_Angeles',
  'Europe/Paris',
  'Australia/Lord_Howe',
  'Asia/Kolkata',
  'America/Sao_Paulo',
  'Pacific/Chatham',
];
const START = Date.parse('2026-01-01T00:00:00Z');
const END = Date.parse('2029-01-01T00:00:00Z');
const isoOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** UTC days (start instants) of 2026–2028 on which the zone's offset changes, found with Intl. */
function changeDays(tz: string): number[] {
  const offset = (t: number) => {
    const p = localDateParts(t, tz);
    return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute) - t;
  };
  const out: number[] = [];
  for (let t = START; t < END; t += DAY) if (offset(t) !== offset(t + DAY)) out.push(t);
  return out;
}
const CHANGES = new Map(ZONES.map((z) => [z, changeDays(z)]));

const zoneArb = fc.constantFrom(...ZONES);
/** An instant of 2026–2028, half the time within two days of one of the zone's clock changes. */
const instantArb = (tz: string) => {
  const days = CHANGES.get(tz)!;
  const uniform = fc.integer({ min: START, max: END - 1 });
  if (days.length === 0) return uniform;
  return fc.oneof(
    uniform,
    fc
      .tuple(fc.constantFrom(...days), fc.integer({ min: -DAY, max: 2 * DAY }))
      .map(([d, off]) => d + Math.floor(off / MIN) * MIN),
  );
};

const windowArb: fc.Arbitrary<PlanWindow> = fc
  .record({
    days: fc.subarray([0, 1, 2, 3, 4, 5, 6] as Weekday[], { minLength: 1 }),
    from: fc.integer({ min: 0, max: 95 }),
    length: fc.integer({ min: 1, max: 96 }),
  })
  .map(({ days, from, length }) => ({ days, fromMin: from * 15, toMin: Math.min(96, from + length) * 15 }));

/** Closed dates: a few anywhere, a few and a run of up to 12 days near the requested instant. */
const dayListArb = (near: number) =>
  fc
    .tuple(
      fc.array(fc.integer({ min: 0, max: 1095 }), { maxLength: 8 }),
      fc.array(fc.integer({ min: -2, max: 20 }), { maxLength: 4 }),
      fc.integer({ min: -2, max: 20 }),
      fc.integer({ min: 0, max: 12 }),
    )
    .map(([anywhere, close, runStart, runLength]) => {
      const base = Math.floor(near / DAY);
      const days = [
        ...anywhere.map((d) => Math.floor(START / DAY) + d),
        ...close.map((d) => base + d),
        ...Array.from({ length: runLength }, (_, i) => base + runStart + i),
      ];
      return [...new Set(days.map((d) => isoOf(d * DAY)))].sort();
    });

const capArb: fc.Arbitrary<PlanFrequencyCap> = fc.record({
  channels: fc.subarray(['email', 'sms'] as Channel[], { minLength: 1 }),
  max: fc.integer({ min: 1, max: 4 }),
  perMs: fc.constantFrom(HOUR, 6 * HOUR, DAY, 3 * DAY, 7 * DAY),
  onExceed: fc.constantFrom('defer' as const, 'skip' as const),
});

const policyArb = (near: number): fc.Arbitrary<PlanPolicy> =>
  fc
    .record({
      windows: fc.array(windowArb, { minLength: 1, maxLength: 4 }),
      closedDays: dayListArb(near),
      dates: dayListArb(near),
      caps: fc.array(capArb, { maxLength: 3 }),
      unknownTimezone: fc.constantFrom('fallback' as const, 'skip' as const),
      fallback: zoneArb,
      sms: fc.constantFrom('required' as const, 'assumed' as const),
      email: fc.constantFrom('required' as const, 'assumed' as const),
      jitterMs: fc.constantFrom(0, 0, 0, 10 * MIN, HOUR),
    })
    .map((r) =>
      policy({
        windows: r.windows,
        holidays: { closedDays: r.closedDays, dates: r.dates },
        frequencyCaps: r.caps,
        unknownTimezone: r.unknownTimezone,
        timezoneFallback: r.fallback,
        consent: { sms: r.sms, email: r.email },
        jitterMs: r.jitterMs,
      }),
    );

const consentArb = fc.oneof(
  { weight: 6, arbitrary: fc.constant<boolean | undefined>(true) },
  fc.constant(undefined),
  fc.constant(false),
);
/** Contacts mostly within two days of the request (so caps bind), some up to 10 days back, a few scheduled ahead. */
const offsetArb = fc.oneof(fc.integer({ min: -2 * DAY, max: DAY }), fc.integer({ min: -10 * DAY, max: 3 * DAY }));

interface Case {
  policy: PlanPolicy;
  requestedAt: number;
  timezone: string | undefined;
  channel: Channel;
  consent: { email?: boolean; sms?: boolean };
  optedOut: Channel[];
  contacts: { offset: number; channel: Channel }[];
  seed: string;
}

const caseArb: fc.Arbitrary<Case> = zoneArb.chain((zone) =>
  instantArb(zone).chain((requestedAt) =>
    fc.record({
      policy: policyArb(requestedAt),
      requestedAt: fc.constant(requestedAt),
      timezone: fc.oneof(
        { weight: 8, arbitrary: fc.constant<string | undefined>(zone) },
        fc.constant(undefined),
        fc.constant('Not/AZone'),
      ),
      channel: fc.constantFrom<Channel>('email', 'sms'),
      consent: fc.record({ email: consentArb, sms: consentArb }),
      optedOut: fc.oneof({ weight: 8, arbitrary: fc.constant<Channel[]>([]) }, fc.subarray<Channel>(['email', 'sms'])),
      contacts: fc.array(fc.record({ offset: offsetArb, channel: fc.constantFrom<Channel>('email', 'sms') }), {
        maxLength: 25,
      }),
      seed: fc.string({ maxLength: 8 }),
    }),
  ),
);

/** The properties of one decision, judged by the oracle. */
function checkCase(c: Case): void {
  const history = c.contacts.map((h) => ({ at: c.requestedAt + Math.floor(h.offset / MIN) * MIN, channel: h.channel }));
  const req: SendRequest = {
    channel: c.channel,
    requestedAt: c.requestedAt,
    consent: c.consent,
    optedOut: c.optedOut,
    history,
    seed: c.seed,
    ...(c.timezone !== undefined && { timezone: c.timezone }),
  };
  const p = c.policy;
  const d = decideSend(p, req);
  const given = c.consent[c.channel];
  const consentOk = given !== false && (p.consent[c.channel] === 'assumed' || given === true);
  const zoneOk = c.timezone !== undefined && isValidTimeZone(c.timezone);
  const tz = zoneOk ? c.timezone! : p.timezoneFallback;
  if (d.action === 'skip') {
    const expected = !consentOk
      ? 'noConsent'
      : c.optedOut.includes(c.channel)
        ? 'optedOut'
        : !zoneOk && p.unknownTimezone === 'skip'
          ? 'unknownTimezone'
          : 'frequencyCap';
    expect(d.reason).toBe(expected);
    if (expected === 'frequencyCap')
      expect(p.frequencyCaps.some((cap) => cap.onExceed === 'skip' && cap.channels.includes(c.channel))).toBe(true);
    return;
  }
  expect(consentOk && !c.optedOut.includes(c.channel) && (zoneOk || p.unknownTimezone === 'fallback')).toBe(true);
  expect(d.timezone).toBe(tz);
  const t = d.action === 'send' ? d.at : d.until;
  expect(t).toBeGreaterThanOrEqual(c.requestedAt);
  expect(oracleOpen(p, tz, t)).toBe(true);
  expect(oracleBrokenCaps(p, c.channel, t, history)).toEqual([]);
  if (p.jitterMs === 0) {
    if (d.action === 'send') expect(t).toBe(c.requestedAt);
    else {
      const before = t - 1;
      expect(
        before < c.requestedAt ||
          !oracleOpen(p, tz, before) ||
          oracleBrokenCaps(p, c.channel, before, history, 'defer').length > 0,
      ).toBe(true);
    }
  } else {
    expect(t - c.requestedAt).toBeLessThan(d.action === 'send' ? p.jitterMs : Infinity);
  }
  expect(decideSend(p, { ...req, requestedAt: t })).toEqual({ action: 'send', at: t, timezone: tz });
}

describe('decideSend (property)', () => {
  it('decides an allowed instant: not early, open, within every cap, the earliest, stable', () => {
    fc.assert(fc.property(caseArb, checkCase), { numRuns: 3000 });
  });
});

/** Caps at work: long windows, few closed days, dense histories, small maxima. */
const capsCaseArb: fc.Arbitrary<Case> = fc
  .tuple(zoneArb, fc.integer({ min: START, max: END - 1 }))
  .chain(([zone, requestedAt]) =>
    fc.record({
      policy: fc
        .record({
          caps: fc.array(capArb, { minLength: 1, maxLength: 3 }),
          wide: fc.boolean(),
          closedDays: fc.array(fc.integer({ min: 0, max: 10 }), { maxLength: 2 }),
          jitterMs: fc.constantFrom(0, 0, 10 * MIN),
        })
        .map((r) =>
          policy({
            windows: r.wide
              ? [{ days: [0, 1, 2, 3, 4, 5, 6], fromMin: 0, toMin: 1440 }]
              : [{ days: [1, 2, 3, 4, 5, 6], fromMin: 8 * 60, toMin: 21 * 60 }],
            frequencyCaps: r.caps,
            jitterMs: r.jitterMs,
            timezoneFallback: zone,
            holidays: {
              closedDays: [...new Set(r.closedDays.map((d) => isoOf(requestedAt + d * DAY)))].sort(),
              dates: [],
            },
          }),
        ),
      requestedAt: fc.constant(requestedAt),
      timezone: fc.constant<string | undefined>(zone),
      channel: fc.constantFrom<Channel>('email', 'sms'),
      consent: fc.constant({ email: true, sms: true }),
      optedOut: fc.constant<Channel[]>([]),
      contacts: fc.array(
        fc.record({
          offset: fc.integer({ min: -8 * DAY, max: 2 * DAY }),
          channel: fc.constantFrom<Channel>('email', 'sms'),
        }),
        { minLength: 5, maxLength: 40 },
      ),
      seed: fc.string({ maxLength: 4 }),
    }),
  );

describe('decideSend with busy histories (property)', () => {
  it('keeps every cap, at the earliest instant', () => {
    fc.assert(fc.property(capsCaseArb, checkCase), { numRuns: 2000 });
  });
});

describe('zone clock (property)', () => {
  it('reads local dates and local times exactly as the Intl-based helpers', () => {
    fc.assert(
      fc.property(
        zoneArb.chain((tz) => fc.tuple(fc.constant(tz), instantArb(tz), fc.integer({ min: 0, max: 1440 }))),
        ([tz, t, minute]) => {
          const clock = zoneClock(tz)!;
          const iso = localDateIso(t, tz);
          expect(clock.dayOf(t)).toBe(dayOfIso(iso));
          expect(clock.instantOf(dayOfIso(iso), minute)).toBe(zonedTime(iso, minute, tz));
        },
      ),
      { numRuns: 3000 },
    );
  });
});
