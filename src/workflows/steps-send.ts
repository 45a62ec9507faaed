/**
 * The send step. First the contact rules: the debtor's contact ledger (shared by every journey of
 * the debtor) decides with the plan's policy — send now, defer until an instant (the step waits
 * durably, then asks again), or skip (consent, opt-out, no address, a `skip` cap), which routes to
 * onBlocked. Then an optional payment link, then the message with the step's retry policy; a
 * failure routes to onFailure. Every deferral and block goes into the audit trail.
 */
import { describeDecision } from '../core/policy/index.js';
import { messageParts } from '../core/template-values.js';
import { FAILURE } from '../ir/index.js';
import type { Channel, PlanSend } from '../ir/index.js';
import { contactKeyOf, DEBTOR_BOUNCE_PATCH, PROVIDER_OPT_OUT_PATCH } from './contact-keys.js';
import type { JourneyContext, StepResult } from './context.js';
import { holdoutOf } from './holdout.js';
import { openDispute } from './disputes.js';
import { preferencesOf } from './self-service.js';
import { applyEvent } from './state.js';
import type { SendRecord } from './types.js';
import type { MessageContext, SendInput } from './contract.js';

/**
 * Appends a send record. Built field by field (this runs for every send), in the order the record
 * always had: seq, step, visit, channel, template, status, at, then messageId / locale / reason.
 */
function record(
  ctx: JourneyContext,
  step: PlanSend,
  status: SendRecord['status'],
  at: number,
  messageId?: string,
  locale?: string,
  reason?: string,
  seq?: number,
): SendRecord {
  const r: SendRecord = {
    seq: seq ?? ++ctx.state.seq,
    step: step.id,
    visit: ctx.state.visits[step.id] ?? 1,
    channel: step.channel,
    template: step.template,
    status,
    at,
  };
  if (messageId !== undefined) r.messageId = messageId;
  if (locale !== undefined) r.locale = locale;
  if (reason !== undefined) r.reason = reason;
  ctx.state.sends.push(r);
  return r;
}

/** An activity input: the message context's fields first (as a spread of it would give), then `more`'s. */
function withContext<T extends object>(base: MessageContext, more: T): MessageContext & T {
  const out = {
    key: base.key,
    workflowId: base.workflowId,
    journey: base.journey,
    version: base.version,
    step: base.step,
    debtId: base.debtId,
  } as MessageContext & T;
  if (base.variant !== undefined) out.variant = base.variant;
  if (base.segment !== undefined) out.segment = base.segment;
  Object.assign(out, more);
  return out;
}

function hasAddress(ctx: JourneyContext, step: PlanSend): boolean {
  const { debtor } = ctx.record();
  return step.channel === 'email' ? Boolean(debtor.email) : Boolean(debtor.phone);
}

/**
 * Asks the ledger until the send may go: `{ granted }` (the instant the ledger booked the contact
 * at; it is now) when it may, else where the journey goes instead (blocked → onBlocked, or the
 * goal reached while deferred).
 */
async function clearContactRules(
  ctx: JourneyContext,
  step: PlanSend,
  key: string,
): Promise<StepResult | { granted: number }> {
  const { debtor } = ctx.record();
  for (let round = 1; ; round++) {
    const requestedAt = ctx.port.now();
    const decision = await ctx.port.reserveContact({
      debtorKey: ctx.input.options.debtorKey,
      journey: ctx.plan.journey,
      version: ctx.plan.version,
      step: step.id,
      request: {
        requestId: `${key}#${round}`,
        debtId: ctx.input.enrollment.debtId,
        workflowId: ctx.port.workflowId,
        channel: step.channel,
        requestedAt,
        // Plain properties (undefined ones vanish in the activity payload): this runs for every send.
        timezone: debtor.timezone,
        consent: debtor.consent,
        optedOut: ctx.state.optedOut.slice(),
        policy: ctx.policy,
        localBlock: hasAddress(ctx, step) ? undefined : 'noAddress',
        contactKey: contactKeyOf(ctx.input, step.channel, { debtor }),
      },
    });
    switch (decision.action) {
      case 'skip': {
        record(ctx, step, 'blocked', ctx.port.now(), undefined, undefined, decision.reason);
        const message =
          decision.reason === 'noAddress'
            ? `${step.channel} of step ${step.id} blocked: ${decision.detail}`
            : describeDecision(decision, requestedAt, step.channel, step.id);
        ctx.note('blocked', message, step.id, { channel: step.channel, reason: decision.reason });
        return { next: step.onBlocked ?? step.next };
      }
      case 'defer':
        ctx.note('deferred', describeDecision(decision, requestedAt, step.channel, step.id), step.id, {
          channel: step.channel,
          reason: decision.reason,
          until: decision.until,
        });
        {
          const stop = await ctx.sleepUntil(decision.until, step.id);
          if (stop) return stop;
        }
        continue;
      case 'send':
        // The contact is booked at `at` (later than now only under a policy's jitter).
        if (decision.at > requestedAt) {
          const stop = await ctx.sleepUntil(decision.at, step.id);
          if (stop) return stop;
        }
        return { granted: decision.at };
    }
  }
}

