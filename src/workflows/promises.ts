/**
 * Promises to pay (docs/language.md#promises-to-pay): the debtor picks a date on the payment page
 * (the `promised` event, `data.date` YYYY-MM-DD in their zone). A journey with `promises` leaves
 * its step for the promise (PROMISE_STEP, like an interrupt): it sends nothing but the declared
 * reminder (on the day before the date, through the contact rules), and waits until the end of the
 * promised day in the debtor's zone. The debt paid in full by then is the promise kept (the goal
 * ends the journey); else it is broken and the journey goes to `promises.onBroken`. Kept and
 * broken are reported to the worker's metrics (the recordPromise activity). The records and
 * routing are here; the promise as a step (reminder, wait, kept or broken) is steps-promise.ts.
 * Workflow-safe.
 */
import { PROMISE_STEP, type JourneyPlan } from '../ir/index.js';
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
export function promisesHere(state: JourneyState): PromiseRecord[] {
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
