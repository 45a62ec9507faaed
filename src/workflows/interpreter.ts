/**
 * The journey interpreter: walks the compiled plan one step at a time behind the runtime port.
 * An exhaustive switch on the step kind, one handler each; the goal, an exit rule or an interrupt
 * takes the journey out of any step (JourneyContext.stopNow). An exit with `handOver` routes the
 * debt on to its next journey. The same code runs in Temporal, in the fake-runtime tests and in
 * `settle simulate`.
 */
import { PROMISE_STEP, type PlanExit, type PlanStep } from '../ir/index.js';
import { JourneyContext, MIGRATING, MOVED, type StepResult } from './context.js';
import { migrationTarget } from './migration.js';
import type { RuntimePort } from './port.js';
import { outcomeFacts } from './outcome-facts.js';
import { runSend } from './steps-send.js';
import { endWithOutcome, runBranch, runSplit, runWebhook } from './steps-route.js';
import { runWait, runWaitFor } from './steps-wait.js';
import { runTrackPlan } from './steps-plan.js';
import { runPromise } from './steps-promise.js';
import type { JourneyInput, JourneyResult, JourneyState, PlanRef } from './types.js';

/** How far ahead a hand-over looks for the next journey of a debt (e.g. its due date, then late). */
export const HAND_OVER_HORIZON_MS = 400 * 86_400_000;

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
    case 'trackPlan':
      return runTrackPlan(ctx, step);
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
    const stop = ctx.stopNow();
    if (stop && 'end' in stop && stop.end === MIGRATING) {
      await migrate(ctx);
      continue;
    }
    if (stop && 'end' in stop) {
      if (stop.end === MOVED && state.moveTo !== undefined && port.handOver !== undefined) {
        await moveOn(ctx, MOVED, state.moveTo);
      } else await finish(ctx, stop.end);
      break;
    }
    if (stop) {
      // An interrupt between steps (its event came while a step ran): go there before anything else.
      jump(ctx, stop);
      continue;
    }
    // A step that already started (resumed after continue-as-new) keeps its visit and start time.
    if (state.stepStartedAt === undefined) {
      if (port.continueAsNewSuggested()) await port.continueAsNew(state);
      state.visits[state.current] = (state.visits[state.current] ?? 0) + 1;
      state.stepStartedAt = port.now();
    }
    // A promise to pay is kept under its own id (not a step of the plan): src/workflows/promises.ts.
    const promise = state.current === PROMISE_STEP;
    const step = promise ? undefined : ctx.step(state.current);
    const result = step === undefined ? await runPromise(ctx) : await runStep(ctx, step);
    // A migration stops a step mid-wait: the step resumes (in the new plan or this one) where it was.
    if ('end' in result && result.end === MIGRATING) continue;
    state.stepStartedAt = undefined;
    sinceWait =
      step === undefined || step.kind === 'wait' || step.kind === 'waitFor' || step.kind === 'trackPlan'
        ? 0
        : sinceWait + 1;
    if ('end' in result) {
      if (step?.kind === 'exit' && step.handOver === true) await handOver(ctx, step, result.end);
      else await finish(ctx, result.end);
    } else if (result.interrupt !== undefined) {
      jump(ctx, result);
    } else if (sinceWait > MAX_STEPS_WITHOUT_WAIT) {
      ctx.note('warning', `${MAX_STEPS_WITHOUT_WAIT} steps without a wait: stopping a runaway loop`, state.current);
      await finish(ctx, 'aborted');
    } else {
      ctx.settleInterrupts(state.current);
      state.current = result.next;
    }
  }
  return result(ctx);
}

/**
 * settle migrate: the version asked for is loaded; the journey's step goes to its place there
 * (`migration.steps`, else the step of the same id) and the journey goes on with the new plan and
 * all its state (a wait keeps its start). A step with no place, or a version that does not take
 * journeys of this one, leaves the journey where it is; either way the attempt is recorded.
 */
async function migrate(ctx: JourneyContext): Promise<void> {
  const { state, plan, port } = ctx;
  const ask = state.migrateTo!;
  delete state.migrateTo;
  const record = (toStep?: string, reason?: string) => {
    state.migrations ??= [];
    state.migrations.push({
      requestId: ask.requestId,
      at: port.now(),
      fromVersion: plan.version,
      toVersion: ask.to.version,
      fromStep: state.current,
      ...(toStep !== undefined && { toStep }),
      ...(reason !== undefined && { reason }),
    });
  };
  if (port.loadPlan === undefined || port.continueWithPlan === undefined) return;
  const next = await port.loadPlan(ask.to);
  const to = migrationTarget(next, plan.journey, plan.version, state.current);
  if ('stay' in to) {
    record(undefined, to.stay);
    ctx.note('warning', `migration to v${ask.to.version}: ${to.stay}; staying on v${plan.version}`, state.current);
    return;
  }
  const target = to.step;
  record(target);
  ctx.note('step', `migrated v${plan.version} → v${next.version}: ${state.current} → ${target}`, state.current);
  if (target !== state.current) {
    if (state.stepStartedAt !== undefined) state.visits[target] = (state.visits[target] ?? 0) + 1;
    state.current = target;
  }
  await port.continueWithPlan(next, state);
}

