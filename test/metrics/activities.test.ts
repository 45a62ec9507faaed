import { describe, expect, it } from 'vitest';
import type { Activities, SendMessageInput } from '../../src/workflows/contract.js';
import { createProcessMetrics, instrumentActivities } from '../../src/metrics/index.js';

const input = (channel: 'email' | 'sms', key: string) =>
  ({
    key,
    workflowId: 'settle/D1/soft',
    journey: 'soft',
    version: 2,
    step: 'first',
    channel,
  }) as unknown as SendMessageInput;

function fakeActivities(): Activities {
  const sms = new Set<string>();
  return {
    sendEmail: async (i) => ({ messageId: i.key, locale: 'en' }),
    sendSms: async (i) => {
      const duplicate = sms.has(i.key);
      sms.add(i.key);
      return { messageId: i.key, locale: 'en', cost: 0.07, costCurrency: 'EUR', ...(duplicate && { duplicate }) };
    },
    createPaymentLink: async () => ({ url: 'https://pay.example.test/p/x' }),
    callWebhook: async () => ({ status: 202 }),
    journeyStarted: async () => undefined,
    recordOutcome: async () => undefined,
    recordPromise: async () => undefined,
    recordDispute: async () => undefined,
    reserveContact: async () => ({ action: 'send', at: 0, timezone: 'UTC' }),
    ledgerConsent: async () => undefined,
    ledgerBounce: async () => undefined,
    loadPlan: async () => {
      throw new Error('not used');
    },
    routeDebt: async () => {
      throw new Error('not used');
    },
  };
}

describe('activity metrics (unit: the retry paths without Temporal)', () => {
  it('counts a send once per idempotency key, whatever the retries report', async () => {
    const pm = createProcessMetrics();
    const a = instrumentActivities(fakeActivities(), pm.metrics);
    await a.sendEmail(input('email', 'settle/D1/soft/first/1'));
    await a.sendEmail(input('email', 'settle/D1/soft/first/1')); // a retry resends the same email
    await a.sendSms(input('sms', 'settle/D1/soft/nudge/1'));
    await a.sendSms(input('sms', 'settle/D1/soft/nudge/1')); // duplicate: true
    const outcome = {
      workflowId: 'settle/D1/soft',
      journey: 'soft',
      version: 2,
      debtId: 'D1',
      outcome: 'paid',
      amountDue: 10,
      currency: 'EUR',
      startedAt: 0,
      endedAt: 86_400_000,
    };
    await a.recordOutcome(outcome);
    await a.recordOutcome(outcome);
    const text = await pm.text();
    expect(text).toContain(
      'settle_messages_sent_total{journey="soft",version="2",step="first",channel="email",variant="none",segment="none"} 1',
    );
    expect(text).toContain(
      'settle_messages_sent_total{journey="soft",version="2",step="first",channel="sms",variant="none",segment="none"} 1',
    );
    expect(text).toContain(
      'settle_messages_delivered_total{journey="soft",version="2",step="first",channel="email",variant="none"} 1',
    );
    expect(text).toContain(
      'settle_message_cost_total{journey="soft",version="2",segment="none",variant="none",channel="sms",currency="EUR"} 0.07',
    );
    expect(text).toContain(
      'settle_journeys_completed_total{journey="soft",version="2",segment="none",variant="none",outcome="paid"} 1',
    );
    expect(text).toContain('settle_time_to_pay_seconds_count{journey="soft",segment="none"} 1');
    // No facts (an older interpreter): the whole amount counts as recovered, nothing else is known.
    expect(text).toContain(
      'settle_amount_recovered_total{journey="soft",version="2",segment="none",variant="none",currency="EUR"} 10',
    );
    expect(text).not.toContain('settle_payment_past_due_seconds_count{');
    expect(text).not.toContain('settle_journeys_contacted_total{');
  });

  it('counts a journey start once per journey run, however often the activity is retried', async () => {
    const pm = createProcessMetrics();
    const a = instrumentActivities(fakeActivities(), pm.metrics);
    const started = {
      workflowId: 'settle/D1/soft',
      journey: 'soft',
      version: 2,
      amountDue: 420.5,
      currency: 'EUR',
      startedAt: 1_000,
    };
    await a.journeyStarted(started);
    await a.journeyStarted(started); // a retry after the first attempt's result was lost
    await a.journeyStarted({ ...started, workflowId: 'settle/D2/soft', amountDue: 79.5 });
    const text = await pm.text();
    expect(text).toContain('settle_journeys_started_total{journey="soft",version="2",segment="none"} 2');
    expect(text).toContain(
      'settle_amount_enrolled_total{journey="soft",version="2",segment="none",currency="EUR"} 500',
    );
  });

  it('labels the business figures with the segment and counts money, RPC and days past due at the end', async () => {
    const pm = createProcessMetrics();
    const a = instrumentActivities(fakeActivities(), pm.metrics);
    const DAY = 86_400_000;
    const due = Date.UTC(2026, 2, 1);
    await a.journeyStarted({
      workflowId: 'settle/D1/soft',
      journey: 'soft',
      version: 2,
      amountDue: 200,
      currency: 'EUR',
      startedAt: due,
      segment: 'high-risk',
    });
    await a.sendSms({
      ...input('sms', 'settle/D1/soft/nudge/1'),
      segment: 'high-risk',
      variant: 'b',
    } as SendMessageInput);
    const base = {
      journey: 'soft',
      version: 2,
      currency: 'EUR',
      segment: 'high-risk',
      variant: 'b',
      dueDate: '2026-03-01',
    };
    // Paid 10.5 days past due, 4 days after the first message; the debtor clicked.
    await a.recordOutcome({
      ...base,
      workflowId: 'settle/D1/soft',
      debtId: 'D1',
      outcome: 'paid',
      amountDue: 200,
      startedAt: due,
      endedAt: due + 10.5 * DAY,
      firstContactAt: due + 6.5 * DAY,
      contacted: true,
      rightParty: true,
    });
    // Contacted, never heard from, handed to an agent: 300 written off.
    await a.recordOutcome({
      ...base,
      workflowId: 'settle/D2/soft',
      debtId: 'D2',
      outcome: 'handedToAgent',
      amountDue: 300,
      startedAt: due,
      endedAt: due + 30 * DAY,
      firstContactAt: due,
      contacted: true,
      rightParty: false,
    });
    // Partly paid (the interpreter reports amountPaid), then ended: the rest is written off.
    await a.recordOutcome({
      ...base,
      workflowId: 'settle/D3/soft',
      debtId: 'D3',
      outcome: 'expired',
      amountDue: 100,
      amountPaid: 40,
      startedAt: due,
      endedAt: due + 40 * DAY,
      contacted: false,
      // A segment name that is not label-shaped is no label.
      segment: 'no such {segment}',
    } as Parameters<typeof a.recordOutcome>[0]);
    const text = await pm.text();
    const L = 'journey="soft",version="2",segment="high-risk",variant="b"';
    expect(text).toContain(`settle_journeys_started_total{journey="soft",version="2",segment="high-risk"} 1`);
    expect(text).toContain(
      `settle_amount_enrolled_total{journey="soft",version="2",segment="high-risk",currency="EUR"} 200`,
    );
    expect(text).toContain(
      `settle_messages_sent_total{journey="soft",version="2",step="first",channel="sms",variant="b",segment="high-risk"} 1`,
    );
    expect(text).toContain(`settle_message_cost_total{${L},channel="sms",currency="EUR"} 0.07`);
    expect(text).toContain(`settle_journeys_contacted_total{${L}} 2`);
    expect(text).toContain(`settle_right_party_contacts_total{${L}} 1`);
    expect(text).toContain(`settle_amount_recovered_total{${L},currency="EUR"} 200`);
    expect(text).toContain(`settle_amount_written_off_total{${L},currency="EUR"} 300`);
    const N = 'journey="soft",version="2",segment="none",variant="b"';
    expect(text).toContain(`settle_amount_recovered_total{${N},currency="EUR"} 40`);
    expect(text).toContain(`settle_amount_written_off_total{${N},currency="EUR"} 60`);
    expect(text).not.toContain(`settle_journeys_contacted_total{${N}}`);
    // 10.5 days past due: in the 14-day bucket, not the 7-day one.
    expect(text).toContain('settle_payment_past_due_seconds_bucket{le="604800",journey="soft",segment="high-risk"} 0');
    expect(text).toContain('settle_payment_past_due_seconds_bucket{le="1209600",journey="soft",segment="high-risk"} 1');
    expect(text).toContain('settle_payment_past_due_seconds_sum{journey="soft",segment="high-risk"} 907200');
    expect(text).toContain('settle_time_to_pay_since_contact_seconds_sum{journey="soft",segment="high-risk"} 345600');
    expect(text).toContain('settle_time_to_pay_seconds_sum{journey="soft",segment="high-risk"} 907200');
  });
});

