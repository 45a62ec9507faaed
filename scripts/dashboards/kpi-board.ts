/**
 * Collections KPIs (managers): the funnel sent → delivered → opened → clicked → visited → paid,
 * each seed KPI over time (from the recording rules of grafana/prometheus/rules), A/B variants
 * side by side, money collected, days to pay, reaction times and the cost of recovery; money, right-party
 * contacts, profit and days past due per segment (the segment that routed each debt).
 */
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { barGauge, labelVariable, layout, statPanel, tablePanel, timeSeries } from './panels.js';

const J = 'journey=~"$journey"';
const JC = `${J}, channel=~"$channel"`;
const JV = `${J}, version=~"$version"`;
const JCV = `${JC}, version=~"$version"`;
/** The segment filter: only metrics that carry the label (the worker's business figures). */
const JVS = `${JV}, segment=~"$segment"`;
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
    .withVariable(labelVariable('channel', 'Channel', 'settle_messages_sent_total'))
    .withVariable(labelVariable('segment', 'Segment', 'settle_journeys_started_total'));
  /** `sum by (segment) (increase(metric{journey, version, segment}[range]))`. */
  const bySegment = (metric: string) => `sum by (segment) (increase(${metric}{${JVS}}${R}))`;
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
          queries: [
            { expr: `sum by (currency) (increase(settle_amount_enrolled_total{${JVS}}${R}))`, legend: '{{currency}}' },
          ],
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
        timeSeries({
          ...ratio,
          title: 'Promises to pay kept',
          description:
            'Promises to pay made on the payment page that were kept (the debt paid by the promised date) over those judged, kept or broken (settle:promise_kept_rate:ratio).',
          thresholds: [
            [0, 'red'],
            [0.5, 'green'],
          ],
          queries: [{ expr: `settle:promise_kept_rate:ratio{${JV}}`, legend: '{{journey}} v{{version}}' }],
        }),
        timeSeries({
          title: 'Promises, disputes and requests from the payment page',
          description:
            'Promises to pay made, kept and broken, disputes by reason, disputes resolved or upheld, call-back requests and preference changes, per day (settle_promises_total, settle_disputes_total, settle_disputes_closed_total, settle_self_service_requests_total).',
          unit: 'short',
          queries: [
            { expr: `sum by (result) (increase(settle_promises_total{${JV}}[1d]))`, legend: 'promises {{result}}' },
            { expr: `sum by (reason) (increase(settle_disputes_total{${JV}}[1d]))`, legend: 'disputes {{reason}}' },
            {
              expr: `sum by (result) (increase(settle_disputes_closed_total{${JV}}[1d]))`,
              legend: 'disputes {{result}}',
            },
            {
              expr: `sum by (kind) (increase(settle_self_service_requests_total{${JV}}[1d]))`,
              legend: 'requests {{kind}}',
            },
          ],
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
      'Money and segments',
      [
        tablePanel({
          title: 'Segments side by side',
          description:
            'Per segment over the selected range: journeys started and amount enrolled (journeyStarted); of the journeys ended, amount recovered, collection rate by amount (recovered over recovered + written off), RPC rate (right-party signal over contacted), profit per account (recovered minus message cost, per journey ended) and mean days past due at payment. One currency per selection.',
          unit: 'none',
          width: 24,
          by: 'segment',
          queries: [
            { expr: bySegment('settle_journeys_started_total'), legend: 'journeys started' },
            { expr: bySegment('settle_amount_enrolled_total'), legend: 'amount enrolled' },
            { expr: bySegment('settle_amount_recovered_total'), legend: 'amount recovered' },
            {
              expr: `${bySegment('settle_amount_recovered_total')} / (${bySegment('settle_amount_recovered_total')} + ${bySegment('settle_amount_written_off_total')})`,
              legend: 'collection rate by amount',
            },
            {
              expr: `${bySegment('settle_right_party_contacts_total')} / ${bySegment('settle_journeys_contacted_total')}`,
              legend: 'RPC rate',
            },
            {
              expr: `(${bySegment('settle_amount_recovered_total')} - ${bySegment('settle_message_cost_total')}) / ${bySegment('settle_journeys_completed_total')}`,
              legend: 'profit per account',
            },
            {
              expr: `${bySegment('settle_payment_past_due_seconds_sum')} / ${bySegment('settle_payment_past_due_seconds_count')} / 86400`,
              legend: 'days past due at payment (mean)',
            },
          ],
        }),
        timeSeries({
          ...ratio,
          title: 'Collection rate by amount, per segment',
          description:
            'Money recovered over money at stake (recovered + written off) of the journeys ended (settle_segment:collection_rate_amount:ratio): one large unpaid debt weighs what it owes.',
          thresholds: [
            [0, 'red'],
            [0.3, 'green'],
          ],
          queries: [
            {
              expr: `settle_segment:collection_rate_amount:ratio{${JVS}}`,
              legend: '{{journey}} {{segment}} {{currency}}',
            },
          ],
        }),
        timeSeries({
          ...ratio,
          title: 'Collection rate by amount, per A/B variant',
          description:
            'Money recovered over money at stake of the journeys ended, per variant (settle_variant:collection_rate_amount:ratio); `settle experiments` adds intervals and a test.',
          queries: [
            {
              expr: `settle_variant:collection_rate_amount:ratio{${JV}}`,
              legend: '{{journey}} {{variant}} {{currency}}',
            },
          ],
        }),
        timeSeries({
          ...ratio,
          title: 'RPC rate',
          description:
            'Right-party contacts: journeys ended with a human open, click, payment-page visit, reply or payment, over journeys that sent a message (settle_segment:rpc_rate:ratio).',
          queries: [{ expr: `settle_segment:rpc_rate:ratio{${JVS}}`, legend: '{{journey}} {{segment}}' }],
        }),
        timeSeries({
          title: 'Profit per account',
          description:
            'Money recovered minus what the messages cost, per journey ended, per segment and currency (settle_segment:profit_per_account:avg).',
          unit: 'none',
          width: 8,
          thresholds: [[0, 'green']],
          queries: [
            {
              expr: `settle_segment:profit_per_account:avg{${JVS}}`,
              legend: '{{journey}} {{segment}} {{currency}}',
            },
          ],
        }),
        timeSeries({
          ...ratio,
          title: 'Cost per unit collected, per segment',
          description:
            'What the messages cost per unit of money recovered, per segment and currency (settle_segment:cost_per_collected:ratio).',
          thresholds: [
            [0.05, 'orange'],
            [0.1, 'red'],
          ],
          queries: [
            {
              expr: `settle_segment:cost_per_collected:ratio{${JVS}}`,
              legend: '{{journey}} {{segment}} {{currency}}',
            },
          ],
        }),
        barGauge({
          title: 'Amount enrolled, recovered and written off by segment',
          description:
            'In the selected range: amount due of the debts enrolled; of the journeys ended, amount recovered and amount still due (written off).',
          unit: 'none',
          width: 12,
          queries: [
            {
              expr: `sum by (segment, currency) (increase(settle_amount_enrolled_total{${JVS}}${R}))`,
              legend: '{{segment}} enrolled {{currency}}',
            },
            {
              expr: `sum by (segment, currency) (increase(settle_amount_recovered_total{${JVS}}${R}))`,
              legend: '{{segment}} recovered {{currency}}',
            },
            {
              expr: `sum by (segment, currency) (increase(settle_amount_written_off_total{${JVS}}${R}))`,
              legend: '{{segment}} written off {{currency}}',
            },
          ],
        }),
        timeSeries({
          title: 'Days past due at payment (DSO view) and days to pay since first contact',
          description:
            'Days between the due date and the payment (settle:payment_days_past_due:p50 / p90), beside days from the first message sent to the payment (settle:time_to_pay_since_contact_days:p50 / p90).',
          unit: 'd',
          width: 12,
          thresholds: [
            [30, 'orange'],
            [60, 'red'],
          ],
          queries: [
            { expr: 'settle:payment_days_past_due:p50', legend: 'past due p50' },
            { expr: 'settle:payment_days_past_due:p90', legend: 'past due p90' },
            { expr: 'settle:time_to_pay_since_contact_days:p50', legend: 'since first contact p50' },
            { expr: 'settle:time_to_pay_since_contact_days:p90', legend: 'since first contact p90' },
          ],
        }),
        barGauge({
          title: 'Days-past-due distribution',
          description:
            'Payments in the selected range by time past the due date (histogram buckets in seconds; negative: paid early).',
          unit: 'short',
          width: 12,
          queries: [
            {
              expr: `sum by (le) (increase(settle_payment_past_due_seconds_bucket{${J}, segment=~"$segment"}${R}))`,
              legend: '{{le}}',
              heatmap: true,
            },
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
