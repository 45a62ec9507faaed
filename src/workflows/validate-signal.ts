/**
 * Signals come from the outside world (webhooks, tracking hits, operators): a malformed one is
 * dropped, never thrown — a throwing handler would fail the workflow task and stall the journey.
 */
import { CHANNELS, ENGAGEMENT_EVENTS, type Channel, type EngagementEvent } from '../ir/index.js';
import type { EngagementSignal, OptOutSignal } from './types.js';

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
