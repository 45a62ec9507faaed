/**
 * Event ids of tracking hits: a hash of token and type. The hash covers what the
 * token signs about the message — workflow id and message key — and the event type, not the token
 * string itself: every link and pixel of one email then share one id per type, so an email
 * clicked on two of its links, or opened on two devices, or hit on two servers behind a load
 * balancer, counts once (unique opens and clicks count once per message) — here in
 * the dispatcher's memory and again in the workflow, which ignores an event id it has applied.
 */
import { createHash } from 'node:crypto';
import type { EngagementEvent } from '../ir/index.js';

export function trackingEventId(message: { w: string; k: string }, type: EngagementEvent): string {
  const hash = createHash('sha256').update(`${message.w}\n${message.k}\n${type}`).digest('base64url').slice(0, 22);
  return `t-${type}-${hash}`;
}
