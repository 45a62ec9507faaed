/**
 * One debtor, several debts, in `settle simulate` (the same rules as the debtor's ledger workflow):
 * under the example policy (eu-default: minGap 1h, at most 5 contacts a week and one SMS every 3
 * days per person) two debts of one person never get two messages within the hour nor more than
 * the debtor-wide caps allow, while the same two debts of two people are contacted side by side;
 * and an email address that hard-bounced for one debt is not used for the person's other debt.
 */
import { describe, expect, it } from 'vitest';
import type { EnrollmentData } from '../../src/ir/index.js';
import { parseBehaviour, type Behaviour } from '../../src/simulate/behaviour.js';
import { debtOf, simulateTogether } from './support.js';

const START = Date.parse('2026-11-23T07:30:00Z'); // Monday 08:30 in Paris
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const behaviour = (rules = '') =>
  parseBehaviour(
    `apiVersion: settle/v1
kind: Behaviour
metadata: { name: silent }
spec:
  default:
    email: { delivered: { p: 1, after: 17s }, opened: { p: 0 } }
    sms: { delivered: { p: 1, after: 7s }, clicked: { p: 0 } }
${rules}`,
    'silent.behaviour.yaml',
  );

const debt = (debtId: string, debtorId: string, daysPastDue: number) => debtOf(debtId, debtorId, daysPastDue, START);
const run = (records: EnrollmentData[], b: Behaviour) => simulateTogether(records, b, START);

const sendsOf = (debts: Awaited<ReturnType<typeof run>>) =>
  debts
    .flatMap((d) =>
      d.events.filter((e) => e.type === 'send').map((e) => ({ at: Date.parse(e.at), channel: e.channel })),
    )
    .sort((a, b) => a.at - b.at);

describe('simulate: the debtor, not only the debt', () => {
  it('two debts of one person: never two messages within the hour, the debtor-wide caps hold across both', async () => {
    const apart = sendsOf(await run([debt('GAP-1', 'P-1', 5), debt('GAP-2', 'P-2', 5)], behaviour()));
    const together = await run([debt('GAP-1', 'P-3', 5), debt('GAP-2', 'P-3', 5)], behaviour());
    const sends = sendsOf(together);
    // Two people: both debts contacted side by side (the rules bind only for one person).
    expect(apart.some((s, i) => i > 0 && s.at - apart[i - 1]!.at < HOUR)).toBe(true);
    // One person: at least an hour between any two messages, whatever the debt or the channel.
    expect(sends.length).toBeGreaterThan(4);
    for (let i = 1; i < sends.length; i++) expect(sends[i]!.at - sends[i - 1]!.at).toBeGreaterThanOrEqual(HOUR);
    // At most 5 contacts a week and one SMS every 3 days, across both debts.
    for (const s of sends) {
      expect(sends.filter((x) => x.at > s.at - 7 * DAY && x.at <= s.at).length).toBeLessThanOrEqual(5);
      if (s.channel === 'sms')
        expect(sends.filter((x) => x.channel === 'sms' && x.at > s.at - 3 * DAY && x.at <= s.at).length).toBe(1);
    }
    const reasons = new Set(
      together.flatMap((d) => d.events.filter((e) => e.type === 'deferred').map((e) => e.reason)),
    );
    expect(reasons.has('minGap')).toBe(true);
  });

  it("an email address that hard-bounced for one debt is not used for the person's other debt", async () => {
    // soft-collection's emails bounce; late-stage's would be delivered.
    const b = behaviour(`  rules:
    - match: { journey: soft-collection }
      email: { delivered: { p: 0 } }
`);
    const [soft, late] = await run([debt('BNC-1', 'P-4', 5), debt('BNC-2', 'P-4', 60)], b);
    expect(soft!.journey).toBe('soft-collection');
    expect(late!.journey).toBe('late-stage');
    const bounce = soft!.events.find((e) => e.type === 'event' && e.reason === 'bounced' && e.channel === 'email');
    expect(bounce).toBeDefined();
    const firstBounce = Date.parse(bounce!.at);
    const lateEmails = late!.events.filter((e) => e.channel === 'email' && (e.type === 'send' || e.type === 'blocked'));
    expect(lateEmails.length).toBeGreaterThan(0);
    for (const e of lateEmails) {
      if (Date.parse(e.at) > firstBounce) expect([e.type, e.reason]).toEqual(['blocked', 'bounced']);
    }
    expect(lateEmails.some((e) => e.type === 'blocked' && e.reason === 'bounced')).toBe(true);
    // Apart, the same late-stage debt gets its emails.
    const [, alone] = await run([debt('BNC-1', 'P-5', 5), debt('BNC-2', 'P-6', 60)], b);
    expect(alone!.events.some((e) => e.type === 'send' && e.channel === 'email')).toBe(true);
    expect(alone!.events.some((e) => e.reason === 'bounced')).toBe(false);
  });
});
