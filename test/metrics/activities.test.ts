import { describe, expect, it } from 'vitest';
import type { Activities, SendMessageInput } from '../../src/activities/types.js';
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
    reserveContact: async () => ({ action: 'send', at: 0, timezone: 'UTC' }),
    ledgerConsent: async () => undefined,
    loadPlan: async () => {
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
      'settle_messages_sent_total{journey="soft",version="2",step="first",channel="email",variant="none"} 1',
    );
    expect(text).toContain(
      'settle_messages_sent_total{journey="soft",version="2",step="first",channel="sms",variant="none"} 1',
    );
    expect(text).toContain(
      'settle_messages_delivered_total{journey="soft",version="2",step="first",channel="email",variant="none"} 1',
    );
    expect(text).toContain('settle_message_cost_total{journey="soft",channel="sms",currency="EUR"} 0.07');
    expect(text).toContain(
      'settle_journeys_completed_total{journey="soft",version="2",variant="none",outcome="paid"} 1',
    );
    expect(text).toContain('settle_time_to_pay_seconds_count{journey="soft"} 1');
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
    expect(text).toContain('settle_journeys_started_total{journey="soft",version="2"} 2');
    expect(text).toContain('settle_amount_enrolled_total{currency="EUR"} 500');
  });
});
