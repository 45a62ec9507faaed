/**
 * Signals come from the outside world (webhooks, tracking hits, operators): a malformed one is
 * dropped, never thrown — a throwing handler would fail the workflow task and stall the journey.
 */
import { CHANNELS, ENGAGEMENT_EVENTS, type Channel, type EngagementEvent } from '../ir/index.js';
import type { EngagementSignal, LedgerBounceSignal, MigrateSignal, OptOutSignal, ReenrollSignal } from './types.js';

const isString = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 500;

export function asEngagementSignal(v: unknown): EngagementSignal | undefined {
  if (v === null || typeof v !== 'object') return undefined;
  const o = v as Record<string, unknown>;
  if (!isString(o.eventId) || !isString(o.at) || !ENGAGEMENT_EVENTS.includes(o.type as EngagementEvent))
    return undefined;
  if (o.messageId !== undefined && !isString(o.messageId)) return undefined;
  let data: EngagementSignal['data'];
  if (o.data !== undefined) {
    if (o.data === null || typeof o.data !== 'object' || Array.isArray(o.data)) return undefined;
    data = {};
    for (const [k, x] of Object.entries(o.data as Record<string, unknown>).slice(0, 20)) {
      if (typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean') data[k] = x;
    }
  }
  return {
    eventId: o.eventId,
    type: o.type as EngagementEvent,
    at: o.at,
    ...(o.messageId !== undefined && { messageId: o.messageId as string }),
    ...(data !== undefined && { data }),
  };
}

export function asOptOutSignal(v: unknown): OptOutSignal | undefined {
  const o = v as { channel?: unknown; eventId?: unknown } | null;
  if (!CHANNELS.includes(o?.channel as Channel)) return undefined;
  if (o!.eventId !== undefined && !isString(o!.eventId)) return undefined;
  return {
    channel: o!.channel as Channel,
    ...(o!.eventId !== undefined && { eventId: o!.eventId as string }),
  };
}

/** The debtor ledger's bounce report (sent by journeys, through the ledgerBounce activity). */
export function asLedgerBounceSignal(v: unknown): LedgerBounceSignal | undefined {
  const o = v as Partial<LedgerBounceSignal> | null;
  if (o === null || typeof o !== 'object' || !CHANNELS.includes(o.channel as Channel)) return undefined;
  if (o.contactKey !== undefined && !isString(o.contactKey)) return undefined;
  if (!isString(o.debtId) || typeof o.at !== 'number' || !Number.isFinite(o.at)) return undefined;
  const m = o.message;
  const message =
    m && typeof m === 'object' && isString(m.workflowId) && typeof m.at === 'number' && Number.isFinite(m.at)
      ? { workflowId: m.workflowId, at: m.at }
      : undefined;
  return {
    channel: o.channel!,
    ...(o.contactKey !== undefined && { contactKey: o.contactKey }),
    debtId: o.debtId,
    at: o.at,
    ...(message !== undefined && { message }),
  };
}

/** A re-enrollment: the record's shape is checked by `settle enroll`; here only what the journey relies on. */
export function asReenrollSignal(v: unknown, debtId: string): ReenrollSignal | undefined {
  const o = v as Partial<ReenrollSignal> | null;
  if (o === null || typeof o !== 'object') return undefined;
  const e = o.enrollment;
  const ref = o.planRef;
  if (!e || typeof e !== 'object' || e.debtId !== debtId || !e.debt || !e.debtor) return undefined;
  if (typeof e.debt.amountDue !== 'number' || !Number.isFinite(e.debt.amountDue) || e.debt.amountDue < 0)
    return undefined;
  if (typeof e.debt.currency !== 'string' || typeof e.debt.dueDate !== 'string') return undefined;
  if (!ref || !isString(ref.journey) || typeof ref.version !== 'number' || !isString(ref.contentHash)) return undefined;
  if (typeof o.at !== 'number' || !Number.isFinite(o.at)) return undefined;
  return {
    enrollment: e,
    planRef: { journey: ref.journey, version: ref.version, contentHash: ref.contentHash },
    ...(isString(o.segment) && { segment: o.segment }),
    at: o.at,
  };
}

export function asMigrateSignal(v: unknown): MigrateSignal | undefined {
  const o = v as Partial<MigrateSignal> | null;
  if (o === null || typeof o !== 'object' || !isString(o.requestId)) return undefined;
  const ref = o.to;
  if (!ref || !isString(ref.journey) || !Number.isInteger(ref.version) || !isString(ref.contentHash)) return undefined;
  return { to: { journey: ref.journey, version: ref.version, contentHash: ref.contentHash }, requestId: o.requestId };
}
