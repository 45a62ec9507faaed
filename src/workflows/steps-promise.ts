/**
 * The promise to pay as a step (PROMISE_STEP, promises.ts): the reminder on the day before the
 * date, the wait to the end of the promised day in the debtor's zone, then kept or broken.
 * Workflow-safe.
 */
import { addDays, zonedMidnight } from '../core/timezone.js';
import { PROMISE_STEP, type JourneyPlan, type PlanSend } from '../ir/index.js';
import type { JourneyContext, StepResult } from './context.js';
import { openPromise, promisedDate, promisesHere } from './promises.js';
import { runSend } from './steps-send.js';
import type { PromiseRecord } from './types.js';

/** The reminder of a promise as a send of its own (its message key ends in `-r<n>`). */
function reminderOf(plan: JourneyPlan): PlanSend | undefined {
  const r = plan.promises?.remind;
  if (r === undefined) return undefined;
  return {
    kind: 'send',
    id: PROMISE_STEP,
    source: { file: '', line: 0 },
    channel: r.channel,
    template: r.template,
    paymentLink: r.paymentLink,
    retry: r.retry,
    next: PROMISE_STEP,
  };
}

/** Runs the promise the journey was sent to (or resumes it after continue-as-new). */
export async function runPromise(ctx: JourneyContext): Promise<StepResult> {
  const { state, plan } = ctx;
  const cfg = plan.promises;
  let p = openPromise(state);
  if (p === undefined) {
    // The event that sent the journey here is the interrupt it consumed last.
    const e = state.events.find((x) => x.seq === state.interruptSeq && x.type === 'promised');
    const date = e !== undefined ? promisedDate(e) : undefined;
    if (cfg === undefined || e === undefined || date === undefined) {
      ctx.note('warning', 'promise to pay: no promise to keep', PROMISE_STEP);
      return { next: cfg?.onBroken ?? plan.start };
    }
    p = { seq: e.seq, date, madeAt: ctx.port.now(), status: 'open' };
    (state.promises ??= []).push(p);
    ctx.note('event', `promise to pay by ${date}: nothing is sent until then but the reminder`, PROMISE_STEP);
  }
  const promise = p;
  const remindAt = zonedMidnight(addDays(promise.date, -1), ctx.timezone);
  const checkAt = zonedMidnight(addDays(promise.date, 1), ctx.timezone);
  const reminder = reminderOf(plan);
  const n = promisesHere(state).indexOf(promise) + 1;
  // A reminder on the day before, unless the promise was made that day or later.
  if (
    reminder !== undefined &&
    promise.madeAt < remindAt &&
    !ctx.state.sends.some((s) => s.step === PROMISE_STEP && s.seq > promise.seq)
  ) {
    const stop = await ctx.sleepUntil(remindAt, PROMISE_STEP);
    if (stop) return end(ctx, promise, stop);
    const sent = await runSend(ctx, reminder, `r${n}`);
    if ('end' in sent || sent.interrupt !== undefined) return end(ctx, promise, sent);
  }
  const stop = await ctx.sleepUntil(checkAt, PROMISE_STEP);
  if (stop) return end(ctx, promise, stop);
  promise.status = 'broken';
  promise.endedAt = ctx.port.now();
  ctx.note('event', `promise to pay by ${promise.date} broken: not paid → ${cfg!.onBroken}`, PROMISE_STEP);
  await report(ctx, promise, 'broken');
  return { next: cfg!.onBroken };
}

/** The promise ends with the journey's step: kept when the goal (paid) came, else it lapses unjudged. */
async function end(ctx: JourneyContext, promise: PromiseRecord, result: StepResult): Promise<StepResult> {
  if ('end' in result && ctx.goalReached() && ctx.plan.goal === 'paid') {
    promise.status = 'kept';
    promise.endedAt = ctx.port.now();
    ctx.note('event', `promise to pay by ${promise.date} kept`, PROMISE_STEP);
    await report(ctx, promise, 'kept');
  } else if (!('end' in result) || result.end.charCodeAt(0) !== 0) {
    // Another event took the journey elsewhere (a dispute, an exit): the promise no longer runs.
    promise.status = 'broken';
    promise.endedAt = ctx.port.now();
    ctx.note('event', `promise to pay by ${promise.date} ended: the journey left it`, PROMISE_STEP);
  }
  return result;
}

async function report(ctx: JourneyContext, promise: PromiseRecord, result: 'kept' | 'broken'): Promise<void> {
  const segment = ctx.input.options.segment;
  await ctx.port.run('recordPromise', {
    workflowId: ctx.port.workflowId,
    journey: ctx.plan.journey,
    version: ctx.plan.version,
    result,
    date: promise.date,
    ...(segment !== undefined && { segment }),
  });
}
