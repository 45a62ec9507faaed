/**
 * `POST /webhooks/stripe`: Stripe's payment events become `paid` / `partiallyPaid` signals on
 * the journey named in the session metadata. The signature (`Stripe-Signature`, HMAC of the
 * exact bytes Stripe sent) is checked with `constructEvent` on the raw body, so this plugin
 * parses bodies as buffers in its own encapsulated scope: the app's other routes keep their
 * JSON and form parsers. Forged, tampered or stale (> 5 min) requests get 400 and no detail.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import Stripe from 'stripe';
import type { SignalDispatcher } from '../signals.js';
import { journeyPayment } from './stripe-events.js';

export interface StripeRoutesDeps {
  /** STRIPE_WEBHOOK_SECRET (whsec_…): the endpoint's signing secret. */
  webhookSecret: string;
  dispatcher: SignalDispatcher;
  /** Largest accepted age of a signed timestamp, seconds (Stripe's default 300). */
  toleranceSeconds?: number;
}

/** Stripe's events are a few KB; anything much larger is not from Stripe. */
const BODY_LIMIT = 512 * 1024;

export async function registerStripeRoutes(app: FastifyInstance, deps: StripeRoutesDeps): Promise<void> {
  if (!deps.webhookSecret)
    throw new TypeError('registerStripeRoutes: webhookSecret is empty (set STRIPE_WEBHOOK_SECRET)');
  await app.register(async (scope) => {
    // This scope only: every content type arrives as the raw bytes that were signed.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: BODY_LIMIT }, (_req, body, done) =>
      done(null, body),
    );
    scope.post('/webhooks/stripe', (request, reply) => handle(deps, request, reply));
  });
}

function handle(deps: StripeRoutesDeps, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const signature = request.headers['stripe-signature'];
  const body = request.body;
  if (typeof signature !== 'string' || !Buffer.isBuffer(body)) return reply.code(400).send();
  let event: Stripe.Event;
  try {
    event = Stripe.webhooks.constructEvent(body, signature, deps.webhookSecret, deps.toleranceSeconds ?? 300);
  } catch {
    request.log.warn({ reason: 'bad signature' }, 'stripe webhook refused');
    return reply.code(400).send();
  }
  const payment = journeyPayment(event);
  if (!payment) return reply.code(200).send({ received: true, ignored: true });
  const result = deps.dispatcher.dispatch(payment.workflowId, {
    kind: 'engagement',
    signal: payment.signal,
    labels: payment.labels,
  });
  request.log.info({ stripeEvent: event.id, type: event.type, signal: payment.signal.type, result }, 'stripe payment');
  // Full queue: 503 makes Stripe deliver the event again later (it retries for days).
  if (result === 'full') return reply.code(503).send({ received: false });
  return reply.code(200).send({ received: true });
}
