/**
 * Business metrics of the worker, counted around the activities (at the edges,
 * never in workflow code, so a replayed workflow counts nothing). Each business event counts
 * once: a send once per idempotency key (a retried activity reports `duplicate`, or resends the
 * same email under the same key, which this process remembers), a start and an outcome once per
 * journey run.
 * The memory is bounded; a retry that lands on another worker process after the first attempt
 * completed its send but not its task is the one case that can count twice.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { ContactRuleLabels, ContactRuleSink } from '../activities/deps.js';
import {
  FAILURE,
  type Activities,
  type JourneyStartedInput,
  type OutcomeInput,
  type SendMessageInput,
} from '../workflows/contract.js';
import { NO_SEGMENT, NO_VARIANT, type SettleMetrics } from './definitions.js';
import { firstSighting } from './once.js';

const LABEL_SHAPED = /^[A-Za-z0-9_.-]{1,64}$/;

/** The `segment` label: the segment's compiled name, `none` when absent or not label-shaped. */
export function segmentLabel(segment: string | undefined): string {
  return segment !== undefined && LABEL_SHAPED.test(segment) ? segment : NO_SEGMENT;
}

const DAY_MS = 86_400_000;

/** Days from the due date (YYYY-MM-DD, the start of that day in UTC) to `atMs`; undefined when unreadable. */
export function daysPastDue(dueDate: string | undefined, atMs: number): number | undefined {
  if (dueDate === undefined || !/^\d{4}-\d{2}-\d{2}$/.test(dueDate)) return undefined;
  const due = Date.parse(`${dueDate}T00:00:00Z`);
  return Number.isFinite(due) ? (atMs - due) / DAY_MS : undefined;
}

/**
 * Money a journey's end settles: paid (the outcome's amountPaid when the interpreter reports
 * partial payments, else the whole amount when the outcome is paid) and written off (what is
 * still due when it ended otherwise).
 */
export function settledAmounts(input: OutcomeInput): { paid: number; writtenOff: number } {
  const reported = (input as OutcomeInput & { amountPaid?: unknown }).amountPaid;
  const due = Math.max(0, input.amountDue);
  const paid =
    typeof reported === 'number' && Number.isFinite(reported)
      ? Math.min(Math.max(0, reported), due)
      : input.outcome === 'paid'
        ? due
        : 0;
  return { paid, writtenOff: input.outcome === 'paid' ? 0 : Math.max(0, due - paid) };
}

function failureType(error: unknown): { type: string; final: boolean } | undefined {
  if (!(error instanceof ApplicationFailure)) return undefined;
  return { type: error.type ?? 'Error', final: error.nonRetryable === true };
}

export interface ActivityMetricsOptions {
  /** Keys remembered to count each send and outcome once (default 100,000). */
  remember?: number;
}

