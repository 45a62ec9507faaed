/**
 * Simulated debtors for `settle dev --demo`, drawn by the simulator's behaviour model
 * (src/simulate/behaviour.ts, the Behaviour kind): each message a journey sends may be delivered,
 * opened, clicked (a landing-page visit) and paid, with probabilities that depend on the channel,
 * the debtor's payment history and how many reminders came before, and delays in journey time.
 * The demo keeps its own parameters: one Behaviour document per payment history and number of
 * messages received before (`demoBehaviourDoc`), compiled once each. Some who visit and do not pay
 * use the page's self-service: a few promise to pay within days (most keep it: the model's
 * `promised` stage); fewer dispute the debt (an operator resolves or upholds it days later), which
 * the Behaviour kind has no stage for, so the demo draws it here, after the model's response.
 * Decisions are seeded per message, so a seed replays the same demo.
 */
import { seeded, seedOf } from '../core/random.js';
import type { BehaviourDoc, ChannelModelSpec } from '../dsl/index.js';
import type { Channel, DisputeReason, EngagementEvent } from '../ir/index.js';
import { compileBehaviour, type Behaviour, type PlannedEvent as DrawnEvent } from '../simulate/behaviour.js';

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
const DAY = 24 * 60 * MIN;

/** Of the debtors who visit without paying: who promise, who dispute, and how it goes. */
const PROMISE_P = 0.2;
const DISPUTE_P = 0.05;
const KEEP_P: Record<string, number> = { good: 0.8, late: 0.6, bad: 0.35 };
const DISPUTE_REASONS_SEEN: DisputeReason[] = ['alreadyPaid', 'wrongAmount', 'notMine', 'notReceived'];

const PAY_PROPENSITY: Record<string, number> = { good: 0.45, late: 0.25, bad: 0.1 };
/** Each message before this one makes opening it less likely. */
const FATIGUE = 0.85;
/** Beyond this many messages before, the debtor is as tired as they get (and the models few). */
const MAX_PREVIOUS = 30;

const OPEN_P: Record<Channel, number> = { email: 0.55, sms: 0.8 };
const CLICK_P: Record<Channel, number> = { email: 0.45, sms: 0.35 };
/** Of those who read a message and do not click, who reply. */
const REPLY_P = 0.04;
/** Of the payments on the page, the share that are partial. */
const PARTIAL_SHARE = 0.12;

const round = (p: number) => Math.round(p * 1e6) / 1e6;

/** The demo's model of a debtor with this payment history, after `previous` messages. */
export function demoBehaviourDoc(paymentHistory: string, previous: number): BehaviourDoc {
  const fatigue = Math.pow(FATIGUE, Math.min(previous, MAX_PREVIOUS));
  const payP = (PAY_PROPENSITY[paymentHistory] ?? PAY_PROPENSITY.late!) * 1.6;
  const keep = KEEP_P[paymentHistory] ?? 0.6;
  const model = (channel: Channel): ChannelModelSpec => {
    const open = OPEN_P[channel] * fatigue;
    const click = CLICK_P[channel];
    return {
      // Email bounces are real in the demo (the SMTP sink refuses some mailboxes); SMS ones are drawn.
      delivered: { p: channel === 'sms' ? 0.97 : 1, after: { uniform: ['1s', '21s'] } },
      // An SMS is read without a trace: its click carries the reading's odds and delay.
      ...(channel === 'email'
        ? {
            opened: { p: round(open), after: { uniform: ['10m', '490m'] } },
            clicked: { p: click, after: { uniform: ['1m', '31m'] } },
          }
        : { clicked: { p: round(open * click), after: { uniform: ['11m', '521m'] } } }),
      visited: { p: 1, after: '2s' },
      paid: { p: round(payP * (1 - PARTIAL_SHARE)), after: { uniform: ['3m', '43m'] } },
      partiallyPaid: { p: round(payP * PARTIAL_SHARE), after: { uniform: ['3m', '43m'] } },
      promised: { p: PROMISE_P, after: '2m', within: { uniform: ['1d', '10d'] }, kept: keep },
      replied: { p: round(open * (1 - click) * REPLY_P), after: { uniform: ['40m', '520m'] } },
    };
  };
  return {
    apiVersion: 'settle/v1',
    kind: 'Behaviour',
    metadata: {
      name: 'demo-debtors',
      description: `The debtors of settle dev --demo: payment history ${paymentHistory}, ${previous} message(s) before.`,
    },
    spec: { partialShare: 0.5, default: { email: model('email'), sms: model('sms') } },
  };
}

const models = new Map<string, Behaviour>();

function modelFor(paymentHistory: string, previous: number): Behaviour {
  const id = `${paymentHistory}\u0000${Math.min(previous, MAX_PREVIOUS)}`;
  let model = models.get(id);
  if (!model) {
    model = compileBehaviour(demoBehaviourDoc(paymentHistory, previous));
    models.set(id, model);
  }
  return model;
}

/** The model's event as the demo plays it: a promise in whole days; a kept promise's payment waits for it. */
function played(e: DrawnEvent): PlannedEvent {
  if (e.type === 'promised')
    return { type: e.type, afterMs: e.afterMs, promiseDays: Math.floor((e.withinMs ?? DAY) / DAY) + 1 };
  return { type: e.type, afterMs: e.afterMs, ...(e.keeps && { after: 'promise' as const }) };
}

/** What this debtor does with this message (nothing, or a chain of events with delays). */
export function reactTo(msg: SentMessage, seed: number): PlannedEvent[] {
  const drawn = modelFor(msg.paymentHistory ?? 'late', msg.previous).respond(
    { key: msg.key, channel: msg.channel, journey: msg.journey, step: msg.step },
    seed,
  );
  const events = drawn.map(played);
  // A visitor who neither paid nor promised may dispute the debt (drawn apart, from the message's own seed).
  const visit = drawn.find((e) => e.type === 'visited');
  if (!visit || drawn.some((e) => e.type === 'paid' || e.type === 'partiallyPaid' || e.type === 'promised'))
    return events;
  const rng = seeded(seedOf(`${msg.key}/dispute`, seed));
  if (rng() >= DISPUTE_P / (1 - PROMISE_P)) return events;
  const reason = DISPUTE_REASONS_SEEN[Math.floor(rng() * DISPUTE_REASONS_SEEN.length)]!;
  const t = visit.afterMs;
  events.push({ type: 'disputed', afterMs: t + 3 * MIN, reason });
  // The operator's answer (settle event DEBT resolved|upheld), a few days later.
  events.push({ type: rng() < 0.7 ? 'resolved' : 'upheld', afterMs: t + (2 + rng() * 3) * DAY, after: 'dispute' });
  return events.sort((a, b) => a.afterMs - b.afterMs);
}
