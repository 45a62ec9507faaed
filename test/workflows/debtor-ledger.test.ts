/**
 * The debtor, not only the debt, on the real time-skipping server with real SMTP and the SMS sink:
 * two debts of one person (a gas and an electricity invoice, one debtor ledger) under a
 * debtor-wide cap and a minimum gap never get two messages within the gap, nor more than the cap
 * allows across both; an email address that hard-bounced (SMTP 550) for one debt is not tried
 * again for the other debt, which takes its onBlocked route (`bounced`), until the address changes.
 */
import type { WorkflowHandle } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import type { EnrollmentData, JourneyPlan } from '../../src/ir/index.js';
import { ledgerQuery, ledgerWorkflowId, stateQuery } from '../../src/workflows/definitions.js';
import type { JourneyStateView } from '../../src/workflows/types.js';
import { startOnRig, useTimeSkippingRig } from '../support/journey-worker.js';
import { exampleRecord } from '../support/journeys.js';
import { quietTemporalRuntime } from '../support/temporal.js';
import { journeyPlan, policyFile } from '../support/journey-yaml.js';

quietTemporalRuntime();

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const POLICY = policyFile(
  'one-person',
  `  timezoneFallback: Europe/Paris
  sendWindow: { from: "08:00", to: "21:00", days: [mon, tue, wed, thu, fri, sat] }
  frequencyCaps:
    - { channels: [email, sms], max: 3, per: 1d, scope: debtor }
  minGap: 1h
  consent: { sms: required, email: assumed }
`,
);

function journey(name: string, steps: string): JourneyPlan {
  return journeyPlan({ name, policy: 'one-person', goal: 'paid', steps }, [POLICY]);
}

/** Delivery attempts to the address that no longer exists (the SMTP sink refuses it with 550). */
let attemptsToGone = 0;
const t = useTimeSkippingRig({
  rejectEmail: (rcpt) => {
    if (!rcpt.startsWith('gone')) return undefined;
    attemptsToGone += 1;
    return { code: 550, message: '5.1.1 no such mailbox' };
  },
});

function debt(debtId: string, changes: Partial<EnrollmentData['debtor']> = {}): EnrollmentData {
  const r = exampleRecord('anna-rossi');
  return { ...r, debtId, debtor: { ...r.debtor, ...changes } };
}

const start = (
  plan: JourneyPlan,
  e: EnrollmentData,
  enrolledAt: number,
  debtorKey: string,
  contactKeys: string[] = [],
) => startOnRig(t, `settle/${e.debtId}`, plan, e, { debtorKey, contactKeys, enrolledAt });

async function finish(...handles: WorkflowHandle[]): Promise<JourneyStateView[]> {
  const views: JourneyStateView[] = [];
  for (const h of handles) {
    await h.result();
    views.push(await h.query(stateQuery));
  }
  return views;
}

