/**
 * One debtor, several debts: `settle simulate` runs a debtor's debts together on one clock with one
 * contact ledger, so an SMS STOP heard by one journey blocks the SMS the debtor's other journey
 * sends later (`optedOut`), as the debtor's ledger workflow makes it in production.
 */
import { describe, expect, it } from 'vitest';
import type { EnrollmentData } from '../../src/ir/index.js';
import { debtOf, scriptedBehaviour, simulateTogether } from './support.js';

const START = Date.parse('2026-11-23T07:30:00Z');

/** Every message delivered; each SMS of soft-collection answered STOP a minute later; nothing else. */
const BEHAVIOUR = scriptedBehaviour(
  'stop',
  `    - match: { journey: soft-collection }
      sms: { optedOut: { p: 1, after: 1m } }
`,
);

const debt = (debtId: string, debtorId: string, daysPastDue: number) => debtOf(debtId, debtorId, daysPastDue, START);
const run = (records: EnrollmentData[]) => simulateTogether(records, BEHAVIOUR, START);

describe('simulate: one debtor, several debts', () => {
  it('an SMS STOP on one debt blocks the later SMS of the same debtor’s other debt (optedOut)', async () => {
    const apart = await run([debt('SC-1', 'D-1', 5), debt('LS-1', 'D-2', 60)]);
    const together = await run([debt('SC-1', 'D-1', 5), debt('LS-1', 'D-1', 60)]);
    const sms = (events: { step: string; type: string; channel?: string; reason?: string }[]) =>
      events.filter((e) => e.channel === 'sms' && e.type !== 'event').map((e) => [e.step, e.type, e.reason ?? null]);
    expect(apart.map((d) => d.journey)).toEqual(['soft-collection', 'late-stage']);
    // The STOP comes on the first SMS of the soft-collection debt (24 November)…
    expect(sms(apart[0]!.events)).toEqual([
      ['nudge-sms', 'send', null],
      ['reminder-sms', 'blocked', 'optedOut'],
    ]);
    // …the late-stage debt of another debtor sends its SMS from 28 November (the final notice's
    // SMS an hour after its email: the policy's minGap)…
    expect(sms(apart[1]!.events)).toEqual([
      ['formal-sms', 'deferred', 'outsideWindow'],
      ['formal-sms', 'send', null],
      ['final-notice-sms', 'deferred', 'minGap'],
      ['final-notice-sms', 'send', null],
    ]);
    // …and of the same debtor, it is blocked: the debtor opted out. The first debt is unchanged
    // (caps are per debt; it heard the STOP itself).
    expect(together[0]!.events).toEqual(apart[0]!.events);
    expect(sms(together[1]!.events)).toEqual([
      ['formal-sms', 'blocked', 'optedOut'],
      ['final-notice-sms', 'blocked', 'optedOut'],
    ]);
  });
});