/** Follows an interrupt: its event is consumed, the journey goes to its step. */
function jump(ctx: JourneyContext, to: { next: string; interrupt?: { seq: number; event: string } }): void {
  const { state } = ctx;
  if (to.interrupt !== undefined) state.interruptSeq = Math.max(state.interruptSeq ?? 0, to.interrupt.seq);
  ctx.note('event', `interrupt: ${to.interrupt?.event ?? 'event'} during ${state.current} → ${to.next}`, state.current);
  state.current = to.next;
  state.stepStartedAt = undefined;
}

/**
 * An exit with `handOver`: the segments route the debt again (routeDebt). Another journey now or
 * later → the journey waits until then (the goal, an exit or an interrupt still apply), ends with
 * its outcome, and the debt goes on in the next journey with its history (port.handOver). No
 * other journey (or no way to move it) → it simply ends.
 */
async function handOver(ctx: JourneyContext, step: PlanExit, outcome: string): Promise<void> {
  const { state, input, port } = ctx;
  if (port.handOver === undefined) {
    await finish(ctx, outcome);
    return;
  }
  const routed = await port.run('routeDebt', {
    workflowId: port.workflowId,
    debtId: input.enrollment.debtId,
    from: { journey: input.plan.journey, version: input.plan.version },
    enrollment: ctx.record(),
    at: port.now(),
    horizonMs: HAND_OVER_HORIZON_MS,
  });
  if (!routed.ok || 'none' in routed.value) {
    const why = routed.ok ? (routed.value as { none: string }).none : routed.message;
    ctx.note('exit', `hand-over from ${step.id}: no next journey (${why})`, step.id);
    await finish(ctx, outcome);
    return;
  }
  const next = routed.value;
  state.handOver = { journey: next.to.journey, version: next.to.version, at: next.at };
  ctx.note(
    'exit',
    `hand-over from ${step.id} to ${next.to.journey} v${next.to.version} at ${new Date(next.at).toISOString()}`,
    step.id,
  );
  const stop = await ctx.sleepUntil(next.at, step.id);
  state.handOver = undefined;
  if (stop && 'end' in stop && !(stop.end === MOVED && state.moveTo !== undefined)) return finish(ctx, stop.end);
  if (stop && !('end' in stop)) {
    jump(ctx, stop);
    return;
  }
  // The leg ends at the routed instant (the routing itself takes a moment on a real worker).
  await moveOn(
    ctx,
    outcome,
    state.moveTo ?? { to: next.to, ...(next.segment !== undefined && { segment: next.segment }) },
    state.moveTo === undefined ? next.at : undefined,
  );
}

/** Ends this journey with `outcome` and carries the debt, with its history, into the next one. */
async function moveOn(
  ctx: JourneyContext,
  outcome: string,
  next: { to: PlanRef; segment?: string },
  /** The instant the debt moves (a hand-over's routed instant; the moment it is asked otherwise). */
  at?: number,
): Promise<void> {
  const { state, input, port } = ctx;
  const endedAt = at ?? port.now();
  await finish(ctx, outcome);
  const leg = {
    journey: input.plan.journey,
    version: input.plan.version,
    ...(input.options.segment !== undefined && { segment: input.options.segment }),
    startedAt: state.startedAt,
    endedAt,
    outcome,
  };
  // The debt's history goes on; this journey's own progress does not.
  const carried: JourneyState = {
    ...state,
    current: '',
    // Visits go on counting: with one workflow id per debt, a step id both journeys have (with-agent)
    // must not give the next journey's message the key of this one's (keys are workflowId/step/visit).
    visits: { ...state.visits },
    variants: {},
    startedAt: endedAt,
    path: [...(state.path ?? []), leg],
    legStartSeq: state.seq,
    interruptSeq: state.seq,
    legPending: true,
    ...(state.money !== undefined && { legPaidFrom: state.money.paid }),
  };
  delete carried.outcome;
  delete carried.endedAt;
  delete carried.stepStartedAt;
  delete carried.handOver;
  delete carried.moveTo;
  ctx.note('exit', `moved on to ${next.to.journey} v${next.to.version}`, state.current);
  await port.handOver!(next, carried);
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
    ...(state.money !== undefined && { amountPaid: state.money.paid - (state.legPaidFrom ?? 0) }),
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
