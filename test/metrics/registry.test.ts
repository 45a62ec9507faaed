import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { contactRuleMetrics, createProcessMetrics } from '../../src/metrics/index.js';

/** Every metric with one series, as a busy process would expose them. */
async function populated(): Promise<string> {
  const pm = createProcessMetrics({
    activeJourneys: async () => 3,
    signals: () => ({ counts: { queued: 2, duplicate: 1 }, depth: 0 }),
  });
  const m = pm.metrics;
  const msg = { journey: 'soft-collection', step: 'first-email', channel: 'email' };
  const ended = { journey: 'soft-collection', version: '1', segment: 'high-risk', variant: 'none' };
  m.journeysStarted.inc({ journey: 'soft-collection', version: '1', segment: 'high-risk' });
  m.journeysCompleted.inc({ ...ended, outcome: 'paid' });
  m.journeysContacted.inc(ended);
  m.rightPartyContacts.inc(ended);
  m.amountRecovered.inc({ ...ended, currency: 'EUR' }, 420.5);
  m.amountWrittenOff.inc({ ...ended, currency: 'EUR' }, 80);
  m.amountEnrolled.inc({ journey: 'soft-collection', version: '1', segment: 'high-risk', currency: 'EUR' }, 420.5);
  m.messagesSent.inc({ ...msg, version: '1', variant: 'none', segment: 'high-risk' });
  m.messagesFailed.inc({ ...msg, version: '1', reason: 'HardBounce' });
  const labelled = { ...msg, version: '1', variant: 'none' };
  m.messagesDelivered.inc(labelled);
  m.messagesBounced.inc({ ...labelled, kind: 'hard' });
  m.messagesOpened.inc({ ...labelled, machine: 'false' });
  m.messagesClicked.inc(labelled);
  m.messageCost.inc({ ...ended, channel: 'sms', currency: 'EUR' }, 0.07);
  m.trackingRepeats.inc({ kind: 'open' });
  m.optOuts.inc({ channel: 'sms' });
  const page = { journey: 'soft-collection', version: '1', variant: 'none' };
  m.landingViews.inc({ ...page, source: 'email' });
  m.payments.inc({ ...page, source: 'email', kind: 'full' });
  m.amountCollected.inc({ ...page, currency: 'EUR' }, 420.5);
  m.reaction.observe({ stage: 'open', journey: 'soft-collection' }, 3600);
  m.timeToPay.observe({ journey: 'soft-collection', segment: 'high-risk' }, 86_400 * 3);
  m.timeToPaySinceContact.observe({ journey: 'soft-collection', segment: 'high-risk' }, 86_400 * 2);
  m.daysPastDueAtPayment.observe({ journey: 'soft-collection', segment: 'high-risk' }, 12 * 86_400);
  const rules = contactRuleMetrics(m);
  rules.deferred({ journey: 'soft-collection', version: 1, step: 'nudge-sms', channel: 'sms', reason: 'quietHours' });
  rules.blocked({ journey: 'soft-collection', version: 1, step: 'nudge-sms', channel: 'sms', reason: 'noConsent' });
  m.webhookErrors.inc({ source: 'stripe', reason: 'refused' });
  return pm.text();
}

describe('the metrics registry', () => {
  it('passes `promtool check metrics` with every metric populated', async () => {
    const text = await populated();
    const r = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(r.error).toBeUndefined();
    expect(`${r.stdout}${r.stderr}`.trim()).toBe('');
    expect(r.status).toBe(0);
  });

  it('defines every metric under the settle_ prefix, without a debt or person label', async () => {
    const text = await populated();
    const names = new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map((x) => x[1]));
    for (const n of [
      'settle_journeys_started_total',
      'settle_journeys_completed_total',
      'settle_journeys_active',
      'settle_amount_enrolled_total',
      'settle_messages_sent_total',
      'settle_messages_failed_total',
      'settle_messages_delivered_total',
      'settle_messages_bounced_total',
      'settle_messages_opened_total',
      'settle_messages_clicked_total',
      'settle_message_cost_total',
      'settle_landing_views_total',
      'settle_payments_total',
      'settle_amount_collected_total',
      'settle_reaction_seconds',
      'settle_time_to_pay_seconds',
      'settle_time_to_pay_since_contact_seconds',
      'settle_payment_past_due_seconds',
      'settle_journeys_contacted_total',
      'settle_right_party_contacts_total',
      'settle_amount_recovered_total',
      'settle_amount_written_off_total',
      'settle_sends_deferred_total',
      'settle_sends_blocked_total',
    ]) {
      expect(names, n).toContain(n);
    }
    const labels = new Set([...text.matchAll(/(\w+)="/g)].map((x) => x[1]));
    for (const bad of ['debt', 'debtId', 'debtor', 'email', 'phone', 'workflowId', 'messageId', 'key'])
      expect(labels).not.toContain(bad);
    expect(text).toContain('settle_journeys_active 3');
    expect(text).toContain(
      'settle_sends_deferred_total{journey="soft-collection",version="1",step="nudge-sms",channel="sms",reason="quietHours"} 1',
    );
  });

  it('keeps one registry per process: two processes in one test do not share counters', async () => {
    const a = createProcessMetrics();
    const b = createProcessMetrics();
    a.metrics.optOuts.inc({ channel: 'sms' });
    expect(await a.text()).toContain('settle_opt_outs_total{channel="sms"} 1');
    expect(await b.text()).not.toContain('settle_opt_outs_total{channel="sms"}');
  });
});
