/**
 * The baseline of bench/history: journeys/soft-collection.journey.yaml written by hand as an
 * ordinary Temporal workflow, the way a developer would without Settle. It makes the same
 * activity calls (journeyStarted, payment link + message per send, the hand-over or agent webhook,
 * recordOutcome), starts the same timers (a `condition` with a timeout for every wait, since
 * each wait also ends on payment) and upserts SettleStep whenever it starts waiting, so the
 * history of the same debt with the same signals differs from journeyWorkflow's only by what
 * the interpreter itself adds. Like the interpreter, it asks the debtor's contact ledger before
 * each send (the `reserveContact` activity) and waits when the ledger defers, with journey time
 * starting at `enrolledAt`.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../../src/workflows/contract.js';
import { assignVariant } from '../../src/core/split.js';
import { FAILURE } from '../../src/ir/failures.js';
import type { Channel, EnrollmentData, PlanPolicy, PlanTemplate } from '../../src/ir/index.js';
import { engagementSignal } from '../../src/workflows/definitions.js';
import { SA } from '../../src/workflows/search-attributes.js';

export interface HandWrittenInput {
  enrollment: EnrollmentData;
  /** The journey's templates (the activities render them). */
  templates: Record<string, PlanTemplate>;
  policy: PlanPolicy;
  debtorKey: string;
  /** Journey time at the start (epoch ms), as journeyWorkflow's options.enrolledAt. */
  enrolledAt: number;
}

const DAY = 86_400_000;
const HOUR = 3_600_000;

const retryOptions = (
  maximumAttempts: number,
  initialInterval: string,
  backoffCoefficient: number,
  maximumInterval: string,
) => ({
  maximumAttempts,
  initialInterval,
  backoffCoefficient,
  maximumInterval,
  nonRetryableErrorTypes: [FAILURE.hardBounce, FAILURE.optedOut, FAILURE.invalidInput],
});
const standard = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: retryOptions(10, '1s', 2, '5m'),
});
const importantEmail = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: retryOptions(4, '10m', 3, '2h'),
});
const startReport = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: retryOptions(5, '1s', 2, '30s'),
});
const webhook = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: retryOptions(10, '1m', 2, '1h'),
});

interface Received {
  type: string;
  messageId?: string;
}

/** Events that are about the debt, not one message. */
const DEBT_WIDE = new Set(['paid', 'partiallyPaid', 'replied', 'optedOut']);