describe('one debtor, several debts, on the time-skipping server', () => {
  it('two debts under a debtor-wide cap and minGap: never two messages within the hour, at most 3 a day across both', async () => {
    const plan = journey(
      'invoice-reminders',
      `    - { id: first-email, type: send, channel: email, template: overdue-friendly, paymentLink: true }
    - { id: pause, type: wait, duration: 10m }
    - { id: nudge-sms, type: send, channel: sms, template: overdue-nudge-sms, paymentLink: true }
    - { id: done, type: exit, outcome: unresolved }
`,
    );
    // Monday 23 November 2026, 09:00 in Paris: both debts start at the same instant.
    const at = Date.parse('2026-11-23T08:00:00Z');
    const gas = await start(plan, debt('DW-GAS'), at, 'debtor-dw');
    const power = await start(plan, debt('DW-POWER'), at, 'debtor-dw');
    const [g, p] = await finish(gas, power);

    const sends = [...g!.sends, ...p!.sends].filter((s) => s.status === 'sent').sort((a, b) => a.at - b.at);
    expect(sends).toHaveLength(4);
    for (let i = 1; i < sends.length; i++) expect(sends[i]!.at - sends[i - 1]!.at).toBeGreaterThanOrEqual(HOUR);
    for (const s of sends) expect(sends.filter((x) => x.at > s.at - DAY && x.at <= s.at).length).toBeLessThanOrEqual(3);
    // Three the first day (09:00, 10:00, 11:00 Paris), the fourth a day after the first.
    expect(sends.map((s) => new Date(s.at).toISOString().slice(0, 16))).toEqual([
      '2026-11-23T08:00',
      '2026-11-23T09:00',
      '2026-11-23T10:00',
      '2026-11-24T08:00',
    ]);
    const deferrals = [...g!.audit, ...p!.audit].filter((a) => a.kind === 'deferred').map((a) => a.message);
    expect(
      deferrals.some((m) =>
        m.includes('debtor-wide minimum gap of 1h between two messages to the debtor (all debts, any channel)'),
      ),
    ).toBe(true);
    expect(deferrals.some((m) => m.includes('frequency cap email+SMS ≤ 3 per 1d (debtor-wide) reached'))).toBe(true);
    // The reasons reach the metrics as labels.
    const reasons = new Set(
      t.rig.contactRules.filter((c) => c.labels.journey === 'invoice-reminders').map((c) => c.labels.reason),
    );
    expect(reasons).toEqual(new Set(['minGap', 'frequencyCap']));
    // The debtor's ledger holds the contacts of both debts.
    const ledger = await t.env.client.workflow.getHandle(ledgerWorkflowId('debtor-dw')).query(ledgerQuery);
    expect(ledger.contacts.map((c) => c.debtId).sort()).toEqual(['DW-GAS', 'DW-GAS', 'DW-POWER', 'DW-POWER']);
  }, 180_000);

  it('an address that hard-bounced for one debt is not tried for the other debt, until the address changes', async () => {
    const plan = journey(
      'bounce-aware',
      `    - { id: first-email, type: send, channel: email, template: overdue-friendly, paymentLink: true, onFailure: failed, onBlocked: blocked }
    - { id: sent, type: exit, outcome: unresolved }
    - { id: failed, type: exit, outcome: bounced }
    - { id: blocked, type: exit, outcome: blocked }
`,
    );
    const at = Date.parse('2026-11-24T09:00:00Z'); // Tuesday 10:00 Paris
    const keys = ['key-of-gone-address', 'key-of-phone'];
    const first = await start(plan, debt('BO-1', { email: 'gone@example.com' }), at, 'debtor-bo', keys);
    const [one] = await finish(first);
    expect(one!.outcome).toBe('bounced');
    expect(one!.sends[0]).toMatchObject({ status: 'failed', reason: 'hardBounce' });

    const ledger = t.env.client.workflow.getHandle(ledgerWorkflowId('debtor-bo'));
    expect((await ledger.query(ledgerQuery)).bounced).toEqual([
      { channel: 'email', contactKey: 'key-of-gone-address', debtId: 'BO-1', at: expect.any(Number) },
    ]);
    // The bounced email never reached the person: it is not a contact any more.
    expect((await ledger.query(ledgerQuery)).contacts).toEqual([]);

    // The debtor's other debt, same address: blocked without a send attempt.
    const second = await start(plan, debt('BO-2', { email: 'gone@example.com' }), at + HOUR, 'debtor-bo', keys);
    const [two] = await finish(second);
    expect(two!.outcome).toBe('blocked');
    expect(two!.sends[0]).toMatchObject({ status: 'blocked', reason: 'bounced' });
    expect(two!.audit.find((a) => a.kind === 'blocked')?.message).toBe(
      "Email of step first-email skipped: the debtor's email address hard-bounced (a message of debt BO-1 on 2026-11-24); no send until the address changes",
    );
    // One attempt in all: the first debt's (a hard bounce is not retried, the second debt never tried).
    expect(attemptsToGone).toBe(1);

    // A new address (a new keyed hash) goes out again.
    const third = await start(plan, debt('BO-3', { email: 'new@example.com' }), at + 2 * HOUR, 'debtor-bo', [
      'key-of-new-address',
      'key-of-phone',
    ]);
    const [three] = await finish(third);
    expect(three!.outcome).toBe('unresolved');
    expect(three!.sends[0]).toMatchObject({ status: 'sent' });
  }, 180_000);
});
