/**
 * The Stripe Checkout adapter against stripe-mock (Stripe's own API mock, which validates each
 * request against Stripe's OpenAPI spec), through a recording proxy that shows what went on the
 * wire: amounts in minor units per currency, the idempotency key, the metadata the webhook needs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currencyExponent, fromMinorUnits, instalmentMinorUnits, toMinorUnits } from '../../src/channels/currency.js';
import { ChannelError } from '../../src/channels/errors.js';
import { createStripeCheckout, stripeIdempotencyKey, type CheckoutSessionRequest } from '../../src/channels/stripe.js';
import { recordStripeMock, stripeMockPath, type RecordingStripeMock } from '../support/stripe-mock.js';

let mock: RecordingStripeMock;

beforeAll(async () => {
  mock = await recordStripeMock();
});

afterAll(async () => {
  await mock?.stop();
});

function request(over: Partial<CheckoutSessionRequest> = {}): CheckoutSessionRequest {
  return {
    key: 'settle/INV-1/soft-collection/first-email/1/full',
    amount: 420.5,
    currency: 'EUR',
    description: 'Telco Nova — INV-1',
    reference: 'INV-1',
    successUrl: 'https://pay.example.test/p/tok/thanks',
    cancelUrl: 'https://pay.example.test/p/tok',
    locale: 'fr',
    metadata: {
      workflow: 'settle/INV-1/soft-collection',
      journey: 'soft-collection',
      version: '3',
      step: 'first-email',
      variant: 'social-proof',
      source: 'email',
      message: 'settle/INV-1/soft-collection/first-email/1',
    },
    ...over,
  };
}

function lastCreate() {
  const r = mock.requests.filter((x) => x.path === '/v1/checkout/sessions').at(-1);
  if (!r) throw new Error('no checkout session request reached stripe-mock');
  return r;
}

describe('stripeMockPath', () => {
  it('takes STRIPE_MOCK_PATH first, else .tools/bin, and says how to fix a bad path', () => {
    expect(stripeMockPath({})).toMatch(/\.tools\/bin\/stripe-mock$/);
    expect(stripeMockPath({ STRIPE_MOCK_PATH: process.execPath })).toBe(process.execPath);
    expect(() => stripeMockPath({ STRIPE_MOCK_PATH: '/nonexistent/stripe-mock' })).toThrow(
      /STRIPE_MOCK_PATH=.*not an executable/,
    );
  });
});

describe('minor units', () => {
  it('follows Stripe’s exponents, rounding safely', () => {
    expect([currencyExponent('eur'), currencyExponent('JPY'), currencyExponent('KWD')]).toEqual([2, 0, 3]);
    expect(toMinorUnits(420.5, 'EUR')).toBe(42050);
    expect(toMinorUnits(0.29, 'USD')).toBe(29);
    expect(toMinorUnits(1500, 'JPY')).toBe(1500);
    expect(toMinorUnits(1.2345, 'KWD')).toBe(1230);
    expect(fromMinorUnits(42050, 'EUR')).toBe(420.5);
    expect(fromMinorUnits(1500, 'JPY')).toBe(1500);
    expect(instalmentMinorUnits(420.5, 'EUR', 3)).toBe(14017);
    expect(instalmentMinorUnits(1001, 'JPY', 2)).toBe(501);
  });
});

describe('createStripeCheckout against stripe-mock', () => {
  it('creates a session in EUR cents with the idempotency key and the journey metadata', async () => {
    const checkout = createStripeCheckout({ secretKey: 'sk_test_settle', ...mock.sdk });
    const session = await checkout.createCheckoutSession(request());
    expect(session.id).toMatch(/^cs_/);
    expect(session.url).toMatch(/^https:\/\//);
    expect(session).toMatchObject({
      amount: 42050,
      currency: 'EUR',
      idempotencyKey: 'settle/INV-1/soft-collection/first-email/1/full',
    });
    const sent = lastCreate();
    expect(sent.status).toBe(200);
    expect(sent.headers['idempotency-key']).toBe('settle/INV-1/soft-collection/first-email/1/full');
    expect(sent.headers.authorization).toBe('Bearer sk_test_settle');
    const f = sent.form;
    expect(f.get('mode')).toBe('payment');
    expect(f.get('line_items[0][price_data][unit_amount]')).toBe('42050');
    expect(f.get('line_items[0][price_data][currency]')).toBe('eur');
    expect(f.get('line_items[0][price_data][product_data][name]')).toBe('Telco Nova — INV-1');
    expect(f.get('locale')).toBe('fr');
    expect(f.get('success_url')).toBe('https://pay.example.test/p/tok/thanks');
    expect(f.get('cancel_url')).toBe('https://pay.example.test/p/tok');
    for (const prefix of ['metadata', 'payment_intent_data[metadata]']) {
      expect(f.get(`${prefix}[workflow]`)).toBe('settle/INV-1/soft-collection');
      expect(f.get(`${prefix}[journey]`)).toBe('soft-collection');
      expect(f.get(`${prefix}[version]`)).toBe('3');
      expect(f.get(`${prefix}[step]`)).toBe('first-email');
      expect(f.get(`${prefix}[variant]`)).toBe('social-proof');
      expect(f.get(`${prefix}[source]`)).toBe('email');
      expect(f.get(`${prefix}[amountDue]`)).toBe('420.5');
      expect(f.has(`${prefix}[plan]`)).toBe(false);
    }
  });

  it('sends zero-decimal currencies as is (JPY)', async () => {
    const checkout = createStripeCheckout({ secretKey: 'sk_test_settle', ...mock.sdk });
    const session = await checkout.createCheckoutSession(
      request({ amount: 15800, currency: 'JPY', key: 'jpy-1', locale: 'ja-JP' }),
    );
    expect(session).toMatchObject({ amount: 15800, currency: 'JPY' });
    const f = lastCreate().form;
    expect(f.get('line_items[0][price_data][unit_amount]')).toBe('15800');
    expect(f.get('line_items[0][price_data][currency]')).toBe('jpy');
    expect(f.get('locale')).toBe('ja');
  });

  it('charges the first instalment of a plan, rounded up, and marks the plan', async () => {
    const checkout = createStripeCheckout({ secretKey: 'sk_test_settle', ...mock.sdk });
    const session = await checkout.createCheckoutSession(request({ instalments: 3, key: 'plan-3' }));
    expect(session.amount).toBe(14017);
    const f = lastCreate().form;
    expect(f.get('line_items[0][price_data][unit_amount]')).toBe('14017');
    expect(f.get('metadata[plan]')).toBe('3');
    expect(f.get('payment_intent_data[metadata][plan]')).toBe('3');
    expect(f.get('metadata[amountDue]')).toBe('420.5');
  });

  it('hashes idempotency keys longer than Stripe accepts', async () => {
    const long = `settle/${'x'.repeat(300)}/full`;
    expect(stripeIdempotencyKey(long)).toMatch(/^sha256:[0-9a-f]{64}$/);
    const checkout = createStripeCheckout({ secretKey: 'sk_test_settle', ...mock.sdk });
    await checkout.createCheckoutSession(request({ key: long }));
    expect(lastCreate().headers['idempotency-key']).toBe(stripeIdempotencyKey(long));
  });

  it('reports an unreachable Stripe as a retryable channel error', async () => {
    const checkout = createStripeCheckout({
      secretKey: 'sk_test_settle',
      host: '127.0.0.1',
      port: 9,
      protocol: 'http',
      timeoutMs: 2000,
    });
    const error = await checkout.createCheckoutSession(request()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChannelError);
    expect((error as ChannelError).kind).toBe('unavailable');
  });

  it('reports a refused key (401) as a configuration error', async () => {
    const checkout = createStripeCheckout({ secretKey: 'not-a-stripe-key', ...mock.sdk });
    const error = await checkout.createCheckoutSession(request()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChannelError);
    expect((error as ChannelError).kind).toBe('config');
    expect((error as ChannelError).code).toBe(401);
  });
});
