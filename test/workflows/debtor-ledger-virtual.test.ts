/**
 * The debtor's ledger hears what a journey learns from a send itself, on the virtual runtime (the
 * interpreter of production with an in-memory ledger book shared by a debtor's debts): a provider
 * refusing an SMS because the person opted out stops SMS for the debtor's other debt, and an email
 * refused for good (hard bounce) is not tried again for the other debt nor counted against the gap.
 */
import { describe, expect, it } from 'vitest';
import { LedgerBook } from '../../src/core/policy/index.js';
import { FAILURE } from '../../src/ir/index.js';
import { VirtualActivityFailure } from '../../src/simulate/virtual-port.js';
import { exampleRecord } from '../support/journeys.js';
import { HOUR, runPlan, START } from './harness.js';
import { exit, journeyPlan, policyFile, send } from '../support/journey-yaml.js';

const POLICY = policyFile(
  'person',
  `  timezoneFallback: Europe/Paris
  sendWindow: { from: "00:00", to: "24:00", days: [sun, mon, tue, wed, thu, fri, sat] }
  minGap: 1h
  consent: { sms: assumed, email: assumed }
`,
);

const plan = journeyPlan(
  {
    name: 'one-sms-one-email',
    policy: 'person',
    steps: [
      send('text', 'sms', 'overdue-nudge-sms'),
      send('mail', 'email', 'overdue-friendly'),
      exit('done', 'unresolved'),
    ],
  },
  [POLICY],
);

const record = (debtId: string) => ({ ...exampleRecord('anna-rossi'), debtId });

describe('what a send teaches the debtor ledger', () => {
  it("a provider's opt-out refusal stops SMS for the person's other debt", async () => {
    const ledgers = new LedgerBook();
    const first = await runPlan(plan, record('PO-1'), {
      ledgers,
      debtorKey: 'person',
      fail: { sendSms: () => new VirtualActivityFailure(FAILURE.optedOut, 'the number opted out (21610)') },
    });
    expect(first.state.sends[0]).toMatchObject({ step: 'text', status: 'blocked', reason: 'optedOut' });
    expect(ledgers.get('person').isOptedOut('sms')).toBe(true);
    const second = await runPlan(plan, record('PO-2'), { ledgers, debtorKey: 'person', start: START + 2 * HOUR });
    expect(second.state.sends[0]).toMatchObject({ step: 'text', status: 'blocked', reason: 'optedOut' });
    expect(second.calls.filter((c) => c.name === 'sendSms')).toEqual([]);
    // Another person is not concerned.
    const other = await runPlan(plan, record('PO-3'), { ledgers, debtorKey: 'someone-else' });
    expect(other.state.sends[0]).toMatchObject({ step: 'text', status: 'sent' });
  });

  it('a hard-bounced email is no contact of the person any more (no cap or gap counts it)', async () => {
    const ledgers = new LedgerBook();
    const bounced = await runPlan(plan, record('HB-1'), {
      ledgers,
      debtorKey: 'person',
      fail: { sendEmail: () => new VirtualActivityFailure(FAILURE.hardBounce, '550 no such mailbox') },
    });
    expect(bounced.state.sends.map((s) => [s.step, s.status])).toEqual([
      ['text', 'sent'],
      ['mail', 'failed'],
    ]);
    // The SMS at START is a contact; the bounced email (booked an hour later, after the gap) is not.
    expect(
      ledgers
        .get('person')
        .history()
        .map((c) => [c.channel, c.at - START]),
    ).toEqual([['sms', 0]]);
  });
});
