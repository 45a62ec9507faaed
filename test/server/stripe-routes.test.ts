/**
 * POST /webhooks/stripe with webhooks signed as Stripe signs them
 * (`stripe.webhooks.generateTestHeaderString`): payments become paid / partiallyPaid signals on
 * the journey named in the metadata; forged, tampered or stale requests are refused with 400
 * and dispatch nothing; the raw-body parser stays inside the plugin.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import Stripe from 'stripe';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerStripeRoutes } from '../../src/server/routes/stripe.js';
import { recordingDispatcher, type RecordingDispatcher } from '../support/fake-dispatcher.js';
import { CHECKOUT_METADATA, paidSession, stripeEvent } from '../support/stripe-events.js';

const SECRET = 'whsec_test_settle_0123456789';
const WORKFLOW = 'settle/INV-2026-0042/soft-collection';

let app: FastifyInstance;
let dispatcher: RecordingDispatcher;

beforeEach(async () => {
  dispatcher = recordingDispatcher();
  app = Fastify();
  // Another route of the app: it must keep fastify's JSON parsing.
  app.post('/other', (request) => ({ echo: request.body }));
  await registerStripeRoutes(app, { webhookSecret: SECRET, dispatcher });
  await app.ready();
});

afterEach(async () => {
  await app.close();
});

const metadata = CHECKOUT_METADATA;

const event = stripeEvent;

const session = paidSession;

async function post(
  body: unknown,
  opts: { secret?: string; tamper?: (payload: string) => string; timestamp?: number } = {},
) {
  const payload = JSON.stringify(body);
  const header = Stripe.webhooks.generateTestHeaderString({
    payload,
    secret: opts.secret ?? SECRET,
    ...(opts.timestamp !== undefined && { timestamp: opts.timestamp }),
  });
  return app.inject({
    method: 'POST',
    url: '/webhooks/stripe',
    headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': header },
    payload: opts.tamper ? opts.tamper(payload) : payload,
  });
}

describe('POST /webhooks/stripe', () => {
  it('checkout.session.completed (paid) → paid on the journey of the metadata, amount from minor units', async () => {
    const res = await post(event('checkout.session.completed', session()));
    expect(res.statusCode).toBe(200);
    expect(dispatcher.sent).toEqual([
      {
        workflowId: WORKFLOW,
        signal: {
          kind: 'engagement',
          signal: {
            eventId: 'stripe:pi_1',
            type: 'paid',
            messageId: `${WORKFLOW}/first-email/1`,
            at: new Date(1_790_000_000_000).toISOString(),
            data: { amount: 420.5, currency: 'EUR', source: 'email' },
          },
          // The payment's metric labels: the version of the metadata, no variant outside a split.
          labels: { journey: 'soft-collection', version: '1' },
        },
      },
    ]);
  });

  it('labels the payment with the version and A/B variant of the session metadata', async () => {
    await post(event('checkout.session.completed', session({ metadata: { ...metadata, variant: 'loss-aversion' } })));
    expect(dispatcher.sent[0]!.signal).toMatchObject({ labels: { version: '1', variant: 'loss-aversion' } });
  });

  it('a first instalment (metadata.plan) → partiallyPaid with amount and currency', async () => {
    const res = await post(
      event('checkout.session.completed', session({ amount_total: 21025, metadata: { ...metadata, plan: '2' } })),
    );
    expect(res.statusCode).toBe(200);
    const signal = dispatcher.sent[0]!.signal;
    expect(signal).toMatchObject({
      kind: 'engagement',
      signal: { type: 'partiallyPaid', data: { amount: 210.25, currency: 'EUR', instalments: 2 } },
    });
  });

  it('less than the amount due → partiallyPaid; JPY amounts are not divided', async () => {
    await post(
      event('payment_intent.succeeded', {
        id: 'pi_9',
        object: 'payment_intent',
        amount_received: 5000,
        currency: 'jpy',
        metadata: { ...metadata, amountDue: '15800' },
      }),
    );
    expect(dispatcher.sent[0]).toMatchObject({
      workflowId: WORKFLOW,
      signal: { signal: { eventId: 'stripe:pi_9', type: 'partiallyPaid', data: { amount: 5000, currency: 'JPY' } } },
    });
  });

  it('async_payment_succeeded and payment_intent.succeeded of one payment carry the same event id', async () => {
    await post(event('checkout.session.completed', session({ payment_status: 'unpaid' }), 'evt_a'));
    expect(dispatcher.sent).toHaveLength(0); // a delayed method: not paid yet
    await post(event('checkout.session.async_payment_succeeded', session(), 'evt_b'));
    await post(
      event(
        'payment_intent.succeeded',
        { id: 'pi_1', object: 'payment_intent', amount_received: 42050, currency: 'eur', metadata },
        'evt_c',
      ),
    );
    expect(
      dispatcher.sent.map((s) => s.signal.kind === 'engagement' && [s.signal.signal.type, s.signal.signal.eventId]),
    ).toEqual([
      ['paid', 'stripe:pi_1'],
      ['paid', 'stripe:pi_1'],
    ]);
  });

  it('other event types, and payments of no journey, are acknowledged and ignored', async () => {
    const other = await post(event('customer.created', { id: 'cus_1', object: 'customer' }));
    const foreign = await post(event('checkout.session.completed', session({ metadata: {} })));
    expect([other.statusCode, foreign.statusCode]).toEqual([200, 200]);
    expect(other.json()).toEqual({ received: true, ignored: true });
    expect(dispatcher.sent).toHaveLength(0);
  });

  it('tampered body, wrong secret, stale or future timestamp, missing or garbled header → 400, nothing dispatched', async () => {
    const body = event('checkout.session.completed', session());
    const tampered = await post(body, { tamper: (p) => p.replace('42050', '1') });
    const wrongSecret = await post(body, { secret: 'whsec_someone_else' });
    const stale = await post(body, { timestamp: Math.floor(Date.now() / 1000) - 3600 });
    const future = await post(body, { timestamp: Math.floor(Date.now() / 1000) + 86_400 });
    const justAhead = await post(body, { timestamp: Math.floor(Date.now() / 1000) + 301 + 5 });
    const noHeader = await app.inject({
      method: 'POST',
      url: '/webhooks/stripe',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify(body),
    });
    const garbled = await app.inject({
      method: 'POST',
      url: '/webhooks/stripe',
      headers: { 'content-type': 'application/json', 'stripe-signature': 'nonsense' },
      payload: JSON.stringify(body),
    });
    for (const res of [tampered, wrongSecret, stale, future, justAhead, noHeader, garbled]) {
      expect(res.statusCode).toBe(400);
      expect(res.body).toBe('');
    }
    expect(dispatcher.sent).toHaveLength(0);
  });

  it('accepts a signature made a little ahead or behind (clock skew within the tolerance)', async () => {
    const now = Math.floor(Date.now() / 1000);
    for (const timestamp of [now + 60, now - 60]) {
      const res = await post(event('checkout.session.completed', session()), { timestamp });
      expect(res.statusCode).toBe(200);
    }
    expect(dispatcher.sent).toHaveLength(2);
  });

  it('verifies the exact bytes: whitespace Stripe sent is kept', async () => {
    const payload = JSON.stringify(event('checkout.session.completed', session()), null, 2);
    const header = Stripe.webhooks.generateTestHeaderString({ payload, secret: SECRET });
    const res = await app.inject({
      method: 'POST',
      url: '/webhooks/stripe',
      headers: { 'content-type': 'application/json', 'stripe-signature': header },
      payload,
    });
    expect(res.statusCode).toBe(200);
    expect(dispatcher.sent).toHaveLength(1);
  });

  it('a full signal queue answers 503 so that Stripe delivers the event again', async () => {
    dispatcher.answer = 'full';
    const res = await post(event('checkout.session.completed', session()));
    expect(res.statusCode).toBe(503);
  });

  it('leaves JSON parsing of the app’s other routes alone', async () => {
    const res = await app.inject({ method: 'POST', url: '/other', payload: { a: 1 } });
    expect(res.json()).toEqual({ echo: { a: 1 } });
  });
});
