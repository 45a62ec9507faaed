/**
 * Collections KPIs (managers): the funnel sent → delivered → opened → clicked → visited → paid,
 * each seed KPI over time (from the recording rules of grafana/prometheus/rules), A/B variants
 * side by side, money collected, days to pay, reaction times and the cost of recovery.
 */
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { barGauge, labelVariable, layout, statPanel, timeSeries } from './panels.js';

const J = 'journey=~"$journey"';
const JC = `${J}, channel=~"$channel"`;
const JV = `${J}, version=~"$version"`;
const JCV = `${JC}, version=~"$version"`;
const R = '[$__range]';

export function kpiBoard(): dashboard.Dashboard {
  const b = new dashboard.DashboardBuilder('Settle — Collections KPIs')
    .uid('settle-kpis')
    .description('Business outcomes of the collection journeys, per journey, version, step, channel and A/B variant.')
    .tags(['settle', 'kpi'])
    .refresh('1m')
    .time({ from: 'now-7d', to: 'now' })
    .timezone('browser')
    .withVariable(labelVariable('journey', 'Journey', 'settle_messages_sent_total'))
    .withVariable(labelVariable('version', 'Version', 'settle_messages_sent_total'))
    .withVariable(labelVariable('channel', 'Channel', 'settle_messages_sent_total'));
  const ratio = { unit: 'percentunit', width: 8 };
  return layout(b, [
    [
      'Funnel',
      [
        barGauge({
          title: 'Funnel: sent → delivered → opened → clicked → visited → paid',
          description:
            'Counts over the selected time range. Opens and clicks are unique per message; machine opens (scanners) are left out.',
          unit: 'short',
          width: 24,
          queries: [
            { expr: `sum(increase(settle_messages_sent_total{${JCV}}${R}))`, legend: 'sent' },
            { expr: `sum(increase(settle_messages_delivered_total{${JCV}}${R}))`, legend: 'delivered' },
            { expr: `sum(increase(settle_messages_opened_total{${JCV}, machine="false"}${R}))`, legend: 'opened' },
            { expr: `sum(increase(settle_messages_clicked_total{${JCV}}${R}))`, legend: 'clicked' },
            { expr: `sum(increase(settle_landing_views_total{${JV}}${R}))`, legend: 'visited' },
            { expr: `sum(increase(settle_payments_total{${JV}}${R}))`, legend: 'paid' },
          ],
        }),
        statPanel({
          title: 'Journeys started',
          description: 'Journeys enrolled in the selected range.',
          unit: 'short',
          width: 6,
          queries: [{ expr: `sum(increase(settle_journeys_started_total{${JV}}${R}))` }],
        }),
        statPanel({
          title: 'Journeys running',
          description: 'Journeys running now (Temporal visibility).',
          unit: 'short',
          width: 6,
          queries: [{ expr: 'max(settle_journeys_active)' }],
        }),
        statPanel({
          title: 'Amount enrolled',
          description: 'Amount due of the debts enrolled in the selected range, per currency.',
          unit: 'none',
          width: 6,
          queries: [{ expr: `sum by (currency) (increase(settle_amount_enrolled_total${R}))`, legend: '{{currency}}' }],
        }),
        statPanel({
          title: 'Amount collected',
          description: 'Payments received in the selected range, per currency.',
          unit: 'none',
          width: 6,
          queries: [
            { expr: `sum by (currency) (increase(settle_amount_collected_total{${JV}}${R}))`, legend: '{{currency}}' },
          ],
        }),
      ],
    ],
    [
      'Seed KPIs',
      [
        timeSeries({
          ...ratio,
          title: 'Delivery rate',
          description:
            'Delivered over attempted sends (recording rule settle:delivery_rate:ratio). Below 95% deserves a look.',
          thresholds: [
            [0, 'red'],
            [0.95, 'green'],
          ],
          queries: [{ expr: `settle:delivery_rate:ratio{${JCV}}`, legend: '{{journey}} {{channel}}' }],
        }),
        timeSeries({
          ...ratio,
          title: 'Bounce rate',
          description:
            'Hard bounces over attempted sends (settle:bounce_rate:ratio). Mailbox providers penalise senders above 2%.',
          thresholds: [
            [0.02, 'orange'],
            [0.05, 'red'],
          ],
          queries: [{ expr: `settle:bounce_rate:ratio{${JCV}}`, legend: '{{journey}} {{channel}}' }],
        }),
        timeSeries({
          ...ratio,
          title: 'Open rate',
          description: 'Unique human opens over delivered emails (settle:open_rate:ratio).',
          thresholds: [
            [0, 'red'],
            [0.2, 'green'],
          ],
          queries: [{ expr: `settle:open_rate:ratio{${JCV}}`, legend: '{{journey}} {{channel}}' }],
        }),
        timeSeries({
          ...ratio,
          title: 'Click-through rate',
          description: 'Unique clicks over delivered messages (settle:click_through_rate:ratio).',
          thresholds: [
            [0, 'red'],
            [0.02, 'green'],
          ],
          queries: [{ expr: `settle:click_through_rate:ratio{${JCV}}`, legend: '{{journey}} {{channel}}' }],
        }),
        timeSeries({
          ...ratio,
          title: 'Click-to-open rate',
          description:
            'Unique clicks over unique opens (settle:click_to_open_rate:ratio): how convincing the message is once read.',
          queries: [{ expr: `settle:click_to_open_rate:ratio{${JCV}}`, legend: '{{journey}} {{channel}}' }],
        }),
        timeSeries({
          ...ratio,
          title: 'Landing-page conversion',
          description:
            'Payments over payment-page views, by the channel that brought the visitor (settle:conversion_rate:ratio).',
          queries: [{ expr: `settle:conversion_rate:ratio{${JV}}`, legend: '{{journey}} {{source}}' }],
        }),
        timeSeries({
          title: 'Traffic to the payment page by channel',
          description: 'Payment-page views per hour, by the channel whose link brought the visitor.',
          unit: 'short',
          queries: [
            { expr: `sum by (source) (increase(settle_landing_views_total{${JV}}[1h]))`, legend: '{{source}}' },
          ],
        }),
        statPanel({
          title: 'Landing-page views',
          description: 'Unique payment-page views (one per message) in the selected range.',
          unit: 'short',
          queries: [{ expr: `sum(increase(settle_landing_views_total{${JV}}${R}))` }],
        }),
      ],
    ],
    [
      'Outcomes and A/B variants',
      [
        timeSeries({
          ...ratio,
          title: 'Collection rate by A/B variant',
          description:
            'Journeys that reached their goal (paid) over journeys ended, per variant (settle:collection_rate:ratio).',
          thresholds: [
            [0, 'red'],
            [0.3, 'green'],
          ],
          queries: [{ expr: `settle:collection_rate:ratio{${JV}}`, legend: '{{journey}} {{variant}}' }],
        }),
        barGauge({
          title: 'Open rate, CTR and conversion by A/B variant',
          description:
            'Per A/B variant side by side ("none": messages outside a split): unique human opens and unique clicks over delivered messages, payments over payment-page views (settle_variant:*:ratio).',
          unit: 'percentunit',
          width: 24,
          thresholds: [
            [0, 'red'],
            [0.02, 'green'],
          ],
          queries: [
            { expr: `settle_variant:open_rate:ratio{${JCV}}`, legend: '{{variant}} open rate ({{channel}})' },
            { expr: `settle_variant:click_through_rate:ratio{${JCV}}`, legend: '{{variant}} CTR ({{channel}})' },
            { expr: `settle_variant:conversion_rate:ratio{${JV}}`, legend: '{{variant}} conversion' },
          ],
        }),
        barGauge({
          title: 'Journeys ended by variant and outcome',
          description: 'Journeys ended in the selected range, side by side per A/B variant.',
          unit: 'short',
          queries: [
            {
              expr: `sum by (variant, outcome) (increase(settle_journeys_completed_total{${JV}}${R}))`,
              legend: '{{variant}} {{outcome}}',
            },
          ],
        }),
        barGauge({
          title: 'Sends by variant and step',
          description: 'Messages sent in the selected range per A/B variant and step.',
          unit: 'short',
          queries: [
            {
              expr: `sum by (variant, step) (increase(settle_messages_sent_total{${JCV}}${R}))`,
              legend: '{{variant}} {{step}}',
            },
          ],
        }),
        timeSeries({
          title: 'Amount collected by currency',
          description: 'Money collected per hour, per currency.',
          unit: 'none',
          queries: [
            { expr: `sum by (currency) (increase(settle_amount_collected_total{${JV}}[1h]))`, legend: '{{currency}}' },
          ],
        }),
      ],
    ],
    [
      'Timing and cost',
      [
        timeSeries({
          title: 'Days to pay (p50, p90)',
          description: 'Journey time from enrollment to payment, in days (settle:time_to_pay_days:p50 / p90).',
          unit: 'd',
          width: 8,
          thresholds: [
            [14, 'orange'],
            [30, 'red'],
          ],
          queries: [
            { expr: 'settle:time_to_pay_days:p50', legend: 'p50' },
            { expr: 'settle:time_to_pay_days:p90', legend: 'p90' },
          ],
        }),
        barGauge({
          title: 'Days-to-pay distribution',
          description: 'Payments in the selected range by days to pay (histogram buckets).',
          unit: 'short',
          width: 8,
          queries: [
            {
              expr: `sum by (le) (increase(settle_time_to_pay_seconds_bucket{${J}}${R}))`,
              legend: '{{le}}',
              heatmap: true,
            },
          ],
        }),
        timeSeries({
          title: 'Reaction time (p50, p90)',
          description: 'Send → open, send → click, first open or visit → payment (settle:reaction_seconds:p50 / p90).',
          unit: 's',
          width: 8,
          queries: [
            { expr: 'settle:reaction_seconds:p50', legend: 'p50 {{stage}}' },
            { expr: 'settle:reaction_seconds:p90', legend: 'p90 {{stage}}' },
          ],
        }),
        barGauge({
          title: 'Reaction-time distribution',
          description: 'Reactions in the selected range by time since the send (histogram buckets), per stage.',
          unit: 'short',
          width: 12,
          queries: [
            {
              expr: `sum by (le) (increase(settle_reaction_seconds_bucket{${J}}${R}))`,
              legend: '{{le}}',
              heatmap: true,
            },
          ],
        }),
        timeSeries({
          title: 'Cost of recovery',
          description:
            'Message cost per unit of money collected, per currency (settle:cost_per_collected:ratio); and the cost itself.',
          unit: 'percentunit',
          width: 12,
          thresholds: [
            [0.05, 'orange'],
            [0.1, 'red'],
          ],
          queries: [
            { expr: 'settle:cost_per_collected:ratio', legend: 'cost / collected {{currency}}' },
            {
              expr: `sum by (channel, currency) (settle_message_cost_total{${J}})`,
              legend: 'cost {{channel}} {{currency}}',
            },
          ],
        }),
      ],
    ],
  ]).build();
}
