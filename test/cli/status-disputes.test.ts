/**
 * `settle status` text for a debt with a promise to pay and disputes: the promises (date, how they
 * ended); each dispute with when it was opened, where it stands
 * (open, or resolved / upheld and when) and the reason, with the debtor's words cut to a line.
 */
import { describe, expect, it } from 'vitest';
import { runningStatus } from './helpers.js';
import { formatStatusText } from '../../src/cli/commands/status-format.js';

const status = runningStatus({
  journey: 'late-stage',
  version: 5,
  current: 'dispute-review',
  promises: [
    {
      date: '2026-11-25',
      status: 'broken',
      madeAt: Date.parse('2026-11-23T11:00:00Z'),
      endedAt: Date.parse('2026-11-25T23:00:00Z'),
    },
  ],
  disputes: [
    {
      status: 'resolved',
      reason: 'wrongAmount',
      openedAt: Date.parse('2026-11-27T09:00:00Z'),
      closedAt: Date.parse('2026-11-30T15:00:00Z'),
    },
    {
      status: 'open',
      reason: 'other',
      text: `I never ordered this. ${'x'.repeat(100)}`,
      openedAt: Date.parse('2026-12-02T08:30:00Z'),
    },
  ],
});
const view = status.view;

describe('settle status: disputes', () => {
  it('lists every dispute, oldest first, with its state and reason', () => {
    const text = formatStatusText([status]);
    expect(text).toContain(
      [
        '  disputes',
        '    2026-11-27T09:00:00Z  resolved 2026-11-30T15:00:00Z  wrongAmount',
        `    2026-12-02T08:30:00Z  open                           other: "I never ordered this. ${'x'.repeat(57)}…"`,
      ].join('\n'),
    );
  });

  it('lists the promises to pay: made when, for which date, how they ended', () => {
    expect(formatStatusText([status])).toContain(
      ['  promises to pay', '    2026-11-23T11:00:00Z  by 2026-11-25  broken 2026-11-25T23:00:00Z'].join('\n'),
    );
  });

  it('lists call-backs asked for and the contact preferences set', () => {
    const text = formatStatusText([
      {
        ...status,
        view: {
          ...view,
          callbacks: [{ date: '2026-12-03', slot: 'evening', at: Date.parse('2026-12-02T08:40:00Z') }],
          preferences: { locale: 'nl', channel: 'email' },
        },
      },
    ]);
    expect(text).toContain(
      [
        '  self-service',
        '    2026-12-02T08:40:00Z  call-back    2026-12-03 evening',
        '                          preferences  language nl, prefers email',
      ].join('\n'),
    );
  });

  it('says nothing of disputes when there were none', () => {
    const { disputes: _none, ...quiet } = view;
    expect(formatStatusText([{ ...status, view: quiet }])).not.toContain('disputes');
  });
});
