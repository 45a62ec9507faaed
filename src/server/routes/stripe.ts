/**
 * `POST /webhooks/stripe`: Stripe's payment events become `paid` / `partiallyPaid` signals on
 * the journey named in the session metadata. The signature (`Stripe-Signature`, HMAC of the
 * exact bytes Stripe sent) is checked with `constructEvent` on the raw body, so this plugin
 * parses bodies as buffers in its own encapsulated scope: the app's other routes keep their
 * JSON and form parsers. Forged, tampered, stale (> 5 min) or future-dated (> 5 min ahead) requests get 400 and no detail.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import Stripe from 'stripe';
import type { SignalDispatcher } from '../signals.js';
import { journeyPayment } from './stripe-events.js';

export interface StripeRoutesDeps {
  /** STRIPE_WEBHOOK_SECRET (whsec_…): the endpoint's signing secret. */
  webhookSecret: string;
  dispatcher: SignalDispatcher;
  /** Largest accepted distance of a signed timestamp from now, either way, seconds (Stripe's default 300). */
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

/** The `t=` of a Stripe-Signature header, in unix seconds (NaN when absent or malformed). */
function signedAt(header: string): number {
  const t = header
    .split(',')
    .map((part) => part.trim())
    .find((part) => part.startsWith('t='));
  return t !== undefined && /^t=\d{1,12}$/.test(t) ? Number(t.slice(2)) : NaN;
}

function handle(deps: StripeRoutesDeps, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const signature = request.headers['stripe-signature'];
  const body = request.body;
  if (typeof signature !== 'string' || !Buffer.isBuffer(body)) return reply.code(400).send();
  const tolerance = deps.toleranceSeconds ?? 300;
  let event: Stripe.Event;
  try {
    // constructEvent refuses timestamps older than the tolerance only; one from the future is
    // as suspect (a signing clock far ahead, or a request prepared for a later replay).
    if (!(signedAt(signature) <= Math.floor(Date.now() / 1000) + tolerance)) throw new Error('future timestamp');
    event = Stripe.webhooks.constructEvent(body, signature, deps.webhookSecret, tolerance);
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