/**
 * A granted send takes its sequence number at once, before its activities run: an event that
 * arrives while the message is on its way (a reply, say) then comes after the send, and a waitFor
 * that listens from this send counts it. Journeys recorded before this change numbered the send
 * when it completed; they replay that way.
 */
export const SEND_SEQ_PATCH = 'settle-send-seq-at-grant';

/**
 * `visitKey`: a send that is not a step of its own (a payment plan's reminder) names its message
 * by this suffix of the step visit's key, so each reminder has its own idempotency key.
 */
export async function runSend(ctx: JourneyContext, step: PlanSend, visitKey?: string): Promise<StepResult> {
  const held = holdoutOf(ctx.plan, ctx.state);
  if (held) return heldOut(ctx, step, held);
  if (openDispute(ctx.state) !== undefined) {
    const stop = await holdWhileDisputed(ctx, step);
    if (stop) return stop;
  }
  const preferred = otherChannelPreferred(ctx, step);
  if (preferred !== undefined) {
    record(ctx, step, 'blocked', ctx.port.now(), undefined, undefined, 'preferredChannel');
    ctx.note('blocked', `${step.channel} of step ${step.id} not sent: the debtor prefers ${preferred}`, step.id, {
      channel: step.channel,
      reason: 'preferredChannel',
    });
    return { next: step.onBlocked ?? step.next };
  }
  const stepKey = visitKey === undefined ? ctx.key(step.id) : `${ctx.key(step.id)}-${visitKey}`;
  const ruled = await clearContactRules(ctx, step, stepKey);
  if (!('granted' in ruled)) return ruled;
  const seq = (ctx.port.patched?.(SEND_SEQ_PATCH) ?? true) ? ++ctx.state.seq : undefined;
  // The send is recorded at the instant the ledger booked it (activities take a moment), so the
  // journey's records and the ledger's contacts agree to the millisecond.
  const at = ruled.granted;
  // The current figures: what is still owed, what was paid, the plan (src/workflows/money.ts).
  const enrollment = ctx.record();
  const plan = ctx.plan;
  const base = ctx.messageContext(step.id);
  if (visitKey !== undefined) base.key = stepKey;
  const key = base.key;
  let payUrl: string | undefined;
  if (step.paymentLink) {
    const link = await ctx.port.run(
      'createPaymentLink',
      withContext(base, {
        source: step.channel,
        amountDue: enrollment.debt.amountDue,
        currency: enrollment.debt.currency,
      }),
    );
    if (!link.ok) return failed(ctx, step, key, link.type, link.message, seq);
    payUrl = link.value.url;
  }
  const template = plan.templates[step.template];
  if (!template)
    return failed(ctx, step, key, FAILURE.invalidInput, `template ${step.template} missing from the plan`, seq);
  // The message in the debtor's locale, its address and the values that locale reads: not the
  // whole record and every language (activity inputs stay in the history). The same command as
  // before, so running journeys replay; the activity also takes the old full input.
  const parts = messageParts(template, enrollment, step.channel);
  const input: SendInput = withContext(
    base,
    payUrl !== undefined
      ? { channel: step.channel, ...parts, nowMs: ctx.port.now(), payUrl }
      : { channel: step.channel, ...parts, nowMs: ctx.port.now() },
  );
  const result = await ctx.port.run(step.channel === 'email' ? 'sendEmail' : 'sendSms', input, step.retry);
  if (!result.ok) {
    const next = failed(ctx, step, key, result.type, result.message, seq);
    if (result.type === FAILURE.hardBounce) await reportBounce(ctx, step, at);
    if (result.type === FAILURE.optedOut) await reportProviderOptOut(ctx, step);
    return next;
  }
  record(ctx, step, 'sent', at, key, result.value.locale, undefined, seq);
  ctx.note(
    'send',
    `${step.channel} of step ${step.id} sent (template ${step.template}, ${result.value.locale})`,
    step.id,
  );
  return { next: step.next };
}

/**
 * The channel the debtor prefers (payment page), when it is not this send's and they can be
 * reached on it (an address, not opted out): the send is skipped as blocked (onBlocked). Only
 * journeys that heard a `preferencesChanged` event get a preference, so recorded histories replay.
 */