/** Wraps the activities so that their outcomes feed the metrics; behaviour is unchanged. */
export function instrumentActivities(
  activities: Activities,
  m: SettleMetrics,
  o: ActivityMetricsOptions = {},
): Activities {
  const once = firstSighting(o.remember ?? 100_000);

  function onSent(input: SendMessageInput, r: Awaited<ReturnType<Activities['sendEmail']>>): void {
    if (r.duplicate || !once(`sent\u0000${input.key}`)) return;
    const { journey, step, channel } = input;
    const version = String(input.version);
    const variant = input.variant ?? NO_VARIANT;
    const segment = segmentLabel(input.segment);
    m.messagesSent.inc({ journey, version, step, channel, variant, segment });
    // An email the relay accepted is delivered as far as SMTP can tell; SMS delivery comes from
    // the carrier's status callback (the server).
    if (channel === 'email')
      m.messagesDelivered.inc({ journey, version, step, channel, variant: input.variant ?? NO_VARIANT });
    if (r.cost !== undefined && r.cost > 0)
      m.messageCost.inc({ journey, version, segment, variant, channel, currency: r.costCurrency ?? 'unknown' }, r.cost);
  }

  function onFailed(input: SendMessageInput, error: unknown): void {
    const f = failureType(error);
    if (!f) return;
    const { journey, step, channel } = input;
    const version = String(input.version);
    const bounced = { journey, version, step, channel, variant: input.variant ?? NO_VARIANT };
    if (f.type === FAILURE.softBounce && once(`soft\u0000${input.key}`)) {
      m.messagesBounced.inc({ ...bounced, kind: 'soft' });
    }
    if (!f.final || !once(`failed\u0000${input.key}`)) return;
    m.messagesFailed.inc({ journey, version, step, channel, reason: f.type });
    if (f.type === FAILURE.hardBounce) m.messagesBounced.inc({ ...bounced, kind: 'hard' });
  }

  const send =
    (fn: Activities['sendEmail']): Activities['sendEmail'] =>
    async (input) => {
      try {
        const result = await fn(input);
        onSent(input, result);
        return result;
      } catch (error) {
        onFailed(input, error);
        throw error;
      }
    };

  function onStarted(input: JourneyStartedInput): void {
    if (!once(`started\u0000${input.workflowId}\u0000${input.startedAt}`)) return;
    const labels = { journey: input.journey, version: String(input.version), segment: segmentLabel(input.segment) };
    m.journeysStarted.inc(labels);
    if (input.amountDue > 0) m.amountEnrolled.inc({ ...labels, currency: input.currency }, input.amountDue);
  }

  function onOutcome(input: OutcomeInput): void {
    if (!once(`outcome\u0000${input.workflowId}\u0000${input.startedAt}\u0000${input.endedAt}`)) return;
    const { journey, outcome, currency } = input;
    const variant = input.variant ?? NO_VARIANT;
    const segment = segmentLabel(input.segment);
    const labels = { journey, version: String(input.version), segment, variant };
    m.journeysCompleted.inc({ ...labels, outcome });
    if (input.contacted === true) {
      m.journeysContacted.inc(labels);
      if (input.rightParty === true) m.rightPartyContacts.inc(labels);
    }
    const { paid, writtenOff } = settledAmounts(input);
    if (paid > 0) m.amountRecovered.inc({ ...labels, currency }, paid);
    if (writtenOff > 0) m.amountWrittenOff.inc({ ...labels, currency }, writtenOff);
    if (outcome !== 'paid') return;
    if (input.endedAt >= input.startedAt)
      m.timeToPay.observe({ journey, segment }, (input.endedAt - input.startedAt) / 1000);
    if (input.firstContactAt !== undefined && input.endedAt >= input.firstContactAt)
      m.timeToPaySinceContact.observe({ journey, segment }, (input.endedAt - input.firstContactAt) / 1000);
    const late = daysPastDue(input.dueDate, input.endedAt);
    if (late !== undefined) m.daysPastDueAtPayment.observe({ journey, segment }, late * 86_400);
  }

  return {
    ...activities,
    sendEmail: send(activities.sendEmail),
    sendSms: send(activities.sendSms),
    journeyStarted: async (input) => {
      await activities.journeyStarted(input);
      onStarted(input);
    },
    recordOutcome: async (input) => {
      await activities.recordOutcome(input);
      onOutcome(input);
    },
    recordDispute: async (input) => {
      await activities.recordDispute(input);
      if (once(`dispute\u0000${input.workflowId}\u0000${input.openedAt}`))
        m.disputesClosed.inc({ journey: input.journey, version: String(input.version), result: input.result });
    },
    recordPromise: async (input) => {
      await activities.recordPromise(input);
      if (once(`promise\u0000${input.workflowId}\u0000${input.date}`))
        m.promises.inc({ journey: input.journey, version: String(input.version), result: input.result });
    },
  };
}

/** The contact-rule sink of ActivityDeps, on settle_sends_deferred_total / settle_sends_blocked_total. */
export function contactRuleMetrics(m: SettleMetrics): ContactRuleSink {
  const labels = (l: ContactRuleLabels) => ({ ...l, version: String(l.version) });
  return {
    deferred: (l) => m.sendsDeferred.inc(labels(l)),
    blocked: (l) => m.sendsBlocked.inc(labels(l)),
  };
}
