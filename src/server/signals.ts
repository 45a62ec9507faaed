/**
 * How the HTTP server reaches journeys: hits and webhooks become signals handed to a dispatcher
 * that never blocks the response (bounded queue, retries, dedupe of repeated hits). Contract for
 * the tracking, landing-page, Stripe and Twilio routes; the implementation is signal-dispatcher.ts.
 */
import type { Channel } from '../ir/index.js';
import type { EngagementSignal, JourneyStateView } from '../workflows/types.js';

/**
 * Metric labels of an engagement, from the signed link or the Stripe metadata: never sent to the
 * journey (the dispatcher delivers `signal` only), read by the server's metrics.
 */
export interface SignalLabels {
  /** The journey (link claim `j`, Checkout metadata): workflow ids `settle/<debtId>` do not name it. */
  journey?: string;
  version?: string;
  variant?: string;
}

export type JourneySignal =
  | { kind: 'engagement'; signal: EngagementSignal; labels?: SignalLabels }
  | { kind: 'optOut'; channel: Channel; eventId?: string }
  | { kind: 'optIn'; channel: Channel; eventId?: string };

/** Why a hit was not queued: a repeat of a recent (message, event) or the queue is full. */
export type DispatchResult = 'queued' | 'duplicate' | 'full';

export interface SignalDispatcher {
  /** Queues a signal for one journey (workflow id). Never throws, never waits on Temporal. */
  dispatch(workflowId: string, signal: JourneySignal): DispatchResult;
  /**
   * Queues a signal for every running journey of a contact (keyed hash of an email address or a
   * phone number, the SettleContact search attribute): STOP by SMS, an unsubscribe.
   */
  dispatchToContact(contactKey: string, signal: JourneySignal): DispatchResult;
  /** Signals waiting to be delivered. */
  depth(): number;
  /** Delivers what is queued (graceful shutdown). */
  flush(timeoutMs?: number): Promise<void>;
}

/** What the landing page needs to know about a journey (from its `state` query). */
export interface JourneyLookup {
  view(workflowId: string): Promise<JourneyStateView | undefined>;
}
