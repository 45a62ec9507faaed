/**
 * Simulated debtors for `settle dev --demo`: each message a journey sends may be delivered,
 * opened, clicked (a landing-page visit) and paid, with probabilities that depend on the channel,
 * the debtor's payment history and how many reminders came before, and delays in journey time.
 * Some who visit and do not pay use the page's self-service: a few promise to pay within days
 * (most keep it), fewer dispute the debt (an operator resolves or upholds it days later).
 * Decisions are seeded per message, so a seed replays the same demo.
 */
import type { Channel, DisputeReason, EngagementEvent } from '../ir/index.js';
import { seeded, seedOf } from '../core/random.js';

export interface SentMessage {
  workflowId: string;
  /** Idempotency key = the message id events refer to. */
  key: string;
  channel: Channel;
  journey: string;
  step: string;
  paymentHistory?: string;
  /** How many messages this debt had received before this one. */
  previous: number;
}

export interface PlannedEvent {
  type: EngagementEvent;
  /** Journey-time delay after the send, ms. */
  afterMs: number;
  /** `promised`: the date is this many days after the visit (the page offers them from tomorrow). */
  promiseDays?: number;
  /** `disputed`: the reason picked on the page. */
  reason?: DisputeReason;
  /** Happens only if the debtor's promise (`promise`) or dispute (`dispute`) before it was taken. */
  after?: 'promise' | 'dispute';
}

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

/** Of the debtors who visit without paying: who promise, who dispute, and how it goes. */
const PROMISE_P = 0.2;
const DISPUTE_P = 0.05;
const KEEP_P: Record<string, number> = { good: 0.8, late: 0.6, bad: 0.35 };
const DISPUTE_REASONS_SEEN: DisputeReason[] = ['alreadyPaid', 'wrongAmount', 'notMine', 'notReceived'];

const PAY_PROPENSITY: Record<string, number> = { good: 0.45, late: 0.25, bad: 0.1 };

/** What this debtor does with this message (nothing, or a chain of events with delays). */
export function reactTo(msg: SentMessage, seed: number): PlannedEvent[] {
  const rng = seeded(seedOf(msg.key, seed));
  const events: PlannedEvent[] = [];
  let t = (1 + rng() * 20) * 1000;
  // Email bounces are real in the demo (the SMTP sink refuses some mailboxes); SMS ones are signalled.
  if (rng() < 0.03 && msg.channel === 'sms') return [{ type: 'bounced', afterMs: t }];
  events.push({ type: 'delivered', afterMs: t });
  const fatigue = Math.pow(0.85, msg.previous);
  const openP = (msg.channel === 'email' ? 0.55 : 0.8) * fatigue;
  if (rng() >= openP) return events;
  t += 10 * MIN + rng() * 8 * HOUR;
  if (msg.channel === 'email') events.push({ type: 'opened', afterMs: t });
  if (rng() >= (msg.channel === 'email' ? 0.45 : 0.35)) {
    if (rng() < 0.04) events.push({ type: 'replied', afterMs: t + 30 * MIN });
    return events;
  }
  t += MIN + rng() * 30 * MIN;
  events.push({ type: 'clicked', afterMs: t });
  events.push({ type: 'visited', afterMs: t + 2000 });
  const payP = PAY_PROPENSITY[msg.paymentHistory ?? 'late'] ?? 0.25;
  if (rng() < payP * 1.6) {
    t += 3 * MIN + rng() * 40 * MIN;
    events.push({ type: rng() < 0.12 ? 'partiallyPaid' : 'paid', afterMs: t });
    return events;
  }
  // Not paying now: the page's self-service (drawn after the earlier draws, which stay as they were).
  const choice = rng();
  if (choice < PROMISE_P) {
    const days = 2 + Math.floor(rng() * 9);
    events.push({ type: 'promised', afterMs: t + 2 * MIN, promiseDays: days });
    // Kept: paid in the last days before the date (the page's dates count from tomorrow).
    if (rng() < (KEEP_P[msg.paymentHistory ?? 'late'] ?? 0.6))
      events.push({ type: 'paid', afterMs: t + (days - rng()) * DAY, after: 'promise' });
  } else if (choice < PROMISE_P + DISPUTE_P) {
    const reason = DISPUTE_REASONS_SEEN[Math.floor(rng() * DISPUTE_REASONS_SEEN.length)]!;
    events.push({ type: 'disputed', afterMs: t + 3 * MIN, reason });
    // The operator's answer (settle event DEBT resolved|upheld), a few days later.
    events.push({ type: rng() < 0.7 ? 'resolved' : 'upheld', afterMs: t + (2 + rng() * 3) * DAY, after: 'dispute' });
  }
  return events;
}
