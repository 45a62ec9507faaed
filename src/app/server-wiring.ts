/**
 * The server's dependencies from the typed configuration and a Temporal client: shared by
 * `settle server` and `settle dev`. Provider routes are enabled by their secrets: Stripe's
 * webhook with STRIPE_WEBHOOK_SECRET, the pay button with STRIPE_SECRET_KEY, Twilio's webhooks
 * with TWILIO_AUTH_TOKEN.
 */
import type { Client, Connection } from '@temporalio/client';
import { createStripeCheckout } from '../channels/stripe.js';
import type { Config } from '../config/env.js';
import { EncryptionCodec } from '../temporal/codec.js';
import type { ServerDeps } from '../server/deps.js';
import { createJourneyLookup } from '../server/journey-lookup.js';
import {
  activeJourneysFromTemporal,
  createProcessMetrics,
  createServerMetrics,
  dispatcherSignals,
  type ProcessMetrics,
} from '../metrics/index.js';
import { serverReadiness } from '../server/readiness.js';
import {
  createSignalDispatcher,
  type DispatcherOptions,
  type TemporalSignalDispatcher,
} from '../server/signal-dispatcher.js';

export interface ServerWiring {
  deps: ServerDeps;
  dispatcher: TemporalSignalDispatcher;
  /** Names of the provider routes left out for want of a secret. */
  disabled: string[];
  /** This server's registry (served on its /metrics). */
  metrics: ProcessMetrics;
}

/** What a process sets beyond the configuration (dev: fast tracking windows, the local Stripe, its webhook inbox). */
export type ServerOverrides = Partial<Omit<ServerDeps, 'dispatcher'>> & { dispatcherOptions?: DispatcherOptions };

export function serverDepsFromConfig(
  config: Config,
  secret: string,
  temporal: { client: Client; connection: Connection },
  overrides: ServerOverrides = {},
): ServerWiring {
  const { dispatcherOptions, ...rest } = overrides;
  const dispatcher = createSignalDispatcher(temporal.client, dispatcherOptions);
  const metrics = createProcessMetrics({
    signals: dispatcherSignals(() => dispatcher.stats()),
    activeJourneys: activeJourneysFromTemporal(temporal.client),
  });
  const counted = createServerMetrics(metrics.metrics);
  const { stripe, twilio } = config;
  const disabled = [
    ...(stripe.webhookSecret ? [] : ['/webhooks/stripe (set STRIPE_WEBHOOK_SECRET)']),
    ...(stripe.secretKey ? [] : ['the pay button (set STRIPE_SECRET_KEY)']),
    ...(twilio.authToken ? [] : ['/webhooks/twilio/* (set TWILIO_AUTH_TOKEN)']),
  ];
  const deps: ServerDeps = {
    secret,
    publicUrl: config.publicUrl,
    dispatcher: counted.dispatcher(dispatcher),
    lookup: createJourneyLookup(temporal.client),
    ready: serverReadiness(temporal.connection, dispatcher),
    metrics: metrics.text,
    hits: counted.hits,
    onWebhookResponse: counted.webhookResponse,
    ...(stripe.secretKey && { checkout: createStripeCheckout({ secretKey: stripe.secretKey }) }),
    ...(stripe.webhookSecret && { stripe: { webhookSecret: stripe.webhookSecret } }),
    ...(twilio.authToken && { twilio: { authToken: twilio.authToken } }),
    ...codecDeps(config),
    ...rest,
  };
  return { deps, dispatcher, disabled, metrics };
}

/** The codec endpoint when SETTLE_CODEC_TOKEN is set and payloads are encrypted. */
function codecDeps(config: Config): Pick<ServerDeps, 'codec'> {
  const keys = config.temporal.encryptionKeys;
  if (!config.codec || !keys || keys.length === 0) return {};
  return {
    codec: { codec: new EncryptionCodec(keys), token: config.codec.token, allowedOrigins: config.codec.origins },
  };
}
