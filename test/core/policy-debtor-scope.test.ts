/**
 * The debtor, not only the debt: frequency caps scoped to the debtor (every debt of the person)
 * and the policy's minimum gap between two messages to one person, decided by decideSend over
 * the asking debt's contacts and those of the debtor's other debts (`otherDebts`). Named cases,
 * then properties judged by an oracle written from the definition: a decision never breaks a
 * cap over the contacts its scope counts, is the earliest such instant, and a plan without the
 * debtor scope decides exactly as if the other debts did not exist.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decideSend, describeDecision, type Contact, type SendRequest } from '../../src/core/policy/index.js';
import type { Channel, PlanFrequencyCap, PlanPolicy } from '../../src/ir/index.js';
import { at, DAY, everyDay, HOUR, MIN, policy, request } from './policy-fixtures.js';

const MON_10 = at('2026-03-16T09:00:00Z'); // Mon 10:00 Paris

describe('debtor-scoped caps (table)', () => {
  const debtorCap = policy({
    windows: everyDay(8 * 60, 21 * 60),
    frequencyCaps: [{ channels: ['email', 'sms'], max: 2, perMs: DAY, onExceed: 'defer', scope: 'debtor' }],
  });
  const debtCap = policy({
    windows: everyDay(8 * 60, 21 * 60),
    frequencyCaps: [{ channels: ['email', 'sms'], max: 2, perMs: DAY, onExceed: 'defer' }],
  });
  const gas: Contact[] = [{ at: MON_10 - 2 * HOUR, channel: 'email' }];
  const electricity: Contact[] = [{ at: MON_10 - HOUR, channel: 'sms' }];

  it('a debtor-scoped cap counts the contacts of every debt of the person', () => {
    const d = decideSend(debtorCap, request(MON_10, { history: gas, otherDebts: [electricity] }));
    expect(d).toMatchObject({
      action: 'defer',
      reason: 'frequencyCap',
      until: MON_10 - 2 * HOUR + DAY,
      detail: 'frequency cap email+SMS ≤ 2 per 1d (debtor-wide) reached',
    });
  });

  it('a debt-scoped cap (the default) counts only the asking debt, whatever the other debts hold', () => {
    expect(decideSend(debtCap, request(MON_10, { history: gas, otherDebts: [electricity] }))).toEqual({
      action: 'send',
      at: MON_10,
      timezone: 'Europe/Paris',
    });
    // The same request without the other debts: the same answer.
    expect(decideSend(debtCap, request(MON_10, { history: gas }))).toEqual(
      decideSend(debtCap, request(MON_10, { history: gas, otherDebts: [electricity] })),
    );
  });

  it('a debtor-scoped skip cap skips for the other debts’ contacts', () => {
    const skip = policy({
      frequencyCaps: [{ channels: ['sms'], max: 1, perMs: 3 * DAY, onExceed: 'skip', scope: 'debtor' }],
    });
    const d = decideSend(skip, request(MON_10, { channel: 'sms', history: [], otherDebts: [electricity] }));
    expect(d).toEqual({
      action: 'skip',
      reason: 'frequencyCap',
      detail: 'frequency cap SMS ≤ 1 per 3d (debtor-wide) reached',
    });
    // On email the SMS cap does not apply.
    expect(decideSend(skip, request(MON_10, { history: [], otherDebts: [electricity] })).action).toBe('send');
  });
});

describe('minimum gap between two messages to one person (table)', () => {
  const gap = policy({ windows: everyDay(8 * 60, 21 * 60), minGapMs: HOUR });

  it('never two messages to one person within the gap, across debts and channels', () => {
    const other: Contact[] = [{ at: MON_10 - 20 * MIN, channel: 'sms' }];
    const d = decideSend(gap, request(MON_10, { history: [], otherDebts: [other] }));
    expect(d).toMatchObject({ action: 'defer', reason: 'minGap', until: MON_10 + 40 * MIN });
    expect(describeDecision(d, MON_10, 'email', 'first-email')).toBe(
      'Email of step first-email deferred from Mon 10:00 to Mon 10:40 Europe/Paris: debtor-wide minimum gap of 1h between two messages to the debtor (all debts, any channel)',
    );
  });

  it('counts the asking debt too, and a message another debt already booked after the request', () => {
    expect(decideSend(gap, request(MON_10, { history: [{ at: MON_10 - 59 * MIN, channel: 'email' }] }))).toMatchObject({
      action: 'defer',
      until: MON_10 + MIN,
    });
    // Booked at 10:30 for the other debt: 10:00 is too close; the next instant is 11:30.
    const d = decideSend(gap, request(MON_10, { otherDebts: [[{ at: MON_10 + 30 * MIN, channel: 'email' }]] }));
    expect(d).toMatchObject({ action: 'defer', reason: 'minGap', until: MON_10 + 90 * MIN });
  });

  it('a contact exactly one gap ago is allowed', () => {
    const d = decideSend(gap, request(MON_10, { otherDebts: [[{ at: MON_10 - HOUR, channel: 'sms' }]] }));
    expect(d).toEqual({ action: 'send', at: MON_10, timezone: 'Europe/Paris' });
  });

  it('the gap and the window together: a gap that ends after closing moves the send to the next opening', () => {
    const late = at('2026-03-16T19:30:00Z'); // Mon 20:30, the window closes at 21:00
    const d = decideSend(gap, request(late, { otherDebts: [[{ at: late - 5 * MIN, channel: 'email' }]] }));
    expect(d).toMatchObject({ action: 'defer', reason: 'minGap', until: at('2026-03-17T07:00:00Z') });
  });
});

// ---------------------------------------------------------------------------------------------
// Properties

const START = Date.parse('2026-01-01T00:00:00Z');
const END = Date.parse('2029-01-01T00:00:00Z');

const capArb: fc.Arbitrary<PlanFrequencyCap> = fc
  .record({
    channels: fc.subarray(['email', 'sms'] as Channel[], { minLength: 1 }),
    max: fc.integer({ min: 1, max: 4 }),
    perMs: fc.constantFrom(HOUR, 6 * HOUR, DAY, 3 * DAY),
    onExceed: fc.constantFrom('defer' as const, 'skip' as const),
    debtor: fc.boolean(),
  })
  .map(({ debtor, ...cap }) => (debtor ? { ...cap, scope: 'debtor' as const } : cap));

const contactsArb = (maxLength: number) =>
  fc.array(
    fc.record({
      offset: fc.integer({ min: -4 * DAY, max: DAY }),
      channel: fc.constantFrom<Channel>('email', 'sms'),
    }),
    { maxLength },
  );

interface Case {
  policy: PlanPolicy;
  requestedAt: number;
  channel: Channel;
  own: { offset: number; channel: Channel }[];
  others: { offset: number; channel: Channel }[][];
}

const caseArb: fc.Arbitrary<Case> = fc.record({
  policy: fc
    .record({
      caps: fc.array(capArb, { maxLength: 3 }),
      minGap: fc.constantFrom(undefined, 30 * MIN, HOUR, 4 * HOUR),
      wide: fc.boolean(),
    })
    .map((r) =>
      policy({
        windows: r.wide ? everyDay(0, 1440) : [{ days: [1, 2, 3, 4, 5, 6], fromMin: 8 * 60, toMin: 21 * 60 }],
        frequencyCaps: r.caps,
        ...(r.minGap !== undefined && { minGapMs: r.minGap }),
      }),
    ),
  requestedAt: fc.integer({ min: START, max: END - 1 }).map((t) => Math.floor(t / MIN) * MIN),
  channel: fc.constantFrom<Channel>('email', 'sms'),
  own: contactsArb(12),
  others: fc.array(contactsArb(12), { maxLength: 3 }),
});

const toContacts = (c: Case, list: { offset: number; channel: Channel }[]): Contact[] =>
  list.map((h) => ({ at: c.requestedAt + Math.floor(h.offset / MIN) * MIN, channel: h.channel }));

/**
 * The rules a send at `t` breaks, from the definition: for each cap (and the gap, a cap of one
 * message on every channel over every debt), the contacts its scope counts plus the send; some
 * window [x, x + per) holding t holds more than max of them.
 */