describe('promises to pay (recordPromise)', () => {
  it('counts a kept or broken promise once per journey and date, whatever the retries', async () => {
    const pm = createProcessMetrics();
    const a = instrumentActivities(fakeActivities(), pm.metrics);
    const kept = { workflowId: 'settle/D1', journey: 'soft', version: 2, result: 'kept' as const, date: '2026-12-01' };
    await a.recordPromise(kept);
    await a.recordPromise(kept); // a retried activity
    await a.recordPromise({ ...kept, workflowId: 'settle/D2', result: 'broken' });
    const text = await pm.text();
    expect(text).toContain('settle_promises_total{journey="soft",version="2",result="kept"} 1');
    expect(text).toContain('settle_promises_total{journey="soft",version="2",result="broken"} 1');
  });
});

describe('disputes closed (recordDispute)', () => {
  it('counts a resolved or upheld dispute once per journey and dispute, whatever the retries', async () => {
    const pm = createProcessMetrics();
    const a = instrumentActivities(fakeActivities(), pm.metrics);
    const resolved = { workflowId: 'settle/D1', journey: 'late', version: 5, result: 'resolved' as const, openedAt: 1 };
    await a.recordDispute(resolved);
    await a.recordDispute(resolved); // a retried activity
    await a.recordDispute({ ...resolved, openedAt: 2, result: 'upheld' });
    const text = await pm.text();
    expect(text).toContain('settle_disputes_closed_total{journey="late",version="5",result="resolved"} 1');
    expect(text).toContain('settle_disputes_closed_total{journey="late",version="5",result="upheld"} 1');
  });
});
