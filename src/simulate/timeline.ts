/**
 * A journey's event timeline, read from its durable state alone — sends (sent, failed, blocked),
 * the audit trail (deferrals, webhooks) and engagement events — so the same function reads a
 * simulated journey and one that ran on Temporal (the equivalence test compares the two).
 *
 * Entries are ordered by instant; entries at the same millisecond in causal order: engagement
 * events (they wake journeys), then sends and blocks (in their sequence), deferrals, webhooks and
 * the exit. For `event` entries `reason` is the engagement event (opened, paid, …) and `channel`
 * the channel of the message it concerns; for `exit`, `reason` is the outcome; a failed send is a
 * `send` whose `reason` is the failure (hardBounce, softBounce, error).
 */
import type { Channel } from '../ir/index.js';
import type { JourneyState } from '../workflows/types.js';

export type TimelineType = 'send' | 'deferred' | 'blocked' | 'webhook' | 'event' | 'exit';

export interface TimelineEntry {
  /** ISO instant, UTC. */
  at: string;
  step: string;
  type: TimelineType;
  channel?: Channel;
  reason?: string;
}

interface Keyed {
  ms: number;
  rank: number;
  order: number;
  step: string;
  type: TimelineType;
  channel: Channel | undefined;
  reason: string | undefined;
}

/** An entry with its fields in one order (at, step, type, channel, reason), optional ones only when set. */
function entry(k: Keyed): TimelineEntry {
  const e: TimelineEntry = { at: new Date(k.ms).toISOString(), step: k.step, type: k.type };
  if (k.channel !== undefined) e.channel = k.channel;
  if (k.reason !== undefined) e.reason = k.reason;
  return e;
}

function byInstant(a: Keyed, b: Keyed): number {
  return a.ms - b.ms || a.rank - b.rank || a.order - b.order;
}

const RANK: Record<TimelineType, number> = { event: 0, send: 1, blocked: 1, deferred: 2, webhook: 3, exit: 4 };

/** What a timeline is read from: a journey's durable state, or the state query's view of it plus its exit instant. */
export type TimelineSource = Pick<JourneyState, 'current' | 'sends' | 'events' | 'audit' | 'outcome' | 'endedAt'>;

/** The step a debt-wide event arrived at: the last step the audit trail names at or before it. */
function stepAt(state: TimelineSource, ms: number): string {
  let step = state.current;
  for (const a of state.audit) {
    if (a.at > ms) break;
    if (a.step !== undefined) step = a.step;
  }
  return step;
}

export function timeline(state: TimelineSource): TimelineEntry[] {
  const items: Keyed[] = [];
  const channelOf = new Map<string, { channel: Channel; step: string }>();
  for (const s of state.sends) {
    if (s.messageId !== undefined) channelOf.set(s.messageId, { channel: s.channel, step: s.step });
    const type = s.status === 'blocked' ? 'blocked' : 'send';
    const reason = s.status === 'sent' ? undefined : s.reason;
    items.push({ ms: s.at, rank: RANK[type], order: s.seq, step: s.step, type, channel: s.channel, reason });
  }
  for (const e of state.events) {
    const msg = e.messageId !== undefined ? channelOf.get(e.messageId) : undefined;
    items.push({
      ms: e.receivedAt,
      rank: RANK.event,
      order: e.seq,
      step: msg?.step ?? stepAt(state, e.receivedAt),
      type: 'event',
      channel: msg?.channel,
      reason: e.type,
    });
  }
  for (let i = 0; i < state.audit.length; i++) {
    const a = state.audit[i]!;
    if (a.kind === 'deferred') {
      // channel and reason are the structured fields of a policy decision's entry.
      items.push({
        ms: a.at,
        rank: RANK.deferred,
        order: i,
        step: a.step ?? '',
        type: 'deferred',
        channel: a.channel,
        reason: a.reason,
      });
    } else if (a.kind === 'webhook' && a.step !== undefined) {
      items.push({
        ms: a.at,
        rank: RANK.webhook,
        order: i,
        step: a.step,
        type: 'webhook',
        channel: undefined,
        reason: undefined,
      });
    }
  }
  if (state.outcome !== undefined) {
    items.push({
      ms: state.endedAt ?? 0,
      rank: RANK.exit,
      order: 0,
      step: state.current,
      type: 'exit',
      channel: undefined,
      reason: state.outcome,
    });
  }
  items.sort(byInstant);
  const out: TimelineEntry[] = new Array(items.length);
  for (let i = 0; i < items.length; i++) out[i] = entry(items[i]!);
  return out;
}
