/**
 * The journey interpreter: walks the compiled plan one step at a time behind the runtime port.
 * An exhaustive switch on the step kind, one handler each; the goal event ends the journey from
 * any step. The same code runs in Temporal, in the fake-runtime tests and in `settle simulate`.
 */
import type { PlanStep } from '../ir/index.js';
import { JourneyContext, type StepResult } from './context.js';
import type { RuntimePort } from './port.js';
import { outcomeFacts } from './outcome-facts.js';
import { runSend } from './steps-send.js';
import { endWithOutcome, runBranch, runSplit, runWebhook } from './steps-route.js';
import { runWait, runWaitFor } from './steps-wait.js';
import type { JourneyInput, JourneyResult, JourneyState } from './types.js';

/** Steps run without any wait before the interpreter refuses to go on (the compiler forbids such loops). */
export const MAX_STEPS_WITHOUT_WAIT = 1_000;

async function runStep(ctx: JourneyContext, step: PlanStep): Promise<StepResult> {
  switch (step.kind) {
    case 'send':
      return runSend(ctx, step);
    case 'wait':
      return runWait(ctx, step);
    case 'waitFor':
      return runWaitFor(ctx, step);
    case 'branch':
      return runBranch(ctx, step);
    case 'split':
      return runSplit(ctx, step);
    case 'webhook':
      return runWebhook(ctx, step);
    case 'exit':
      return endWithOutcome(ctx, step);
    default: {
      const never: never = step;
      throw new Error(`unknown step kind ${(never as PlanStep).kind}`);
    }
  }
}

export async function runJourney(input: JourneyInput, state: JourneyState, port: RuntimePort): Promise<JourneyResult> {
  const ctx = new JourneyContext(input, state, port);
  let sinceWait = 0;
  while (state.outcome === undefined) {
    if (ctx.goalReached()) {
      await finish(ctx, input.plan.goal);
      break;
    }
    // A step that already started (resumed after continue-as-new) keeps its visit and start time.
    if (state.stepStartedAt === undefined) {
      if (port.continueAsNewSuggested()) await port.continueAsNew(state);
      state.visits[state.current] = (state.visits[state.current] ?? 0) + 1;
      state.stepStartedAt = port.now();
    }
    const step = ctx.step(state.current);
    const result = await runStep(ctx, step);
    state.stepStartedAt = undefined;
    sinceWait = step.kind === 'wait' || step.kind === 'waitFor' ? 0 : sinceWait + 1;
    if ('end' in result) {
      await finish(ctx, result.end);
    } else if (sinceWait > MAX_STEPS_WITHOUT_WAIT) {
      ctx.note('warning', `${MAX_STEPS_WITHOUT_WAIT} steps without a wait: stopping a runaway loop`, step.id);
      await finish(ctx, 'aborted');
    } else {
      state.current = result.next;
    }
  }
  return result(ctx);
}

async function finish(ctx: JourneyContext, outcome: string): Promise<void> {
  const { state, input, port } = ctx;
  state.outcome = outcome;
  state.endedAt = port.now();
  ctx.note('exit', `journey ended: ${outcome}`, state.current);
  const variant = ctx.variant();
  await port.run('recordOutcome', {
    workflowId: port.workflowId,
    journey: input.plan.journey,
    version: input.plan.version,
    debtId: input.enrollment.debtId,
    outcome,
    ...(variant !== undefined && { variant }),
    amountDue: input.enrollment.debt.amountDue,
    currency: input.enrollment.debt.currency,
    startedAt: state.startedAt,
    endedAt: state.endedAt,
    ...outcomeFacts(input, state),
  });
}

function result(ctx: JourneyContext): JourneyResult {
  const variant = ctx.variant();
  return {
    outcome: ctx.state.outcome ?? 'unknown',
    journey: ctx.plan.journey,
    version: ctx.plan.version,
    steps: Object.values(ctx.state.visits).reduce((a, b) => a + b, 0),
    sends: ctx.state.sends.filter((s) => s.status === 'sent').length,
    ...(variant !== undefined && { variant }),
  };
}
