/**
 * Disputes (docs/language.md#disputes): the debtor disputes the debt on the payment page (the
 * `disputed` event, its reason in `data.reason`, their words in `data.text`); an operator closes
 * it with `resolved` or `upheld` (`settle event`). A dispute is open from its `disputed` event to
 * the first `resolved` or `upheld` after it; a `disputed` while one is open, or a `resolved` /
 * `upheld` while none is, changes nothing. Derived from the debt's events (every journey of it,
 * so a dispute opened before a hand-over still holds), never stored apart: workflow-safe, pure.
 */
import { DISPUTE_REASONS, DISPUTE_TEXT_LIMIT, type DisputeReason, type PlanDisputes } from '../ir/index.js';
import type { DisputeView, EventRecord, JourneyState } from './types.js';

export interface DisputeRecord {
  /** Sequence number of its `disputed` event. */
  seq: number;
  reason: DisputeReason;
  /** The debtor's words (reason `other`), bounded. */
  text?: string;
  /** Provider time of the dispute (epoch ms). */
  openedAt: number;
  status: 'open' | 'resolved' | 'upheld';
  /** Sequence number and time of the event that closed it. */
  closedSeq?: number;
  closedAt?: number;
}

/** The reason of a `disputed` event (an unknown one reads as `other`). */
export function disputeReason(e: Pick<EventRecord, 'data'>): DisputeReason {
  const r = e.data?.reason;
  return typeof r === 'string' && (DISPUTE_REASONS as readonly string[]).includes(r) ? (r as DisputeReason) : 'other';
}

/** The debtor's words of a `disputed` event, cut to the journey's bound. */
export function disputeText(e: Pick<EventRecord, 'data'>, maxLength = DISPUTE_TEXT_LIMIT): string | undefined {
  const t = e.data?.text;
  if (typeof t !== 'string') return undefined;
  const trimmed = t.trim();
  return trimmed === '' ? undefined : trimmed.slice(0, Math.min(maxLength, DISPUTE_TEXT_LIMIT));
}

/** Every dispute of the debt, oldest first. */
export function disputesOf(state: Pick<JourneyState, 'events'>, plan?: PlanDisputes): DisputeRecord[] {
  const out: DisputeRecord[] = [];
  let open: DisputeRecord | undefined;
  for (const e of state.events) {
    if (e.type === 'disputed' && open === undefined) {
      const text = disputeText(e, plan?.maxLength);
      open = { seq: e.seq, reason: disputeReason(e), openedAt: e.at, status: 'open' };
      if (text !== undefined) open.text = text;
      out.push(open);
    } else if ((e.type === 'resolved' || e.type === 'upheld') && open !== undefined) {
      open.status = e.type;
      open.closedSeq = e.seq;
      open.closedAt = e.at;
      open = undefined;
    }
  }
  return out;
}

/** The dispute open now, if any. */
export function openDispute(state: Pick<JourneyState, 'events'>, plan?: PlanDisputes): DisputeRecord | undefined {
  // Most journeys never hear of one: skip the walk when no dispute event exists.
  if (!state.events.some((e) => e.type === 'disputed')) return undefined;
  const last = disputesOf(state, plan).at(-1);
  return last?.status === 'open' ? last : undefined;
}

/**
 * Where a dispute event sends the journey (the interrupt `disputes` stands for): `disputed` that
 * opened a dispute → `to`; `resolved` that closed one → `onResolved`. Undefined otherwise.
 */
export function disputeRoute(
  plan: PlanDisputes | undefined,
  state: Pick<JourneyState, 'events'>,
  e: Pick<EventRecord, 'type' | 'seq'>,
): string | undefined {
  if (plan === undefined) return undefined;
  if (e.type === 'disputed') return disputesOf(state, plan).some((d) => d.seq === e.seq) ? plan.to : undefined;
  if (e.type === 'resolved' && plan.onResolved !== undefined)
    return disputesOf(state, plan).some((d) => d.closedSeq === e.seq && d.status === 'resolved')
      ? plan.onResolved
      : undefined;
  return undefined;
}

/**
 * The dispute upheld in this journey (after `fromSeq`), if any: the journey ends with the plan's
 * `upheldOutcome` (`disputeUpheld` for a journey without `disputes`, e.g. after a hand-over).
 */
export function upheldSince(state: Pick<JourneyState, 'events'>, fromSeq: number): DisputeRecord | undefined {
  if (!state.events.some((e) => e.type === 'upheld' && e.seq > fromSeq)) return undefined;
  return disputesOf(state).find((d) => d.status === 'upheld' && (d.closedSeq ?? 0) > fromSeq);
}

export function disputeView(d: DisputeRecord): DisputeView {
  return {
    status: d.status,
    reason: d.reason,
    ...(d.text !== undefined && { text: d.text }),
    openedAt: d.openedAt,
    ...(d.closedAt !== undefined && { closedAt: d.closedAt }),
  };
}