export async function softCollectionHandWritten(
  input: HandWrittenInput,
): Promise<{ outcome: string; variant?: string }> {
  const { enrollment, templates } = input;
  const { workflowId } = workflowInfo();
  const realStart = Date.now();
  const now = () => input.enrolledAt + (Date.now() - realStart);
  const events: Received[] = [];
  const seen = new Set<string>();
  setHandler(engagementSignal, (e) => {
    if (seen.has(e.eventId)) return;
    seen.add(e.eventId);
    events.push({ type: e.type, ...(e.messageId !== undefined && { messageId: e.messageId }) });
  });
  const paid = () => events.some((e) => e.type === 'paid');

  const visits: Record<string, number> = {};
  /** Message keys in send order, and how many events had arrived when each was sent. */
  const sent: { key: string; eventsBefore: number }[] = [];
  let variant: string | undefined = undefined;

  type SendResult = 'sent' | 'failed' | 'blocked';
  async function send(step: string, channel: Channel, template: string, proxy = standard): Promise<SendResult> {
    visits[step] = (visits[step] ?? 0) + 1;
    const { debtor } = enrollment;
    if (debtor.consent?.[channel] === false || (channel === 'email' ? !debtor.email : !debtor.phone)) return 'blocked';
    const key = `${workflowId}/${step}/${visits[step]}`;
    const base = {
      key,
      workflowId,
      journey: 'soft-collection',
      version: 1,
      step,
      debtId: enrollment.debtId,
      ...(variant !== undefined && { variant }),
    };
    for (let round = 1; ; round++) {
      const decision = await standard.reserveContact({
        debtorKey: input.debtorKey,
        journey: 'soft-collection',
        version: 1,
        step,
        request: {
          requestId: `${key}#${round}`,
          debtId: enrollment.debtId,
          workflowId,
          channel,
          requestedAt: now(),
          ...(debtor.timezone !== undefined && { timezone: debtor.timezone }),
          ...(debtor.consent !== undefined && { consent: debtor.consent }),
          optedOut: [],
          policy: input.policy,
        },
      });
      if (decision.action === 'skip') return 'blocked';
      if (decision.action === 'send') break;
      upsertSearchAttributes([{ key: SA.step, value: step }]);
      if (await condition(paid, decision.until - now())) return 'blocked';
    }
    try {
      const link = await standard.createPaymentLink({
        ...base,
        source: channel,
        amountDue: enrollment.debt.amountDue,
        currency: enrollment.debt.currency,
      });
      const message = { ...base, channel, template: templates[template]!, enrollment, nowMs: now(), payUrl: link.url };
      await (channel === 'email' ? proxy.sendEmail(message) : proxy.sendSms(message));
      sent.push({ key, eventsBefore: events.length });
      return 'sent';
    } catch (e) {
      if (!(e instanceof ActivityFailure)) throw e;
      if (e.cause instanceof ApplicationFailure && e.cause.type === FAILURE.hardBounce)
        events.push({ type: 'bounced', messageId: key });
      return 'failed';
    }
  }

  /** The first of `types` since the last send (per-message events must be about a message sent since), 'paid', or 'timeout'. */
  async function waitFor(step: string, types: string[], timeoutMs: number): Promise<string> {
    const anchor = sent.at(-1);
    const from = anchor?.eventsBefore ?? 0;
    const recent = new Set(sent.slice(anchor ? sent.indexOf(anchor) : 0).map((s) => s.key));
    const match = () =>
      events
        .slice(from)
        .find(
          (e) =>
            types.includes(e.type) && (e.messageId === undefined || DEBT_WIDE.has(e.type) || recent.has(e.messageId)),
        );
    if (!match() && !paid()) {
      upsertSearchAttributes([{ key: SA.step, value: step }]);
      await condition(() => paid() || match() !== undefined, timeoutMs);
    }
    return match()?.type ?? (paid() ? 'paid' : 'timeout');
  }

  /** Waits `ms` unless the debt is paid first; true when paid. */
  async function wait(step: string, ms: number): Promise<boolean> {
    if (paid()) return true;
    if (ms <= 0) return false;
    upsertSearchAttributes([{ key: SA.step, value: step }]);
    return condition(paid, ms);
  }

  async function end(outcome: string) {
    await standard.recordOutcome({
      workflowId,
      journey: 'soft-collection',
      version: 1,
      debtId: enrollment.debtId,
      outcome,
      ...(variant !== undefined && { variant }),
      amountDue: enrollment.debt.amountDue,
      currency: enrollment.debt.currency,
      startedAt: workflowInfo().startTime.getTime(),
      endedAt: now(),
    });
    return { outcome, ...(variant !== undefined && { variant }) };
  }

  async function callWebhook(step: string): Promise<boolean> {
    visits[step] = (visits[step] ?? 0) + 1;
    try {
      await webhook.callWebhook({
        key: `${workflowId}/${step}/${visits[step]}`,
        workflowId,
        journey: 'soft-collection',
        version: 1,
        step,
        debtId: enrollment.debtId,
        ...(variant !== undefined && { variant }),
        url: { env: 'ESCALATION_URL' },
        payload: {
          type: 'settle.journey.webhook',
          journey: 'soft-collection',
          step,
          workflowId,
          debtId: enrollment.debtId,
          reference: enrollment.debt.reference,
        },
      });
      return true;
    } catch (e) {
      if (e instanceof ActivityFailure) return false;
      throw e;
    }
  }
  const toAgent = async () => end((await callWebhook('reply-to-agent')) ? 'handedToAgent' : 'handoverFailed');

  // The journey reports its start (journeys started, amount enrolled), as journeyWorkflow does.
  await startReport.journeyStarted({
    workflowId,
    journey: 'soft-collection',
    version: 1,
    amountDue: enrollment.debt.amountDue,
    currency: enrollment.debt.currency,
    startedAt: input.enrolledAt,
  });

  // Day 0: a friendly email; engagement decides the next nudge.
  let next: 'nudge' | 'clicked' | 'opened';
  if ((await send('first-email', 'email', 'overdue-friendly', importantEmail)) === 'failed') next = 'nudge';
  else {
    const e = await waitFor('watch-first-email', ['clicked', 'opened', 'bounced', 'replied'], 3 * DAY);
    if (e === 'paid') return end('paid');
    if (e === 'replied') return toAgent();
    next = e === 'clicked' ? 'clicked' : e === 'opened' ? 'opened' : 'nudge';
  }
  if (next === 'opened') {
    if (await wait('opened-pause', DAY)) return end('paid');
    next = 'nudge';
  }
  let quiet = false;
  if (next === 'nudge') {
    if (paid()) return end('paid');
    const r = await send('nudge-sms', 'sms', 'overdue-nudge-sms');
    if (r !== 'sent') quiet = true;
    else {
      const e = await waitFor('watch-nudge', ['clicked', 'replied'], 4 * DAY);
      if (e === 'paid') return end('paid');
      if (e === 'replied') return toAgent();
      if (e === 'clicked') next = 'clicked';
    }
  }
  if (next === 'clicked') {
    if (await wait('clicked-grace', 3 * DAY)) return end('paid');
    await send('help-sms', 'sms', 'payment-help-sms');
    quiet = true;
  }
  if (quiet && (await wait('quiet-days', 4 * DAY))) return end('paid');

  // Day 5-9: A/B test of the second email, 50/50, sticky per debt (the same assignment as the split step).
  if (paid()) return end('paid');
  variant = assignVariant(enrollment.debtId, 'soft-collection', 'subject-test', [
    { name: 'loss-aversion', weight: 50 },
    { name: 'social-proof', weight: 50 },
  ]).name;
  await send(`email-${variant}`, 'email', `reminder-${variant}`);
  const v = await waitFor(`watch-${variant}`, ['visited', 'replied'], 4 * DAY);
  if (v === 'paid') return end('paid');
  if (v === 'replied') return toAgent();
  if (v === 'visited' && (await wait('plan-pause', 2 * DAY))) return end('paid');

  // Day 9-13: a payment plan for large balances or hesitant payers, else an SMS.
  const visited = events.some((e) => e.type === 'visited');
  if (enrollment.debt.amountDue > 1000 || (visited && enrollment.debt.amountDue >= 100)) {
    await send('offer-plan', 'email', 'payment-plan-offer');
    const e = await waitFor('watch-plan', ['partiallyPaid', 'replied'], 5 * DAY);
    if (e === 'paid') return end('paid');
    if (e === 'partiallyPaid') return end('paymentPlan');
    if (e === 'replied') return toAgent();
  } else {
    await send('reminder-sms', 'sms', 'soft-reminder-sms');
    if (await wait('final-pause', 5 * DAY)) return end('paid');
  }

  // Day 16-21: last friendly email, then the hand-over (not before day 31 after the due date).
  await send('final-friendly-email', 'email', 'final-friendly-reminder', importantEmail);
  const f = await waitFor('watch-final', ['partiallyPaid', 'replied'], 5 * DAY);
  if (f === 'paid') return end('paid');
  if (f === 'partiallyPaid') return end('partiallyPaid');
  if (f === 'replied') return toAgent();
  const handover = Date.parse(`${enrollment.debt.dueDate}T00:00:00Z`) + 744 * HOUR;
  if (await wait('handover-date', handover - now())) return end('paid');
  return end((await callWebhook('hand-over')) ? 'escalated' : 'handoverFailed');
}

/** The debtor ledger the hand-written workflow asks before each send, served by the same worker. */
export { debtorLedgerWorkflow } from '../../src/workflows/ledger-workflow.js';
