/**
 * trackPlan: follows the payment plan the debtor agreed to (src/workflows/money.ts holds it).
 * For each instalment not yet paid: a reminder `remind.before` its due date (a send through the
 * contact rules like any other, with its own message key), then a wait until the due date plus
 * the grace period; paid in time → the next instalment; missed → `onBroken`. The last instalment
 * in means nothing is owed: the goal `paid` ends the journey. No plan agreed → `next` at once.
 */
import type { PlanSend, PlanTrackPlan } from '../ir/index.js';
import type { JourneyContext, StepResult } from './context.js';
import { instalmentsPaid } from './money.js';
import { runSend } from './steps-send.js';

function reminderStep(step: PlanTrackPlan): PlanSend | undefined {
  const r = step.remind;
  if (r === undefined) return undefined;
  return {
    kind: 'send',
    id: step.id,
    source: step.source,
    channel: r.channel,
    template: r.template,
    paymentLink: r.paymentLink,
    retry: r.retry,
    next: step.id,
  };
}

export async function runTrackPlan(ctx: JourneyContext, step: PlanTrackPlan): Promise<StepResult> {
  const reminder = reminderStep(step);
  for (;;) {
    const plan = ctx.state.plan;
    if (plan === undefined || plan.brokenAt !== undefined) {
      ctx.note('step', `trackPlan ${step.id}: no payment plan agreed → ${step.next}`, step.id);
      return { next: step.next };
    }
    const k = instalmentsPaid(plan);
    if (k >= plan.count) {
      // Paid in full ends the journey through the goal; a journey whose goal is not `paid` goes on.
      return ctx.stopNow() ?? { next: step.next };
    }
    const due = plan.dueAt[k]!;
    const paidNow = () => instalmentsPaid(plan) > k || plan !== ctx.state.plan;
    if (reminder !== undefined && step.remind !== undefined && !plan.reminded.includes(k)) {
      const stop = await ctx.sleepUntil(due - step.remind.beforeMs, step.id, paidNow);
      if (stop) return stop;
      if (paidNow()) continue;
      plan.reminded.push(k);
      ctx.note('step', `trackPlan ${step.id}: reminder of instalment ${k + 1} of ${plan.count}`, step.id);
      const sent = await runSend(ctx, reminder, `i${k + 1}`);
      if ('end' in sent || sent.interrupt !== undefined) return sent;
      // A failed or blocked reminder does not break the plan: the instalment is still awaited.
    }
    const stop = await ctx.sleepUntil(due + step.graceMs, step.id, paidNow);
    if (stop) return stop;
    if (paidNow()) {
      ctx.note('event', `trackPlan ${step.id}: instalment ${k + 1} of ${plan.count} paid`, step.id);
      continue;
    }
    plan.brokenAt = ctx.port.now();
    ctx.note(
      'event',
      `trackPlan ${step.id}: instalment ${k + 1} of ${plan.count} missed (grace over) → ${step.onBroken}`,
      step.id,
    );
    return { next: step.onBroken };
  }
}
