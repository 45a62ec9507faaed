/**
 * The server's engagement metrics carry the journey version and A/B variant of the message: from
 * the signed link (opens, clicks, views) or the Stripe metadata (payments); links signed before
 * tokens carried them count under version="unknown", variant="none".
 */
import { describe, expect, it } from 'vitest';
import { createProcessMetrics, createServerMetrics } from '../../src/metrics/index.js';
import type { DispatchResult, JourneySignal, SignalDispatcher } from '../../src/server/signals.js';

const WF = 'settle/D-1/soft';
const KEY = `${WF}/email-b/1`;
const at = new Date(0).toISOString();

function inner(): SignalDispatcher {
  const seen = new Set<string>();
  return {
    dispatch(workflowId, signal): DispatchResult {
      if (signal.kind !== 'engagement') return 'queued';
      const k = `${workflowId}\u0000${signal.signal.eventId}`;
      if (seen.has(k)) return 'duplicate';
      seen.add(k);
      return 'queued';
    },
    dispatchToContact: () => 'queued',
    depth: () => 0,
    flush: async () => undefined,
  };
}

describe('server metrics labels', () => {
  it('label opens, clicks, views and payments with the version and variant of their message', async () => {
    const pm = createProcessMetrics();
    const sm = createServerMetrics(pm.metrics);
    const d = sm.dispatcher(inner());
    const tags = { machine: false, channel: 'email', workflowId: WF, messageKey: KEY, result: 'queued' as const };
    sm.hits.onHit('open', { ...tags, version: '2', variant: 'bold' });
    sm.hits.onHit('click', { ...tags, version: '2', variant: 'bold' });
    sm.hits.onHit('open', { ...tags, messageKey: `${WF}/first-email/1` }); // an older link
    sm.hits.onHit('open', { ...tags, version: '2', variant: 'x"} 1\nevil' }); // not label-shaped
    const visit: JourneySignal = {
      kind: 'engagement',
      signal: { eventId: 'v1', type: 'visited', messageId: KEY, at, data: { source: 'email' } },
      labels: { version: '2', variant: 'bold' },
    };
    d.dispatch(WF, visit);
    d.dispatch(WF, visit); // a repeat counts once
    d.dispatch(WF, {
      kind: 'engagement',
      signal: {
        eventId: 'stripe:pi_1',
        type: 'paid',
        messageId: KEY,
        at,
        data: { amount: 10, currency: 'EUR', source: 'email' },
      },
      labels: { version: '2', variant: 'bold' },
    });
    d.dispatch(WF, {
      kind: 'engagement',
      signal: { eventId: 'stripe:pi_2', type: 'paid', at, data: { source: 'sms' } },
    });
    const text = await pm.text();
    const j = 'journey="soft",version="2"';
    expect(text).toContain(
      `settle_messages_opened_total{${j},step="email-b",channel="email",variant="bold",machine="false"} 1`,
    );
    expect(text).toContain(`settle_messages_clicked_total{${j},step="email-b",channel="email",variant="bold"} 1`);
    expect(text).toContain(
      'settle_messages_opened_total{journey="soft",version="unknown",step="first-email",channel="email",variant="none",machine="false"} 1',
    );
    expect(text).toContain(
      `settle_messages_opened_total{${j},step="email-b",channel="email",variant="none",machine="false"} 1`,
    );
    expect(text).toContain(`settle_landing_views_total{${j},variant="bold",source="email"} 1`);
    expect(text).toContain(`settle_payments_total{${j},variant="bold",source="email",kind="full"} 1`);
    expect(text).toContain(`settle_amount_collected_total{${j},variant="bold",currency="EUR"} 10`);
    expect(text).toContain(
      'settle_payments_total{journey="soft",version="unknown",variant="none",source="sms",kind="full"} 1',
    );
  });
});

describe('self-service metrics (payment page)', () => {
  it('counts each promise made, each dispute by reason, each call-back request and preference change once, repeats of a form not again', async () => {
    const pm = createProcessMetrics();
    const d = createServerMetrics(pm.metrics).dispatcher(inner());
    const labels = { journey: 'soft', version: '3' };
    const promised: JourneySignal = {
      kind: 'engagement',
      signal: { eventId: `promise/${KEY}/1`, type: 'promised', messageId: KEY, at, data: { date: '2026-12-01' } },
      labels,
    };
    d.dispatch(WF, promised);
    d.dispatch(WF, promised);
    const dispute = (n: number, reason: string): JourneySignal => ({
      kind: 'engagement',
      signal: { eventId: `dispute/${KEY}/${n}`, type: 'disputed', messageId: KEY, at, data: { reason } },
      labels,
    });
    d.dispatch(WF, dispute(1, 'notMine'));
    d.dispatch(WF, dispute(1, 'notMine'));
    d.dispatch(WF, dispute(2, 'x"} 1\nevil'));
    const request = (n: number, type: 'callbackRequested' | 'preferencesChanged'): JourneySignal => ({
      kind: 'engagement',
      signal: { eventId: `${type}/${KEY}/${n}`, type, messageId: KEY, at },
      labels,
    });
    d.dispatch(WF, request(1, 'callbackRequested'));
    d.dispatch(WF, request(1, 'callbackRequested'));
    d.dispatch(WF, request(1, 'preferencesChanged'));
    d.dispatch(WF, request(2, 'preferencesChanged'));
    const text = await pm.text();
    expect(text).toContain('settle_self_service_requests_total{journey="soft",version="3",kind="callback"} 1');
    expect(text).toContain('settle_self_service_requests_total{journey="soft",version="3",kind="preferences"} 2');
    expect(text).toContain('settle_promises_total{journey="soft",version="3",result="made"} 1');
    expect(text).toContain('settle_disputes_total{journey="soft",version="3",reason="notMine"} 1');
    expect(text).toContain('settle_disputes_total{journey="soft",version="3",reason="other"} 1');
  });
});
