/**
 * Every Prometheus metric Settle defines, in one place, registered on a registry
 * the process passes in (no global default registry: tests build as many as they like).
 * Labels are bounded — journey, version, step, channel, variant, segment (the compiled segment names,
 * `none` outside one), outcome, reason, source, kind, machine, currency, stage — and never name a
 * debt or a person. Business counters are fed by
 * activities (worker) and the HTTP server, never by workflow code.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

const MINUTE = 60;
const HOUR = 3_600;
const DAY = 86_400;

/** Reaction times: a minute to a month. */
export const REACTION_BUCKETS = [
  MINUTE,
  5 * MINUTE,
  15 * MINUTE,
  HOUR,
  4 * HOUR,
  12 * HOUR,
  DAY,
  2 * DAY,
  4 * DAY,
  7 * DAY,
  14 * DAY,
  30 * DAY,
];
/** Days to pay: a day to three months. */
export const TIME_TO_PAY_BUCKETS = [
  DAY,
  2 * DAY,
  4 * DAY,
  7 * DAY,
  14 * DAY,
  21 * DAY,
  30 * DAY,
  45 * DAY,
  60 * DAY,
  90 * DAY,
];

/** Time past the due date at payment: paid early (up to a week) to a year late. */
export const PAST_DUE_BUCKETS = [-7, 0, 7, 14, 30, 45, 60, 90, 120, 180, 365].map((d) => d * DAY);

/** The `version` label of a message whose link predates the version claim; `variant` outside a split. */
export const UNKNOWN_VERSION = 'unknown';
export const NO_VARIANT = 'none';
/** The `segment` label of a journey enrolled without a segment (`--journey`, or before segments were carried). */
export const NO_SEGMENT = 'none';

/** Values read at scrape time rather than counted: what the process can ask when scraped. */
export interface MetricSources {
  /** Journeys running now (Temporal visibility); undefined when it cannot tell. */
  activeJourneys?: () => Promise<number | undefined>;
  /** The signal dispatcher's running totals by outcome, and its queue depth. */
  signals?: () => { counts: Record<string, number>; depth: number };
}

