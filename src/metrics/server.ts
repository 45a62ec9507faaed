/**
 * Business metrics of the HTTP server: tracking hits (unique opens and clicks per message, machine
 * opens apart), and every engagement the server hands to journeys — landing-page views, SMS
 * delivery and bounces, payments and amounts, opt-outs. A signal the dispatcher refuses as a
 * repeat of a recent (message, event) is not counted again, which is what makes opens, clicks
 * and views unique per message and a payment that Stripe reports twice count once.
 */
import type { HitObserver } from '../server/deps.js';
import { LRUCache } from 'lru-cache';
import type { DispatchResult, JourneySignal, SignalDispatcher, SignalLabels } from '../server/signals.js';
import { DISPUTE_REASONS } from '../ir/index.js';
import { parseWorkflowId } from '../ids/workflow-ids.js';
import { NO_VARIANT, UNKNOWN_VERSION, type SettleMetrics } from './definitions.js';
import { firstSighting } from './once.js';

/** The journey of a workflow id (`settle/<debt>/<journey>`): a bounded label, never the debt. */
/** The journey label: the message's own (link claim `j`, Checkout metadata), else an older workflow id's. */
export function journeyLabel(workflowId: string, journey?: string): string {
  if (journey !== undefined && BOUNDED.test(journey)) return journey;
  return parseWorkflowId(workflowId)?.journey ?? 'unknown';
}

/** The step of an idempotency key `workflowId/step/visit`. */
export function stepLabel(workflowId: string, key: string | undefined): string {
  if (key === undefined || !key.startsWith(`${workflowId}/`)) return 'unknown';
  const [step] = key.slice(workflowId.length + 1).split('/');
  return step !== undefined && /^[A-Za-z0-9_-]{1,64}$/.test(step) ? step : 'unknown';
}

const counted = (r: DispatchResult) => r !== 'duplicate';

/** The `source` label: the channel of the message whose link brought the visitor, else `direct`. */
const sourceLabel = (source: string | undefined): string =>
  source === 'email' || source === 'sms' ? source : 'direct';

const BOUNDED = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * The `version` and `variant` labels of a message: from its signed link or the Stripe metadata,
 * `unknown` / `none` when absent (links signed before they carried them) or not label-shaped.
 */
export function messageLabels(l: SignalLabels = {}): { version: string; variant: string } {
  return {
    version: l.version !== undefined && BOUNDED.test(l.version) ? l.version : UNKNOWN_VERSION,
    variant: l.variant !== undefined && BOUNDED.test(l.variant) ? l.variant : NO_VARIANT,
  };
}

export interface ServerMetrics {
  hits: HitObserver;
  /** The dispatcher the routes use, counting what they hand to journeys. */
  dispatcher(inner: SignalDispatcher): SignalDispatcher;
  /** Provider webhook answers: refused ones (>= 400) count as webhook errors. */
  webhookResponse(source: 'stripe' | 'twilio', status: number): void;
}