function oracleBroken(
  p: PlanPolicy,
  channel: Channel,
  t: number,
  own: Contact[],
  others: Contact[],
  only?: 'defer' | 'skip',
): string[] {
  const rules: (PlanFrequencyCap & { name: string })[] = p.frequencyCaps.map((cap, i) => ({
    ...cap,
    name: `cap ${i}`,
  }));
  if (p.minGapMs !== undefined)
    rules.push({
      channels: ['email', 'sms'],
      max: 1,
      perMs: p.minGapMs,
      onExceed: 'defer',
      scope: 'debtor',
      name: 'minGap',
    });
  const broken: string[] = [];
  for (const rule of rules) {
    if (!rule.channels.includes(channel) || (only && rule.onExceed !== only)) continue;
    const counted = rule.scope === 'debtor' ? [...own, ...others] : own;
    const points = [...counted.filter((h) => rule.channels.includes(h.channel)).map((h) => h.at), t];
    for (const x of points) {
      if (!(x <= t && t < x + rule.perMs)) continue;
      if (points.filter((y) => y >= x && y < x + rule.perMs).length > rule.max) {
        broken.push(rule.name);
        break;
      }
    }
  }
  return broken;
}

describe('debtor scope and minimum gap (property)', () => {
  it('keeps every cap over the contacts its scope counts, at the earliest instant, and stays stable', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const own = toContacts(c, c.own);
        const otherLists = c.others.map((l) => toContacts(c, l));
        const others = otherLists.flat();
        const req: SendRequest = request(c.requestedAt, { channel: c.channel, history: own, otherDebts: otherLists });
        const d = decideSend(c.policy, req);
        if (d.action === 'skip') {
          expect(d.reason).toBe('frequencyCap');
          return;
        }
        const t = d.action === 'send' ? d.at : d.until;
        expect(t).toBeGreaterThanOrEqual(c.requestedAt);
        expect(oracleBroken(c.policy, c.channel, t, own, others)).toEqual([]);
        if (d.action === 'defer') {
          // One minute earlier (times are whole minutes) is closed or breaks a deferring rule.
          const before = t - MIN;
          const cp = c.policy;
          const open = decideSend({ ...cp, frequencyCaps: [], minGapMs: undefined } as PlanPolicy, {
            ...req,
            requestedAt: before,
          });
          expect(
            before < c.requestedAt ||
              !(open.action === 'send' && open.at === before) ||
              oracleBroken(cp, c.channel, before, own, others, 'defer').length > 0,
          ).toBe(true);
        }
        expect(decideSend(c.policy, { ...req, requestedAt: t })).toEqual({
          action: 'send',
          at: t,
          timezone: d.timezone,
        });
      }),
      { numRuns: 2000 },
    );
  });

  it('without the debtor scope and the gap, the other debts change nothing', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const p: PlanPolicy = {
          ...c.policy,
          frequencyCaps: c.policy.frequencyCaps.map(({ scope: _scope, ...cap }) => cap),
        };
        delete p.minGapMs;
        const own = toContacts(c, c.own);
        const base = request(c.requestedAt, { channel: c.channel, history: own });
        expect(decideSend(p, { ...base, otherDebts: c.others.map((l) => toContacts(c, l)) })).toEqual(
          decideSend(p, base),
        );
      }),
      { numRuns: 1000 },
    );
  });

  it('a debtor-scoped cap over one debt decides as the debt-scoped cap over all the contacts in one list', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const debtor: PlanPolicy = {
          ...c.policy,
          frequencyCaps: c.policy.frequencyCaps.map((cap) => ({ ...cap, scope: 'debtor' as const })),
        };
        const plain: PlanPolicy = {
          ...c.policy,
          frequencyCaps: c.policy.frequencyCaps.map(({ scope: _scope, ...cap }) => cap),
        };
        delete debtor.minGapMs;
        delete plain.minGapMs;
        const own = toContacts(c, c.own);
        const otherLists = c.others.map((l) => toContacts(c, l));
        const split = decideSend(
          debtor,
          request(c.requestedAt, { channel: c.channel, history: own, otherDebts: otherLists }),
        );
        const merged = decideSend(
          plain,
          request(c.requestedAt, { channel: c.channel, history: [...own, ...otherLists.flat()] }),
        );
        expect(split.action).toBe(merged.action);
        if (split.action !== 'skip' && merged.action !== 'skip') {
          expect(split.action === 'send' ? split.at : split.until).toBe(
            merged.action === 'send' ? merged.at : merged.until,
          );
        }
      }),
      { numRuns: 1000 },
    );
  });
});