export function createSettleMetrics(registry: Registry, sources: MetricSources = {}) {
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    new Counter<L>({ name, help, labelNames, registers: [registry] });
  const histogram = <L extends string>(name: string, help: string, labelNames: readonly L[], buckets: number[]) =>
    new Histogram<L>({ name, help, labelNames, buckets, registers: [registry] });
  return {
    // --- journeys (the journeyStarted and recordOutcome activities) ---------------------------------
    journeysStarted: counter(
      'settle_journeys_started_total',
      'Journeys started (journeyStarted activity, once per journey).',
      ['journey', 'version', 'segment'],
    ),
    journeysCompleted: counter(
      'settle_journeys_completed_total',
      'Journeys ended, by outcome (recordOutcome activity).',
      ['journey', 'version', 'segment', 'variant', 'outcome'],
    ),
    journeysContacted: counter(
      'settle_journeys_contacted_total',
      'Journeys ended that sent at least one message (recordOutcome): the denominator of the RPC rate.',
      ['journey', 'version', 'segment', 'variant'],
    ),
    rightPartyContacts: counter(
      'settle_right_party_contacts_total',
      'Journeys ended, contacted, with a right-party signal (human open, click, visit, reply or payment).',
      ['journey', 'version', 'segment', 'variant'],
    ),
    amountRecovered: counter(
      'settle_amount_recovered_total',
      'Amount paid on the debts whose journey ended (recordOutcome), in major units.',
      ['journey', 'version', 'segment', 'variant', 'currency'],
    ),
    amountWrittenOff: counter(
      'settle_amount_written_off_total',
      'Amount still due when a journey ended without full payment (recordOutcome), in major units.',
      ['journey', 'version', 'segment', 'variant', 'currency'],
    ),
    journeysActive: new Gauge({
      name: 'settle_journeys_active',
      help: 'Journeys running now (Temporal visibility, read at scrape time).',
      registers: [registry],
      async collect() {
        const n = await sources.activeJourneys?.();
        if (n !== undefined) this.set(n);
      },
    }),
    amountEnrolled: counter(
      'settle_amount_enrolled_total',
      'Amount due of the debts enrolled (journeyStarted), in major units.',
      ['journey', 'version', 'segment', 'currency'],
    ),
    // --- messages (send activities; the server for provider callbacks and tracking) -----------
    messagesSent: counter('settle_messages_sent_total', 'Messages sent (once per idempotency key).', [
      'journey',
      'version',
      'step',
      'channel',
      'variant',
      'segment',
    ]),
    messagesFailed: counter('settle_messages_failed_total', 'Sends that failed for good, by failure type.', [
      'journey',
      'version',
      'step',
      'channel',
      'reason',
    ]),
    messagesDelivered: counter(
      'settle_messages_delivered_total',
      'Messages delivered: email accepted by the SMTP relay, SMS by the carrier status callback.',
      ['journey', 'version', 'step', 'channel', 'variant'],
    ),
    messagesBounced: counter(
      'settle_messages_bounced_total',
      'Messages bounced (hard: refused for good; soft: temporarily).',
      ['journey', 'version', 'step', 'channel', 'variant', 'kind'],
    ),
    messagesOpened: counter(
      'settle_messages_opened_total',
      'Unique opens (once per message); machine="true" for scanners and prefetchers.',
      ['journey', 'version', 'step', 'channel', 'variant', 'machine'],
    ),
    messagesClicked: counter('settle_messages_clicked_total', 'Unique clicks on tracked links (once per message).', [
      'journey',
      'version',
      'step',
      'channel',
      'variant',
    ]),
    messageCost: counter('settle_message_cost_total', 'What sends are billed, in major units of the currency.', [
      'journey',
      'version',
      'segment',
      'variant',
      'channel',
      'currency',
    ]),
    trackingRepeats: counter(
      'settle_tracking_repeats_total',
      'Tracking hits of a message already counted (not signalled again).',
      ['kind'],
    ),
    optOuts: counter('settle_opt_outs_total', 'Opt-outs received (unsubscribe link, STOP).', ['channel']),
    // --- payment page and money (server) -----------------------------------------------------
    disputes: counter(
      'settle_disputes_total',
      'Disputes the debtors sent from the payment page (once per dispute), by reason.',
      ['journey', 'version', 'reason'],
    ),
    disputesClosed: counter(
      'settle_disputes_closed_total',
      'Disputes an operator closed (settle event DEBT resolved|upheld), once per dispute.',
      ['journey', 'version', 'result'],
    ),
    selfService: counter(
      'settle_self_service_requests_total',
      'Call-back requests and contact-preference changes the debtors sent from the payment page (once per form sent), by kind: callback or preferences.',
      ['journey', 'version', 'kind'],
    ),
    promises: counter(
      'settle_promises_total',
      'Promises to pay: made on the payment page (server), kept or broken at their date (worker).',
      ['journey', 'version', 'result'],
    ),
    landingViews: counter(
      'settle_landing_views_total',
      'Unique payment-page views per message, by the channel that brought the visitor.',
      ['journey', 'version', 'variant', 'source'],
    ),
    payments: counter('settle_payments_total', 'Payments received (Stripe), full or first instalment.', [
      'journey',
      'version',
      'variant',
      'source',
      'kind',
    ]),
    amountCollected: counter('settle_amount_collected_total', 'Amount paid, in major units of the currency.', [
      'journey',
      'version',
      'variant',
      'currency',
    ]),
    // --- timing ------------------------------------------------------------------------------
    reaction: histogram(
      'settle_reaction_seconds',
      'Reaction time: send to open, send to click, first open or visit to payment.',
      ['stage', 'journey'],
      REACTION_BUCKETS,
    ),
    timeToPay: histogram(
      'settle_time_to_pay_seconds',
      'Journey time from enrollment to payment (the outcome paid), in seconds.',
      ['journey', 'segment'],
      TIME_TO_PAY_BUCKETS,
    ),
    timeToPaySinceContact: histogram(
      'settle_time_to_pay_since_contact_seconds',
      'Journey time from the first message sent to payment (the outcome paid), in seconds.',
      ['journey', 'segment'],
      TIME_TO_PAY_BUCKETS,
    ),
    daysPastDueAtPayment: histogram(
      'settle_payment_past_due_seconds',
      'Time past the due date when the debt was paid (the outcome paid; negative: before it), in seconds. A DSO-style view.',
      ['journey', 'segment'],
      PAST_DUE_BUCKETS,
    ),
    // --- contact rules (policy decisions, reported by an activity) -----------------------------
    sendsDeferred: counter(
      'settle_sends_deferred_total',
      'Sends deferred by a contact rule (quiet hours, caps, holidays).',
      ['journey', 'version', 'step', 'channel', 'reason'],
    ),
    sendsBlocked: counter(
      'settle_sends_blocked_total',
      'Sends blocked by a contact rule (no consent, opt-out, no address).',
      ['journey', 'version', 'step', 'channel', 'reason'],
    ),
    // --- operations (server) -------------------------------------------------------------------
    webhookErrors: counter(
      'settle_webhook_errors_total',
      'Provider webhooks refused (bad signature, malformed) or failed.',
      ['source', 'reason'],
    ),
    signals: new Counter<'outcome'>({
      name: 'settle_server_signals_total',
      help: 'Signals of tracking hits and webhooks, by what became of them.',
      labelNames: ['outcome'],
      registers: [registry],
      collect() {
        const stats = sources.signals?.();
        if (!stats) return;
        // The dispatcher keeps the running totals; mirror them.
        this.reset();
        for (const [outcome, n] of Object.entries(stats.counts)) this.inc({ outcome }, n);
      },
    }),
    signalQueueDepth: new Gauge({
      name: 'settle_server_signal_queue_depth',
      help: 'Signals waiting to be delivered to Temporal.',
      registers: [registry],
      collect() {
        const stats = sources.signals?.();
        if (stats) this.set(stats.depth);
      },
    }),
  };
}

export type SettleMetrics = ReturnType<typeof createSettleMetrics>;
