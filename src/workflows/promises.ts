/**
 * Promises to pay (docs/language.md#promises-to-pay): the debtor picks a date on the payment page
 * (the `promised` event, `data.date` YYYY-MM-DD in their zone). A journey with `promises` leaves
 * its step for the promise (PROMISE_STEP, like an interrupt): it sends nothing but the declared
 * reminder (on the day before the date, through the contact rules), and waits until the end of the
 * promised day in the debtor's zone. The debt paid in full by then is the promise kept (the goal
 * ends the journey); else it is broken and the journey goes to `promises.onBroken`. Kept and
 * broken are reported to the worker's metrics (the recordPromise activity). Workflow-safe.
 */
import { addDays, zonedMidnight } from '../core/timezone.js';
import { PROMISE_STEP, type JourneyPlan, type PlanSend } from '../ir/index.js';
import type { JourneyContext, StepResult } from './context.js';
import { runSend } from './steps-send.js';
import type { EventRecord, JourneyState, PromiseRecord } from './types.js';

const ISO_DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/** The promised date of a `promised` event, when it is a calendar date. */
export function promisedDate(e: Pick<EventRecord, 'data'>): string | undefined {
  const d = e.data?.date;
  if (typeof d !== 'string' || !ISO_DATE.test(d)) return undefined;
  // A date that does not exist (2026-02-30) does not survive a round trip.
  return new Date(`${d}T00:00:00Z`).toISOString().slice(0, 10) === d ? d : undefined;
}

/** Promises of this journey (not those of an earlier journey of the debt). */
function promisesHere(state: JourneyState): PromiseRecord[] {
  const from = state.legStartSeq ?? 0;
  return (state.promises ?? []).filter((p) => p.seq > from);
}

/** The promise running now, if any. */
export function openPromise(state: JourneyState): PromiseRecord | undefined {
  return state.promises?.find((p) => p.status === 'open');
}

/**
 * Where a `promised` event sends the journey: to the promise, when the journey takes promises, the
 * date is a date, none is running and the journey's allowance is not used up. Undefined otherwise
 * (the event is only recorded).
 */
export function promiseRoute(
  plan: Pick<JourneyPlan, 'promises'>,
  state: JourneyState,
  e: Pick<EventRecord, 'type' | 'data'>,
): string | undefined {
  const cfg = plan.promises;
  if (cfg === undefined || e.type !== 'promised' || promisedDate(e) === undefined) return undefined;
  if (openPromise(state) !== undefined || promisesHere(state).length >= cfg.max) return undefined;
  return PROMISE_STEP;
}

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

/** What the payment page shows: this journey's promises and the form's window. */
export function promisesView(
  plan: Pick<JourneyPlan, 'promises'>,
  state: JourneyState,
): { promises?: Omit<PromiseRecord, 'seq'>[]; promiseForm?: { maxDays: number; left: number } } {
  const here = promisesHere(state).map(({ seq: _seq, ...rest }) => ({ ...rest }));
  const cfg = plan.promises;
  return {
    ...(here.length > 0 && { promises: here }),
    ...(cfg !== undefined && { promiseForm: { maxDays: cfg.maxDays, left: Math.max(0, cfg.max - here.length) } }),
  };
}
