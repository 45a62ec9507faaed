/**
 * Simulated debtors for `settle dev --demo`: each message a journey sends may be delivered,
 * opened, clicked (a landing-page visit) and paid, with probabilities that depend on the channel,
 * the debtor's payment history and how many reminders came before, and delays in journey time.
 * Decisions are seeded per message, so a seed replays the same demo.
 */
import type { Channel, EngagementEvent } from '../ir/index.js';
import { seeded, seedOf } from './random.js';

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
}

const MIN = 60_000;
const HOUR = 60 * MIN;

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
  }
  return events;
}
