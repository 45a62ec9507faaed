/**
 * The text of `settle status --debtor ID`: each debt with its journey, state and step, then the
 * debtor's contact ledger once (contacts of every debt with the journey that booked them,
 * opt-outs, hard-bounced addresses). The command itself runs against a dev server in
 * test/enrollment/temporal.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { formatDebtorText, type DebtorStatus } from '../../src/cli/commands/status-debtor.js';
import { formatStatusText } from '../../src/cli/commands/status-format.js';

const T = Date.parse('2026-11-23T08:00:00Z');

describe('settle status --debtor (text)', () => {
  it('lists every debt, then the ledger of the person', () => {
    const s: DebtorStatus = {
      debtor: 'C-1',
      debts: [
        {
          debtId: 'GAS-1',
          journeys: [
            {
              workflowId: 'settle/GAS-1',
              journey: 'soft-collection',
              version: 2,
              status: 'running',
              startedAt: new Date(T).toISOString(),
              taskQueue: 'q',
              waitingAt: 'watch-first-email',
              noView: 'no worker is polling task queue q',
            },
          ],
        },
        {
          debtId: 'POWER-1',
          journeys: [
            {
              workflowId: 'settle/POWER-1',
              journey: 'late-stage',
              version: 1,
              status: 'completed',
              startedAt: new Date(T).toISOString(),
              closedAt: new Date(T + 86_400_000).toISOString(),
              taskQueue: 'q',
              result: { outcome: 'paid' } as NonNullable<DebtorStatus['debts'][number]['journeys'][number]['result']>,
            },
          ],
        },
      ],
      ledger: {
        contacts: [
          { debtId: 'GAS-1', workflowId: 'settle/GAS-1', channel: 'email', at: T },
          { debtId: 'POWER-1', workflowId: 'settle/POWER-1', channel: 'sms', at: T + 3_600_000 },
        ],
        optedOut: ['sms'],
        bounced: [{ channel: 'email', contactKey: 'k', debtId: 'POWER-1', at: T + 7_200_000 }],
      },
    };
    expect(formatDebtorText(s)).toBe(
      [
        'debtor C-1: 2 debts',
        '',
        'debt GAS-1',
        '  soft-collection v2  running  settle/GAS-1',
        '    started       2026-11-23T08:00:00Z',
        '    current step  watch-first-email',
        '    (no worker is polling task queue q)',
        '',
        'debt POWER-1',
        '  late-stage v1  completed (paid)  settle/POWER-1',
        '    started  2026-11-23T08:00:00Z',
        '    ended    2026-11-24T08:00:00Z',
        '',
        'contact ledger of the debtor (every debt, every journey)',
        '  opted out  sms',
        '  bounced    email (debt POWER-1, 2026-11-23T10:00:00Z)',
        '  contacts',
        '    2026-11-23T08:00:00Z  email  GAS-1    soft-collection',
        '    2026-11-23T09:00:00Z  sms    POWER-1  late-stage',
        '',
      ].join('\n'),
    );
  });

  it('says when the ledger could not be read', () => {
    expect(formatDebtorText({ debtor: 'C-2', debts: [] })).toBe(
      'debtor C-2: 0 debts\n\ncontact ledger of the debtor: none (nothing sent yet, or no worker answered)\n',
    );
  });

  it('settle status DEBT_ID shows the debtor-wide bounces in its ledger block, when there are any', () => {
    const base = {
      workflowId: 'settle/GAS-1',
      journey: 'soft-collection',
      status: 'running',
      startedAt: new Date(T).toISOString(),
      taskQueue: 'q',
    };
    const ledger = { contacts: [], optedOut: [] };
    expect(formatStatusText([{ ...base, ledger }])).toContain(
      'contact ledger (every journey of the debtor)\n  opted out  none\n  contacts of this debt  none',
    );
    const bounced = [{ channel: 'sms' as const, contactKey: 'k', debtId: 'POWER-1', at: T }];
    expect(formatStatusText([{ ...base, ledger: { ...ledger, bounced } }])).toContain(
      'contact ledger (every journey of the debtor)\n  opted out  none\n  bounced    sms (debt POWER-1, 2026-11-23T08:00:00Z)\n',
    );
  });
});
