/** branch, split, webhook and exit: routing decisions run in workflow code (no activity, no marker). */
import { evaluateBool } from '../core/cel/index.js';
import { assignVariant } from '../core/split.js';
import type { PlanBranch, PlanExit, PlanSplit, PlanWebhook } from '../ir/index.js';
import type { JourneyContext, StepResult } from './context.js';
import { engagementCounts } from './state.js';
import { disputeView, openDispute } from './disputes.js';
import type { DisputeView } from './types.js';

export function runBranch(ctx: JourneyContext, step: PlanBranch): StepResult {
  const input = ctx.celInput();
  for (const [i, c] of step.cases.entries()) {
    let holds = false;
    try {
      holds = evaluateBool(ctx.compiled(c.when), input);
    } catch (e) {
      // A record without an optional field must not stop the journey: the case does not hold.
      ctx.note('warning', `branch ${step.id} case ${i + 1}: ${(e as Error).message}; treated as false`, step.id);
    }
    if (holds) {
      ctx.note('branch', `branch ${step.id}: \`${c.when}\` holds → ${c.next}`, step.id);
      return { next: c.next };
    }
  }
  ctx.note('branch', `branch ${step.id}: no case holds → ${step.default}`, step.id);
  return { next: step.default };
}

export function runSplit(ctx: JourneyContext, step: PlanSplit): StepResult {
  const chosen = ctx.state.variants[step.id];
  const variant =
    step.variants.find((v) => v.name === chosen) ??
    assignVariant(ctx.input.enrollment.debtId, ctx.plan.journey, step.id, step.variants);
  ctx.state.variants[step.id] = variant.name;
  ctx.note('split', `split ${step.id}: variant ${variant.name} → ${variant.next}`, step.id);
  return { next: variant.next };
}

/** An open dispute goes to the agents with the hand-over: its reason and the debtor's words. */
function disputePayload(ctx: JourneyContext): { dispute?: DisputeView } {
  const open = openDispute(ctx.state, ctx.plan.disputes);
  return open === undefined ? {} : { dispute: disputeView(open) };
}

export async function runWebhook(ctx: JourneyContext, step: PlanWebhook): Promise<StepResult> {
  // The current figures (what is still owed, what was paid), not the record as first imported.
  const { enrollment, plan } = { enrollment: ctx.record(), plan: ctx.plan };
  const result = await ctx.port.run(
    'callWebhook',
    {
      ...ctx.messageContext(step.id),
      url: step.url,
      payload: {
        type: 'settle.journey.webhook',
        journey: plan.journey,
        version: plan.version,
        step: step.id,
        workflowId: ctx.port.workflowId,
        debtId: enrollment.debtId,
        reference: enrollment.debt.reference,
        amountDue: enrollment.debt.amountDue,
        currency: enrollment.debt.currency,
        dueDate: enrollment.debt.dueDate,
        ...(enrollment.debt.amountPaid !== undefined && { amountPaid: enrollment.debt.amountPaid }),
        variants: { ...ctx.state.variants },
        engagement: engagementCounts(ctx.state),
        ...disputePayload(ctx),
        at: new Date(ctx.port.now()).toISOString(),
      },
    },
    step.retry,
  );
  if (!result.ok) {
    ctx.note('failed', `webhook ${step.id} failed: ${result.message}`, step.id);
    return { next: step.onFailure ?? step.next };
  }
  ctx.note('webhook', `webhook ${step.id} answered ${result.value.status}`, step.id);
  return { next: step.next };
}

export function endWithOutcome(ctx: JourneyContext, step: PlanExit): StepResult {
  return { end: step.outcome };
}
