/**
 * The debtor's contact ledger across their debts: a debtor-scoped cap and the minimum gap count
 * the contacts every debt booked, a debt-scoped cap only the asking debt's; a hard-bounced
 * address is refused for every debt of the debtor until the address changes, and the bounce
 * survives continue-as-new (the snapshot).
 */
import { describe, expect, it } from 'vitest';
import { BOUNCE_KEEP_MS, ContactLedger, type ReserveRequest } from '../../src/core/policy/ledger.js';
import type { PlanPolicy } from '../../src/ir/index.js';
import { at, everyDay, HOUR, MIN, policy } from './policy-fixtures.js';

const T0 = at('2026-03-16T09:00:00Z'); // Mon 10:00 Paris

let n = 0;
function req(debtId: string, over: Partial<ReserveRequest> & { policy: PlanPolicy }): ReserveRequest {
  return {
    requestId: `settle/${debtId}/j/step#${++n}`,
    debtId,
    workflowId: `settle/${debtId}/j`,
    channel: 'email',
    requestedAt: T0,
    timezone: 'Europe/Paris',
    consent: { email: true, sms: true },
    optedOut: [],
    ...over,
  };
}

describe('ContactLedger across a debtor’s debts', () => {
  const open = { windows: everyDay(0, 1440) };

  it('the minimum gap holds across debts; a debt-scoped cap does not see the other debt', () => {
    const l = new ContactLedger();
    const gap = policy({ ...open, minGapMs: HOUR });
    expect(l.reserve(req('gas', { policy: gap })).decision).toMatchObject({ action: 'send', at: T0 });
    const second = l.reserve(req('electricity', { policy: gap, channel: 'sms' })).decision;
    expect(second).toMatchObject({ action: 'defer', reason: 'minGap', until: T0 + HOUR });

    const perDebt = policy({
      ...open,
      frequencyCaps: [{ channels: ['email', 'sms'], max: 1, perMs: HOUR, onExceed: 'defer' }],
    });
    expect(l.reserve(req('electricity', { policy: perDebt, requestedAt: T0 + MIN })).decision).toMatchObject({
      action: 'send',
      at: T0 + MIN,
    });
    const perDebtor = policy({
      ...open,
      frequencyCaps: [{ channels: ['email'], max: 2, perMs: HOUR, onExceed: 'skip', scope: 'debtor' }],
    });
    // Two emails booked (one per debt) within the hour: a third debt's email is over the debtor-wide cap.
    expect(l.reserve(req('water', { policy: perDebtor, requestedAt: T0 + 2 * MIN })).decision).toMatchObject({
      action: 'skip',
      reason: 'frequencyCap',
    });
  });

  it('a hard bounce of an address holds for every debt of the debtor, until the address changes', () => {
    const l = new ContactLedger();
    const p = policy(open);
    expect(l.bounce({ channel: 'email', contactKey: 'k-old', debtId: 'gas', at: T0 })).toBe(true);
    expect(l.bounce({ channel: 'email', contactKey: 'k-old', debtId: 'electricity', at: T0 + 1 })).toBe(false);

    const other = l.reserve(req('electricity', { policy: p, contactKey: 'k-old' })).decision;
    expect(other).toEqual({
      action: 'skip',
      reason: 'bounced',
      detail:
        "the debtor's email address hard-bounced (a message of debt gas on 2026-03-16); no send until the address changes",
    });
    expect(l.reserve(req('gas', { policy: p, contactKey: 'k-old' })).decision).toMatchObject({
      reason: 'bounced',
      detail: expect.stringContaining('a message of this debt'),
    });
    // Another address (a new key), another channel, or a caller without a key: not refused.
    expect(l.reserve(req('electricity', { policy: p, contactKey: 'k-new' })).decision.action).toBe('send');
    expect(
      l.reserve(req('electricity', { policy: p, channel: 'sms', contactKey: 'k-old', requestedAt: T0 + HOUR })).decision
        .action,
    ).toBe('send');
    expect(l.reserve(req('water', { policy: p, requestedAt: T0 + 2 * HOUR })).decision.action).toBe('send');
    expect(l.history().map((c) => c.debtId)).toEqual(['electricity', 'electricity', 'water']);
  });

  it('a bounced message no longer counts: the minimum gap lets the next message go at once', () => {
    const l = new ContactLedger();
    const gap = policy({ ...open, minGapMs: HOUR });
    const first = l.reserve(req('gas', { policy: gap, contactKey: 'k-mail' })).decision;
    expect(first).toMatchObject({ action: 'send', at: T0 });
    expect(l.reserve(req('gas', { policy: gap, channel: 'sms', requestedAt: T0 + MIN })).decision).toMatchObject({
      action: 'defer',
      reason: 'minGap',
    });
    l.bounce({
      channel: 'email',
      contactKey: 'k-mail',
      debtId: 'gas',
      at: T0 + MIN,
      message: { workflowId: 'settle/gas/j', at: T0 },
    });
    expect(l.history()).toEqual([]);
    expect(
      l.reserve(req('electricity', { policy: gap, channel: 'sms', requestedAt: T0 + MIN })).decision,
    ).toMatchObject({
      action: 'send',
      at: T0 + MIN,
    });
    expect(l.bounces()).toEqual([{ channel: 'email', contactKey: 'k-mail', debtId: 'gas', at: T0 + MIN }]);
  });

  it('keeps bounces across a snapshot and forgets them after the retention, closing the ledger', () => {
    const l = new ContactLedger();
    l.bounce({ channel: 'sms', contactKey: 'k-phone', debtId: 'gas', at: T0 });
    const copy = ContactLedger.from(JSON.parse(JSON.stringify(l.snapshot())));
    expect(copy.bounces()).toEqual([{ channel: 'sms', contactKey: 'k-phone', debtId: 'gas', at: T0 }]);
    const p = policy(open);
    expect(
      copy.reserve(req('electricity', { policy: p, channel: 'sms', contactKey: 'k-phone' })).decision,
    ).toMatchObject({
      reason: 'bounced',
    });
    expect(copy.prune(T0 + BOUNCE_KEEP_MS - 1)).toBe(false);
    expect(copy.prune(T0 + BOUNCE_KEEP_MS)).toBe(true);
    // A ledger without bounces snapshots as before (no `bounced` field).
    expect(new ContactLedger().snapshot()).toEqual({ contacts: {}, optedOut: [], decisions: [] });
  });
});
