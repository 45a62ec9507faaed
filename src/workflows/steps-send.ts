/**
 * The send step: consent and opt-out first, then an optional payment link, then the message,
 * with the step's retry policy. A failure routes to onFailure; a block to onBlocked.
 */
import { FAILURE } from '../ir/index.js';
import type { PlanSend } from '../ir/index.js';
import type { JourneyContext, StepResult } from './context.js';
import { applyEvent } from './state.js';
import type { SendRecord } from './types.js';

/** Why a send cannot happen at all (consent, opt-out, no address), or undefined. */
export function blockReason(ctx: JourneyContext, step: PlanSend): string | undefined {
  const { debtor } = ctx.input.enrollment;
  if (ctx.state.optedOut.includes(step.channel)) return 'optedOut';
  const consent = debtor.consent?.[step.channel];
  if (consent === false) return 'noConsent';
  if (ctx.plan.policy.consent[step.channel] === 'required' && consent !== true) return 'noConsent';
  if (step.channel === 'email' && !debtor.email) return 'noAddress';
  if (step.channel === 'sms' && !debtor.phone) return 'noAddress';
  return undefined;
}

function record(ctx: JourneyContext, step: PlanSend, status: SendRecord['status'], extra: Partial<SendRecord> = {}): SendRecord {
  const r: SendRecord = {
    seq: ++ctx.state.seq,
    step: step.id,
    visit: ctx.state.visits[step.id] ?? 1,
    channel: step.channel,
    template: step.template,
    status,
    at: ctx.port.now(),
    ...extra,
  };
  ctx.state.sends.push(r);
  return r;
}

export async function runSend(ctx: JourneyContext, step: PlanSend): Promise<StepResult> {
  const blocked = blockReason(ctx, step);
  if (blocked) {
    record(ctx, step, 'blocked', { reason: blocked });
    ctx.note('blocked', `${step.channel} of step ${step.id} blocked: ${blocked}`, step.id);
    return { next: step.onBlocked ?? step.next };
  }
  const { enrollment, plan } = { enrollment: ctx.input.enrollment, plan: ctx.plan };
  const base = ctx.messageContext(step.id);
  const key = base.key;
  let payUrl: string | undefined;
  if (step.paymentLink) {
    const link = await ctx.port.run('createPaymentLink', {
      ...base,
      source: step.channel,
      amountDue: enrollment.debt.amountDue,
      currency: enrollment.debt.currency,
    });
    if (!link.ok) return failed(ctx, step, key, link.type, link.message);
    payUrl = link.value.url;
  }
  const template = plan.templates[step.template];
  if (!template) return failed(ctx, step, key, FAILURE.invalidInput, `template ${step.template} missing from the plan`);
  const result = await ctx.port.run(
    step.channel === 'email' ? 'sendEmail' : 'sendSms',
    { ...base, channel: step.channel, template, enrollment, nowMs: ctx.port.now(), ...(payUrl !== undefined && { payUrl }) },
    step.retry,
  );
  if (!result.ok) return failed(ctx, step, key, result.type, result.message);
  record(ctx, step, 'sent', { messageId: key, locale: result.value.locale });
  ctx.note('send', `${step.channel} of step ${step.id} sent (template ${step.template}, ${result.value.locale})`, step.id);
  return { next: step.next };
}

function failed(ctx: JourneyContext, step: PlanSend, key: string, type: string, message: string): StepResult {
  const now = ctx.port.now();
  if (type === FAILURE.optedOut) {
    record(ctx, step, 'blocked', { reason: 'optedOut' });
    if (!ctx.state.optedOut.includes(step.channel)) ctx.state.optedOut.push(step.channel);
    ctx.note('blocked', `${step.channel} of step ${step.id} refused by the provider: the debtor opted out`, step.id);
    return { next: step.onBlocked ?? step.next };
  }
  const reason = type === FAILURE.hardBounce ? 'hardBounce' : type === FAILURE.softBounce ? 'softBounce' : type === FAILURE.invalidInput ? 'invalidInput' : 'error';
  record(ctx, step, 'failed', { messageId: key, reason });
  if (reason === 'hardBounce' || reason === 'softBounce') {
    applyEvent(ctx.state, { eventId: `${key}/${reason}`, type: reason === 'hardBounce' ? 'bounced' : 'softBounced', messageId: key, at: new Date(now).toISOString() }, now);
  }
  ctx.note('failed', `${step.channel} of step ${step.id} failed (${reason}): ${message}`, step.id);
  return { next: step.onFailure ?? step.next };
}
