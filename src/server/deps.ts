/**
 * What the HTTP server needs from the world, injected once: the secret and public URL
 * of links, how hits reach journeys, the clock, readiness and metrics, and the deps of the
 * provider routes (Stripe, Twilio). Built by `settle server` and `settle dev`, and by tests.
 */
import type { Logger } from '../log/index.js';
import type { StripeCheckout } from '../channels/stripe.js';
import type { CodecRouteDeps } from './routes/codec.js';
import type { StripeRoutesDeps } from './routes/stripe.js';
import type { TwilioRouteDeps } from './routes/twilio.js';
import type { JourneyLookup, SignalDispatcher, DispatchResult } from './signals.js';
import type { MachineReason } from './machine.js';

/** What a tracking hit was: for the metrics (messages_opened_total{machine}, clicks, opt-outs). */
export type HitKind = 'open' | 'click' | 'optOut';

export interface HitTags {
  machine: boolean;
  /** Why it counts as a machine hit. */
  reason?: MachineReason;
  /** Opens fetched through Gmail's or Yahoo's image proxy (still human opens). */
  proxy?: 'google' | 'yahoo';
  /** What the dispatcher did with its signal; absent when none was sent (machine hits). */
  result?: DispatchResult;
  /** Channel the link travelled in (bounded: email | sms). */
  channel: string;
  /** The journey's workflow id and the message's idempotency key (the metrics take journey and step from them). */
  workflowId?: string;
  messageKey?: string;
  /** Journey version and A/B variant of the message (claims `v` and `a`; absent from older links). */
  version?: string;
  variant?: string;
  /** The message's journey (claim `j`; absent from older links: the workflow id names it there). */
  journey?: string;
  /** When the link was issued (the send) and when it was hit, ms: the reaction time. */
  issuedAtMs?: number;
  atMs?: number;
}

/** Counter hooks for the metrics module; every valid hit is reported, signalled or not. */
export interface HitObserver {
  onHit(kind: HitKind, tags: HitTags): void;
}

export interface TrackingOptions {
  /** A hit this soon after the link was issued is a machine hit (mail gateways); default 2,000 ms. */
  machineWindowMs?: number;
}

export interface ServerDeps {
  /** SETTLE_SECRET: verifies link tokens. */
  secret: string;
  /** SETTLE_PUBLIC_URL: the address the world reaches this server at (Twilio signs it). */
  publicUrl: string;
  dispatcher: SignalDispatcher;
  lookup: JourneyLookup;
  /** Wall clock in ms (token expiry, machine-hit window); default Date.now. */
  clock?: () => number;
  /**
   * The process's logger (src/log createLogger: JSON lines on stderr, no personal data), which
   * the app's request lines go through (tokens cut from URLs); default a `settle-server` one; false: none.
   */
  log?: Logger | false;
  /** /readyz: Temporal reachable and the dispatcher not saturated. */
  ready(): Promise<boolean>;
  /** /metrics: Prometheus text exposition of the process's registry (src/metrics). */
  metrics(): Promise<string>;
  hits?: HitObserver;
  /** Answers of the provider webhooks (Stripe, Twilio), for the metrics of refused ones. */
  onWebhookResponse?: (source: 'stripe' | 'twilio', status: number) => void;
  tracking?: TrackingOptions;
  /** Trust X-Forwarded-* from a reverse proxy (behind a load balancer); default false. */
  trustProxy?: boolean;
  /** The landing page's pay button (Stripe Checkout); without it the button answers 503. */
  checkout?: StripeCheckout;
  /** POST /webhooks/stripe, when STRIPE_WEBHOOK_SECRET is set. */
  stripe?: Omit<StripeRoutesDeps, 'dispatcher'>;
  /** POST /webhooks/twilio/{status,inbound}, when TWILIO_AUTH_TOKEN is set. */
  twilio?: Omit<TwilioRouteDeps, 'dispatcher' | 'secret' | 'publicUrl' | 'clock'>;
  /** `settle dev` only: journey webhooks to a local inbox (POST /dev/webhooks/…). */
  devWebhookInbox?: (path: string, body: string) => void;
  /** POST /codec/{encode,decode} for the Temporal Web UI and CLI, when SETTLE_CODEC_TOKEN is set. */
  codec?: CodecRouteDeps;
}
