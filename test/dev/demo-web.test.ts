/**
 * The demo's debtors on the web path: a visit is a GET of the landing page, a payment a POST
 * to its checkout (a session on stripe-mock, kept in the dev ledger) followed by the signed
 * Stripe webhook, so the journey hears `visited` and `paid` / `partiallyPaid` from the routes.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalPaymentLinks } from '../../src/channels/payments.js';
import { createStripeCheckout } from '../../src/channels/stripe.js';
import { DemoWeb } from '../../src/dev/demo-web.js';
import { ledgerCheckout } from '../../src/dev/dev-stripe.js';
import { registerLandingRoutes } from '../../src/server/routes/landing.js';
import { registerStripeRoutes } from '../../src/server/routes/stripe.js';
import { recordingDispatcher } from '../support/fake-dispatcher.js';
import { journeyView } from '../support/journey-view.js';
import { startStripeMock, type StripeMock } from '../support/stripe-mock.js';

const SECRET = 'demo-web-test-secret-0123456789abcdef';
const WEBHOOK_SECRET = 'whsec_demo_web_test';
const WF = 'settle/DEMO-1/soft-collection';

let mock: StripeMock;
let app: FastifyInstance;
let url: string;
const dispatcher = recordingDispatcher();
const { checkout, ledger } = ledgerCheckout({
  createCheckoutSession: (r) =>
    createStripeCheckout({ secretKey: 'sk_test_demo', ...mock.sdk }).createCheckoutSession(r),
});

const view = journeyView(
  {
    debtId: 'DEMO-1',
    variants: {},
    debt: { reference: 'DEMO-1', amountDue: 250, currency: 'EUR', dueDate: '2026-10-01' },
  },
  { firstName: 'Jan', locale: 'nl', timezone: 'Europe/Amsterdam' },
);

beforeAll(async () => {
  mock = await startStripeMock();
  app = Fastify();
  const lookup = { view: (id: string) => Promise.resolve(id === WF ? view : undefined) };
  await registerLandingRoutes(app, {
    secret: SECRET,
    publicUrl: 'http://settle.example.test/base',
    lookup,
    dispatcher,
    checkout,
  });
  await registerStripeRoutes(app, { webhookSecret: WEBHOOK_SECRET, dispatcher });
  url = await app.listen({ host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  await app?.close();
  await mock?.stop();
});

describe('DemoWeb', () => {
  it('visits, then pays the first of 2 instalments through Checkout and the signed webhook', async () => {
    const key = `${WF}/first-email/1`;
    const links = createLocalPaymentLinks({ publicUrl: 'http://settle.example.test/base', secret: SECRET });
    const { url: payUrl } = await links.create({
      key,
      workflowId: WF,
      step: 'first-email',
      source: 'sms',
      amountDue: 250,
      currency: 'EUR',
    });
    const web = new DemoWeb({ baseUrl: () => url, webhookSecret: WEBHOOK_SECRET, ledger });

    expect(await web.visit(payUrl)).toBe(true);
    expect(await web.pay(payUrl, key, 2)).toBe(true);
    const signals = dispatcher.sent.map((s) => (s.signal.kind === 'engagement' ? s.signal.signal : undefined));
    expect(dispatcher.sent.every((s) => s.workflowId === WF)).toBe(true);
    expect(signals[0]).toMatchObject({ type: 'visited', data: { source: 'sms' } });
    expect(signals[1]).toMatchObject({
      type: 'partiallyPaid',
      messageId: key,
      data: { amount: 125, currency: 'EUR', instalments: 2, source: 'sms' },
    });

    expect(await web.pay(payUrl, key, 'full')).toBe(true);
    expect(dispatcher.sent.at(-1)!.signal).toMatchObject({ signal: { type: 'paid', data: { amount: 250 } } });
  });

  it('answers false when the server has no such route (the demo then signals directly)', async () => {
    const web = new DemoWeb({ baseUrl: url, webhookSecret: WEBHOOK_SECRET, ledger });
    expect(await web.visit('http://x.test/p/not-a-token.AAAA')).toBe(false);
    expect(await web.pay('http://x.test/p/not-a-token.AAAA', 'k', 'full')).toBe(false);
  });
});