export function createServerMetrics(m: SettleMetrics, remember = 100_000): ServerMetrics {
  // First engagement time per message, bounded: the start of the `pay` reaction time. Kept in the
  // order first noted (has and peek do not refresh an entry), so the oldest note is forgotten first.
  const firstSeenAt = new LRUCache<string, number>({ max: remember });
  const firstSeen = {
    note(key: string, ms: number): void {
      if (!firstSeenAt.has(key)) firstSeenAt.set(key, ms);
    },
    get: (key: string): number | undefined => firstSeenAt.peek(key),
  };
  const firstMachineOpen = firstSighting(remember);

  function engagement(workflowId: string, signal: Extract<JourneySignal, { kind: 'engagement' }>): void {
    const s = signal.signal;
    const journey = journeyLabel(workflowId, signal.labels?.journey);
    const { version, variant } = messageLabels(signal.labels);
    const step = stepLabel(workflowId, s.messageId);
    const data = s.data ?? {};
    const text = (name: string) => (typeof data[name] === 'string' ? (data[name] as string) : undefined);
    const at = Date.parse(s.at);
    switch (s.type) {
      case 'visited': {
        m.landingViews.inc({ journey, version, variant, source: sourceLabel(text('source')) });
        if (s.messageId !== undefined && Number.isFinite(at)) firstSeen.note(s.messageId, at);
        return;
      }
      case 'delivered':
        m.messagesDelivered.inc({ journey, version, step, channel: text('channel') ?? 'sms', variant });
        return;
      case 'bounced':
        m.messagesBounced.inc({ journey, version, step, channel: text('channel') ?? 'sms', variant, kind: 'hard' });
        return;
      case 'paid':
      case 'partiallyPaid': {
        m.payments.inc({
          journey,
          version,
          variant,
          source: sourceLabel(text('source')),
          kind: s.type === 'paid' ? 'full' : 'partial',
        });
        const amount = data.amount;
        const currency = text('currency');
        if (typeof amount === 'number' && amount > 0 && currency !== undefined)
          m.amountCollected.inc({ journey, version, variant, currency }, amount);
        const first = s.messageId !== undefined ? firstSeen.get(s.messageId) : undefined;
        if (first !== undefined && Number.isFinite(at) && at >= first)
          m.reaction.observe({ stage: 'pay', journey }, (at - first) / 1000);
        return;
      }
      case 'optedOut':
        m.optOuts.inc({ channel: text('channel') ?? 'email' });
        return;
      case 'promised':
        m.promises.inc({ journey, version, result: 'made' });
        return;
      case 'callbackRequested':
        m.selfService.inc({ journey, version, kind: 'callback' });
        return;
      case 'preferencesChanged':
        m.selfService.inc({ journey, version, kind: 'preferences' });
        return;
      case 'disputed': {
        const reason = text('reason');
        m.disputes.inc({
          journey,
          version,
          reason: reason !== undefined && (DISPUTE_REASONS as readonly string[]).includes(reason) ? reason : 'other',
        });
        return;
      }
      default:
        return;
    }
  }

  const count = (workflowId: string, signal: JourneySignal, result: DispatchResult) => {
    if (!counted(result)) return;
    if (signal.kind === 'engagement') engagement(workflowId, signal);
    else if (signal.kind === 'optOut') m.optOuts.inc({ channel: signal.channel });
  };

  return {
    hits: {
      onHit(kind, tags) {
        if (kind === 'optOut' || tags.workflowId === undefined) return;
        const journey = journeyLabel(tags.workflowId, tags.journey);
        const step = stepLabel(tags.workflowId, tags.messageKey);
        const channel = tags.channel === 'sms' ? 'sms' : 'email';
        const { version, variant } = messageLabels(tags);
        const labels = { journey, version, step, channel, variant };
        if (tags.machine) {
          if (kind === 'open' && firstMachineOpen(tags.messageKey ?? ''))
            m.messagesOpened.inc({ ...labels, machine: 'true' });
          return;
        }
        if (tags.result === undefined || !counted(tags.result)) {
          m.trackingRepeats.inc({ kind });
          return;
        }
        if (kind === 'open') m.messagesOpened.inc({ ...labels, machine: 'false' });
        else m.messagesClicked.inc(labels);
        if (tags.issuedAtMs !== undefined && tags.atMs !== undefined && tags.atMs >= tags.issuedAtMs) {
          m.reaction.observe({ stage: kind, journey }, (tags.atMs - tags.issuedAtMs) / 1000);
        }
        if (tags.messageKey !== undefined && tags.atMs !== undefined) firstSeen.note(tags.messageKey, tags.atMs);
      },
    },
    dispatcher(inner) {
      return {
        dispatch(workflowId, signal) {
          const result = inner.dispatch(workflowId, signal);
          // Opens and clicks are counted by the hit observer (it knows machine hits and the channel).
          const tracking =
            signal.kind === 'engagement' && (signal.signal.type === 'opened' || signal.signal.type === 'clicked');
          if (!tracking) count(workflowId, signal, result);
          return result;
        },
        dispatchToContact(contactKey, signal) {
          const result = inner.dispatchToContact(contactKey, signal);
          if (counted(result) && signal.kind === 'optOut') m.optOuts.inc({ channel: signal.channel });
          if (counted(result) && signal.kind === 'engagement' && signal.signal.type === 'optedOut') {
            m.optOuts.inc({
              channel: typeof signal.signal.data?.channel === 'string' ? signal.signal.data.channel : 'sms',
            });
          }
          return result;
        },
        depth: () => inner.depth(),
        flush: (timeoutMs) => inner.flush(timeoutMs),
      };
    },
    webhookResponse(source, status) {
      if (status < 400) return;
      const reason =
        status === 400 || status === 401 || status === 403 ? 'refused' : status === 503 ? 'unavailable' : 'failed';
      m.webhookErrors.inc({ source, reason });
    },
  };
}
