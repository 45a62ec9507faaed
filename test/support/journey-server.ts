/**
 * The server app as `settle server` runs it, in front of journeys on the time-skipping server:
 * a journeyRig (real activities), the real signal dispatcher and journey lookup, the app either
 * listening on loopback (for a browser) or answering `app.inject`. One per test file.
 */
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll } from 'vitest';
import {
  checkoutSessionParams,
  createStripeCheckout,
  type CheckoutSession,
  type CheckoutSessionRequest,
  type StripeCheckoutOptions,
} from '../../src/channels/stripe.js';
import type { EnrollmentData, JourneyPlan } from '../../src/ir/index.js';
import { workflowIdFor } from '../../src/ids/workflow-ids.js';
import { createServerApp } from '../../src/server/app.js';
import type { ServerDeps } from '../../src/server/deps.js';
import { createJourneyLookup } from '../../src/server/journey-lookup.js';
import { createSignalDispatcher, type TemporalSignalDispatcher } from '../../src/server/signal-dispatcher.js';
import { journeyRig, SECRET, startOnRig, type JourneyRig } from './journey-worker.js';
import { createTimeSkippingEnv, freePort } from './temporal.js';

export const PUBLIC_URL = 'https://pay.example.test';

export interface JourneyServer {
  env: TestWorkflowEnvironment;
  rig: JourneyRig;
  app: FastifyInstance;
  dispatcher: TemporalSignalDispatcher;
  /** SETTLE_PUBLIC_URL of the rig's messages: the app's loopback address when it listens. */
  publicUrl: string;
  /** The Checkout Sessions the Stripe adapter created (with `stripe`), in order. */
  sessions: { request: CheckoutSessionRequest; session: CheckoutSession }[];
  /** Starts a journey of a plan by value under the debt's workflow id; journey time is the server's. */
  start(plan: JourneyPlan, record: EnrollmentData): Promise<WorkflowHandle>;
}

export interface JourneyServerOptions {
  /** Listen on a free loopback port (publicUrl is then its address); else PUBLIC_URL and inject. */
  listen?: boolean;
  /** More of the app's dependencies (clock...), read when the app is made. */
  app?: () => Partial<ServerDeps>;
  /**
   * Checkout through the real Stripe adapter against stripe-mock (`sdk()`: its address, read when
   * the app is made), keeping the sessions it creates for the webhooks Stripe would send.
   */
  stripe?: { sdk: () => Pick<StripeCheckoutOptions, 'host' | 'port' | 'protocol'>; webhookSecret: string };
}

function stripeCheckout(
  sdk: Pick<StripeCheckoutOptions, 'host' | 'port' | 'protocol'>,
  webhookSecret: string,
  sessions: JourneyServer['sessions'],
): Partial<ServerDeps> {
  const stripe = createStripeCheckout({ secretKey: 'sk_test_settle', ...sdk });
  return {
    checkout: {
      async createCheckoutSession(request) {
        const session = await stripe.createCheckoutSession(request);
        sessions.push({ request, session });
        return session;
      },
    },
    stripe: { webhookSecret },
  };
}

export function useJourneyServer(opts: JourneyServerOptions = {}): JourneyServer {
  const t = { sessions: [] } as unknown as JourneyServer;
  let running: Promise<void> | undefined;
  beforeAll(async () => {
    t.env = await createTimeSkippingEnv();
    const port = opts.listen ? await freePort() : undefined;
    t.publicUrl = port === undefined ? PUBLIC_URL : `http://127.0.0.1:${port}`;
    t.rig = await journeyRig(t.env, { publicUrl: t.publicUrl });
    running = t.rig.worker.run();
    t.dispatcher = createSignalDispatcher(t.env.client);
    t.app = createServerApp({
      secret: SECRET,
      publicUrl: t.publicUrl,
      lookup: createJourneyLookup(t.env.client, { ttlMs: 0 }),
      dispatcher: t.dispatcher,
      ready: async () => true,
      metrics: async () => '',
      log: false,
      ...(opts.stripe && stripeCheckout(opts.stripe.sdk(), opts.stripe.webhookSecret, t.sessions)),
      ...opts.app?.(),
    });
    if (port === undefined) await t.app.ready();
    else await t.app.listen({ host: '127.0.0.1', port });
  }, 120_000);
  afterAll(async () => {
    await t.dispatcher?.flush(5_000);
    await t.app?.close();
    t.rig?.worker.shutdown();
    await running;
    await t.rig?.close();
    await t.env?.teardown();
  });
  t.start = (plan, record) =>
    startOnRig(t, workflowIdFor(record.debtId), plan, record, { debtorKey: `k-${record.debtId}`, contactKeys: [] });
  return t;
}

/** The object of the `checkout.session.completed` event Stripe sends once a session the adapter created is paid. */
export function paidCheckoutSession(
  { request, session }: JourneyServer['sessions'][number],
  paymentIntent: string,
): Record<string, unknown> {
  return {
    id: session.id,
    object: 'checkout.session',
    payment_status: 'paid',
    status: 'complete',
    amount_total: session.amount,
    currency: 'eur',
    payment_intent: paymentIntent,
    metadata: checkoutSessionParams(request).metadata,
  };
}