function otherChannelPreferred(ctx: JourneyContext, step: PlanSend): Channel | undefined {
  const channel = preferencesOf(ctx.state)?.channel;
  if (channel === undefined || channel === step.channel || ctx.state.optedOut.includes(channel)) return undefined;
  const { debtor } = ctx.record();
  return (channel === 'email' ? debtor.email : debtor.phone) ? channel : undefined;
}

/**
 * Nothing is sent while a dispute is open: the send waits (durably, no timer) until an operator
 * resolves it — then it goes out, unless `disputes.onResolved` sends the journey elsewhere — or
 * upholds it (the journey ends). The goal and other interrupts still apply. Only journeys that
 * heard a `disputed` event get here, so recorded histories replay unchanged.
 */
async function holdWhileDisputed(ctx: JourneyContext, step: PlanSend): Promise<StepResult | undefined> {
  const stop = ctx.stopNow();
  if (stop) return stop;
  ctx.note('deferred', `${step.channel} of step ${step.id} held: the debtor disputes the debt`, step.id, {
    channel: step.channel,
    reason: 'disputed',
  });
  ctx.port.waiting(step.id);
  await ctx.port.waitUntil(() => ctx.stopNow() !== undefined || openDispute(ctx.state) === undefined);
  const after = ctx.stopNow();
  if (after) return after;
  ctx.note('step', `dispute resolved: ${step.channel} of step ${step.id} goes on`, step.id);
  return undefined;
}

/** A holdout debt is sent nothing: the send is recorded as blocked (reason holdout) and the journey goes on to `next`. */
function heldOut(ctx: JourneyContext, step: PlanSend, held: { split: string; variant: string }): StepResult {
  record(ctx, step, 'blocked', ctx.port.now(), undefined, undefined, 'holdout');
  ctx.note(
    'blocked',
    `${step.channel} of step ${step.id} not sent: variant ${held.variant} of split ${held.split} is a holdout`,
    step.id,
    { channel: step.channel, reason: 'holdout' },
  );
  return { next: step.next };
}

/** The address hard-bounced: the debtor's ledger refuses it from now on, for every debt of the debtor. */
async function reportBounce(ctx: JourneyContext, step: PlanSend, bookedAt: number): Promise<void> {
  if (!ctx.port.reportBounce || !(ctx.port.patched?.(DEBTOR_BOUNCE_PATCH) ?? true)) return;
  const contactKey = contactKeyOf(ctx.input, step.channel, ctx.record());
  await ctx.port.reportBounce({
    debtorKey: ctx.input.options.debtorKey,
    channel: step.channel,
    ...(contactKey !== undefined && { contactKey }),
    debtId: ctx.input.enrollment.debtId,
    at: ctx.port.now(),
    // The email never reached the person: the ledger forgets its contact (the gap, the caps).
    message: { workflowId: ctx.port.workflowId, at: bookedAt },
  });
}

/** The provider says the person opted out: every journey of the debtor stops using the channel. */
async function reportProviderOptOut(ctx: JourneyContext, step: PlanSend): Promise<void> {
  if (!ctx.port.reportConsent || !(ctx.port.patched?.(PROVIDER_OPT_OUT_PATCH) ?? true)) return;
  await ctx.port.reportConsent({ debtorKey: ctx.input.options.debtorKey, channel: step.channel, optedOut: true });
}

function failed(
  ctx: JourneyContext,
  step: PlanSend,
  key: string,
  type: string,
  message: string,
  seq?: number,
): StepResult {
  const now = ctx.port.now();
  if (type === FAILURE.optedOut) {
    record(ctx, step, 'blocked', now, undefined, undefined, 'optedOut', seq);
    if (!ctx.state.optedOut.includes(step.channel)) ctx.state.optedOut.push(step.channel);
    ctx.note('blocked', `${step.channel} of step ${step.id} refused by the provider: the debtor opted out`, step.id);
    return { next: step.onBlocked ?? step.next };
  }
  const reason =
    type === FAILURE.hardBounce
      ? 'hardBounce'
      : type === FAILURE.softBounce
        ? 'softBounce'
        : type === FAILURE.invalidInput
          ? 'invalidInput'
          : 'error';
  record(ctx, step, 'failed', now, key, undefined, reason, seq);
  if (reason === 'hardBounce' || reason === 'softBounce') {
    applyEvent(
      ctx.state,
      {
        eventId: `${key}/${reason}`,
        type: reason === 'hardBounce' ? 'bounced' : 'softBounced',
        messageId: key,
        at: new Date(now).toISOString(),
      },
      now,
    );
  }
  ctx.note('failed', `${step.channel} of step ${step.id} failed (${reason}): ${message}`, step.id);
  return { next: step.onFailure ?? step.next };
}
