/**
 * What a journey's end tells the business metrics beyond its outcome (docs/ARCHITECTURE.md,
 * Metrics): the segment that routed the debt, its due date (days past due at payment), its first
 * contact (time to pay since first contact), whether it was contacted at all and whether the
 * debtor gave a right-party signal. Read from the journey's own state, so the activity needs no
 * lookup; workflow-safe.
 */
import type { EngagementEvent } from '../ir/index.js';
import type { OutcomeFacts } from './contract.js';
import type { JourneyInput, JourneyState } from './types.js';

/**
 * Events that only the debtor themself can cause, so they prove the right party was reached: a
 * human open (machine opens are never signalled to a journey), a click, a payment-page visit, a
 * reply, a payment. Deliveries, bounces and opt-outs are not (a carrier delivers to a recycled
 * number; anyone holding the phone can text STOP).
 */
export const RIGHT_PARTY_EVENTS: readonly EngagementEvent[] = [
  'opened',
  'clicked',
  'visited',
  'replied',
  'paid',
  'partiallyPaid',
];

export function outcomeFacts(input: JourneyInput, state: JourneyState): OutcomeFacts {
  let firstContactAt: number | undefined;
  for (const s of state.sends) {
    if (s.status === 'sent' && (firstContactAt === undefined || s.at < firstContactAt)) firstContactAt = s.at;
  }
  const facts: OutcomeFacts = {
    dueDate: input.enrollment.debt.dueDate,
    contacted: firstContactAt !== undefined,
    rightParty: state.events.some((e) => RIGHT_PARTY_EVENTS.includes(e.type)),
  };
  if (input.options.segment !== undefined) facts.segment = input.options.segment;
  if (firstContactAt !== undefined) facts.firstContactAt = firstContactAt;
  return facts;
}
