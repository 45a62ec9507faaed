/**
 * Operations (operators): processes up, Temporal latencies and failures (the SDK's own metrics
 * on TEMPORAL_METRICS_ADDR, job temporal-sdk), sends deferred and blocked by contact rules,
 * webhook errors, the server's signal queue.
 */
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { layout, statPanel, timeSeries } from './panels.js';

const RI = '[$__rate_interval]';

export function opsBoard(): dashboard.Dashboard {
  const b = new dashboard.DashboardBuilder('Settle — Operations')
    .uid('settle-operations')
    .description(
      'Health of the Settle worker and server, Temporal task latencies and failures, contact rules, webhooks.',
    )
    .tags(['settle', 'operations'])
    .refresh('30s')
    .time({ from: 'now-6h', to: 'now' })
    .timezone('browser');
  return layout(b, [
    [
      'Processes',
      [
        statPanel({
          title: 'Worker up',
          description: 'Worker /metrics scraped (1 up, 0 down). Journeys stop advancing without a worker.',
          unit: 'short',
          width: 6,
          thresholds: [
            [0, 'red'],
            [1, 'green'],
          ],
          queries: [{ expr: 'sum(up{job="worker"})' }],
        }),
        statPanel({
          title: 'Server up',
          description: 'Server /metrics scraped (1 up, 0 down). Tracking, payment pages and webhooks need it.',
          unit: 'short',
          width: 6,
          thresholds: [
            [0, 'red'],
            [1, 'green'],
          ],
          queries: [{ expr: 'sum(up{job="server"})' }],
        }),
        statPanel({
          title: 'Temporal SDK metrics up',
          description: "The worker's Temporal SDK exporter (TEMPORAL_METRICS_ADDR) scraped.",
          unit: 'short',
          width: 6,
          thresholds: [
            [0, 'red'],
            [1, 'green'],
          ],
          queries: [{ expr: 'sum(up{job="temporal-sdk"})' }],
        }),
        statPanel({
          title: 'Signal queue depth',
          description: 'Signals of hits and webhooks waiting to reach Temporal. Above 1000 the server turns unready.',
          unit: 'short',
          width: 6,
          thresholds: [
            [100, 'orange'],
            [1000, 'red'],
          ],
          queries: [{ expr: 'max(settle_server_signal_queue_depth)' }],
        }),
      ],
    ],
    [
      'Temporal',
      [
        timeSeries({
          title: 'Workflow task schedule-to-start latency (p90)',
          description: 'How long workflow tasks wait for a worker. Growing latency: add workers or raise their slots.',
          unit: 's',
          width: 8,
          thresholds: [
            [1, 'orange'],
            [5, 'red'],
          ],
          queries: [
            {
              expr: `histogram_quantile(0.9, sum by (le) (rate(temporal_workflow_task_schedule_to_start_latency_seconds_bucket${RI})))`,
              legend: 'workflow tasks',
            },
          ],
        }),
        timeSeries({
          title: 'Activity schedule-to-start latency (p90)',
          description: 'How long activities (sends, payment links, webhooks) wait for a worker slot.',
          unit: 's',
          width: 8,
          thresholds: [
            [1, 'orange'],
            [5, 'red'],
          ],
          queries: [
            {
              expr: `histogram_quantile(0.9, sum by (le, activity_type) (rate(temporal_activity_schedule_to_start_latency_seconds_bucket${RI})))`,
              legend: '{{activity_type}}',
            },
          ],
        }),
        timeSeries({
          title: 'Activity failures by type',
          description: 'Failed activity attempts per second (each is retried unless final: see final send failures).',
          unit: 'ops',
          width: 8,
          thresholds: [
            [0.1, 'orange'],
            [1, 'red'],
          ],
          queries: [
            {
              expr: `sum by (activity_type) (rate(temporal_activity_execution_failed_total${RI}))`,
              legend: '{{activity_type}}',
            },
          ],
        }),
        timeSeries({
          title: 'Final send failures by reason',
          description: 'Sends that failed for good (not retried again), by failure type.',
          unit: 'short',
          width: 8,
          queries: [
            { expr: 'sum by (channel, reason) (settle_messages_failed_total)', legend: '{{channel}} {{reason}}' },
          ],
        }),
        timeSeries({
          title: 'Workflow tasks and activities per second',
          description: 'Throughput of the worker (Temporal SDK).',
          unit: 'ops',
          width: 8,
          queries: [
            {
              expr: `sum(rate(temporal_workflow_task_execution_latency_seconds_count${RI}))`,
              legend: 'workflow tasks',
            },
            { expr: `sum(rate(temporal_activity_execution_latency_seconds_count${RI}))`, legend: 'activities' },
          ],
        }),
        timeSeries({
          title: 'Sticky cache size',
          description: 'Workflows held in the worker cache (Temporal SDK).',
          unit: 'short',
          width: 8,
          queries: [{ expr: 'sum(temporal_sticky_cache_size)', legend: 'cached workflows' }],
        }),
      ],
    ],
    [
      'Contact rules, webhooks and signals',
      [
        timeSeries({
          title: 'Sends deferred by reason',
          description: 'Sends held back by a contact rule (quiet hours, caps, holidays) and sent later.',
          unit: 'short',
          width: 8,
          queries: [{ expr: 'sum by (reason) (settle_sends_deferred_total)', legend: '{{reason}}' }],
        }),
        timeSeries({
          title: 'Sends blocked by reason',
          description: 'Sends a contact rule refused (no consent, opt-out, no address).',
          unit: 'short',
          width: 8,
          queries: [{ expr: 'sum by (reason) (settle_sends_blocked_total)', legend: '{{reason}}' }],
        }),
        timeSeries({
          title: 'Webhook errors',
          description:
            'Provider webhooks refused (bad signature) or failed, by provider. Sustained refusals: a rotated secret.',
          unit: 'short',
          width: 8,
          thresholds: [
            [1, 'orange'],
            [10, 'red'],
          ],
          queries: [{ expr: 'sum by (source, reason) (settle_webhook_errors_total)', legend: '{{source}} {{reason}}' }],
        }),
        timeSeries({
          title: 'Signals by outcome',
          description:
            'What became of the signals the server hands to journeys (queued, duplicate, delivered, failed…).',
          unit: 'ops',
          width: 12,
          queries: [{ expr: `sum by (outcome) (rate(settle_server_signals_total${RI}))`, legend: '{{outcome}}' }],
        }),
        timeSeries({
          title: 'Repeated and machine tracking hits',
          description:
            'Hits of messages already counted, and machine opens (scanners, prefetch): counted apart from the KPIs.',
          unit: 'short',
          width: 12,
          queries: [
            { expr: 'sum by (kind) (settle_tracking_repeats_total)', legend: 'repeat {{kind}}' },
            { expr: 'sum(settle_messages_opened_total{machine="true"})', legend: 'machine opens' },
          ],
        }),
      ],
    ],
  ]).build();
}
