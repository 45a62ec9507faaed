/**
 * wait and waitFor. Waits count from the start of their step (journey time), so a journey that
 * continues as new mid-way resumes with the remaining time. The goal, an exit rule or an interrupt
 * ends any wait at once (JourneyContext.stopNow).
 */
import { evaluateTimestamp } from '../core/cel/index.js';
import { addOpenDays } from '../core/open-days.js';
import type { EngagementEvent, PlanWait, PlanWaitFor } from '../ir/index.js';
import type { JourneyContext, StepResult } from './context.js';
import type { EventRecord } from './types.js';

/** The instant a wait step ends, or undefined when it cannot be computed (then it does not wait). */
export function waitEnd(ctx: JourneyContext, step: PlanWait, startedAt: number): number | undefined {
  switch (step.wait.type) {
    case 'duration':
      return startedAt + step.wait.ms;
    case 'businessDays':
      return addOpenDays(ctx.policy, startedAt, step.wait.days, ctx.timezone);
    case 'until':
      try {
        return evaluateTimestamp(ctx.compiled(step.wait.expr), ctx.celInput());
      } catch (e) {
        ctx.note(
          'warning',
          `wait ${step.id}: cannot evaluate \`${step.wait.expr}\` (${(e as Error).message}); not waiting`,
          step.id,
        );
        return undefined;
      }
  }
}

export async function runWait(ctx: JourneyContext, step: PlanWait): Promise<StepResult> {
  const startedAt = ctx.state.stepStartedAt ?? ctx.port.now();
  const end = waitEnd(ctx, step, startedAt);
  if (end !== undefined) {
    const stop = await ctx.sleepUntil(end, step.id);
    if (stop) return stop;
  }
  return { next: step.next };
}

/** Events that never belong to one message: they count whichever message (or none) brought them. */
const DEBT_WIDE: ReadonlySet<EngagementEvent> = new Set([
  'paid',
  'partiallyPaid',
  'replied',
  'optedOut',
  'disputed',
  'resolved',
  'upheld',
]);

/**
 * The send record a waitFor listens from: the latest visit of `after`, or the most recent send of
 * the journey. Its sequence number bounds the events that count.
 */
function anchorSeq(ctx: JourneyContext, step: PlanWaitFor): number {
  const sends = ctx.state.sends.filter((s) => step.after === undefined || s.step === step.after);
  return sends.length > 0 ? sends[sends.length - 1]!.seq : 0;
}

/** The earliest listed event in the window (provider time, then arrival), if any. */
export function matchEvent(ctx: JourneyContext, step: PlanWaitFor, fromSeq: number): EventRecord | undefined {
  const sendSeq = new Map(ctx.state.sends.filter((s) => s.messageId).map((s) => [s.messageId!, s.seq]));
  let best: EventRecord | undefined;
  for (const e of ctx.state.events) {
    if (!step.events.includes(e.type)) continue;
    const s = e.messageId !== undefined ? sendSeq.get(e.messageId) : undefined;
    if (e.messageId !== undefined && !DEBT_WIDE.has(e.type)) {
      if (s === undefined || s < fromSeq) continue;
      // A provider callback can arrive before the send's activity completes (and is recorded):
      // an event about a message of the window counts whenever it arrived.
    } else if (e.seq <= fromSeq) continue;
    if (!best || e.at < best.at || (e.at === best.at && e.seq < best.seq)) best = e;
  }
  return best;
}

export async function runWaitFor(ctx: JourneyContext, step: PlanWaitFor): Promise<StepResult> {
  const startedAt = ctx.state.stepStartedAt ?? ctx.port.now();
  const deadline = startedAt + step.timeoutMs;
  const from = anchorSeq(ctx, step);
  for (;;) {
    const hit = matchEvent(ctx, step, from);
    if (hit) {
      ctx.note('event', `waitFor ${step.id}: ${hit.type} → ${step.on[hit.type] ?? step.next}`, step.id);
      return { next: step.on[hit.type] ?? step.next };
    }
    const stop = ctx.stopNow();
    if (stop) return stop;
    const remaining = deadline - ctx.port.now();
    if (remaining <= 0) {
      ctx.note('event', `waitFor ${step.id}: no ${step.events.join('/')} in time → ${step.onTimeout}`, step.id);
      return { next: step.onTimeout };
    }
    ctx.port.waiting(step.id);
    await ctx.port.waitUntil(() => ctx.stopNow() !== undefined || matchEvent(ctx, step, from) !== undefined, remaining);
  }
}
