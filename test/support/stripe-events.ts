/** Stripe webhook events as Stripe sends them, for the webhook route tests (Anna's 420.50 EUR invoice). */

export const STRIPE_WORKFLOW = 'settle/INV-2026-0042/soft-collection';

/** The metadata Settle puts on a Checkout Session of the first email's payment link. */
export const CHECKOUT_METADATA = {
  workflow: STRIPE_WORKFLOW,
  journey: 'soft-collection',
  version: '1',
  step: 'first-email',
  source: 'email',
  message: `${STRIPE_WORKFLOW}/first-email/1`,
  amountDue: '420.5',
};

/** A paid, complete Checkout Session (cs_test_1, payment intent pi_1), with changes. */
export function paidSession(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'cs_test_1',
    object: 'checkout.session',
    payment_status: 'paid',
    status: 'complete',
    amount_total: 42050,
    currency: 'eur',
    payment_intent: 'pi_1',
    metadata: CHECKOUT_METADATA,
    ...over,
  };
}

/** An event of `type` about `object`. */
export function stripeEvent(type: string, object: Record<string, unknown>, id = 'evt_1') {
  return {
    id,
    object: 'event',
    api_version: '2026-01-28',
    created: 1_790_000_000,
    livemode: false,
    type,
    data: { object },
  };
}
