/**
 * Stripe Checkout behind a small port: the payment landing page creates a fresh Checkout
 * Session each time a debtor presses pay (sessions expire within 24 h, the links in messages
 * must not), and its metadata carries what the webhook needs to signal the right journey.
 * The SDK is pointed at stripe-mock in tests and `settle dev`.
 */
import { createHash } from 'node:crypto';
import Stripe from 'stripe';
import { instalmentMinorUnits, toMinorUnits } from './currency.js';
import { ChannelError } from './errors.js';

/** What the webhook reads back (Stripe metadata values are strings). */
export interface CheckoutMetadata {
  workflow: string;
  journey: string;
  version: string;
  step: string;
  variant?: string;
  /** The channel that brought the visitor (email, sms) or `direct`. */
  source: string;
  /** The idempotency key of the message whose link was followed (the signal's messageId). */
  message?: string;
}

export interface CheckoutSessionRequest {
  /** Idempotency key: the same key returns the same session for 24 h (Stripe's window). */
  key: string;
  /** The amount due, in major units (420.5). */
  amount: number;
  /** ISO 4217 code. */
  currency: string;
  /** Line item name the debtor sees on Stripe's page. */
  description: string;
  /** The debt's reference (invoice number), for the creditor's reconciliation. */
  reference: string;
  successUrl: string;
  cancelUrl: string;
  metadata: CheckoutMetadata;
  /** Pay in this many instalments: the session charges the first one. */
  instalments?: number;
  /**
   * A later instalment of the agreed plan of this many instalments: `amount` is charged as is
   * (the journey's schedule) and the webhook reports it as part of the plan.
   */
  instalmentOf?: number;
  /** The debtor's language for Stripe's page (en, fr, nl…); `auto` when absent. */
  locale?: string;
}

export interface CheckoutSession {
  id: string;
  url: string;
  /** What the session charges, in minor units. */
  amount: number;
  currency: string;
  /** The idempotency key Stripe acknowledged (echoed in its response). */
  idempotencyKey?: string;
}

export interface StripeCheckout {
  createCheckoutSession(request: CheckoutSessionRequest): Promise<CheckoutSession>;
}

export interface StripeCheckoutOptions {
  secretKey: string;
  /** stripe-mock: host 127.0.0.1, its port, protocol http. */
  host?: string;
  port?: number;
  protocol?: 'http' | 'https';
  timeoutMs?: number;
}

// Checkout's `locale` values (language part).
// prettier-ignore
const CHECKOUT_LOCALES = new Set(['bg', 'cs', 'da', 'de', 'el', 'en', 'es', 'et', 'fi', 'fil', 'fr', 'hr', 'hu', 'id', 'it', 'ja', 'ko', 'lt', 'lv', 'ms', 'mt', 'nb', 'nl', 'pl', 'pt', 'ro', 'ru', 'sk', 'sl', 'sv', 'th', 'tr', 'vi', 'zh']);

function checkoutLocale(locale: string | undefined): Stripe.Checkout.SessionCreateParams.Locale {
  const lang = locale?.toLowerCase().split(/[-_]/)[0];
  return (
    lang !== undefined && CHECKOUT_LOCALES.has(lang) ? lang : 'auto'
  ) as Stripe.Checkout.SessionCreateParams.Locale;
}

/** Stripe accepts idempotency keys up to 255 characters; longer ones are hashed. */
export function stripeIdempotencyKey(key: string): string {
  return key.length <= 255 ? key : `sha256:${createHash('sha256').update(key).digest('hex')}`;
}

/**
 * The session parameters. A payment plan of N instalments charges the first instalment now
 * (amountDue / N, rounded up to the currency's minor unit) and marks `plan: "N"` in the
 * metadata so the webhook reports `partiallyPaid`. Collecting the later instalments (a
 * subscription schedule, or a fresh link from the journey) is out of scope here: the journey
 * decides what happens after the first one (its `partiallyPaid` route).
 */
export function checkoutSessionParams(r: CheckoutSessionRequest): Stripe.Checkout.SessionCreateParams {
  if (!/^[A-Za-z]{3}$/.test(r.currency)) throw new RangeError(`currency must be an ISO 4217 code, got "${r.currency}"`);
  if (!(r.amount > 0)) throw new RangeError(`amount must be positive, got ${r.amount}`);
  const plan = r.instalments !== undefined && r.instalments > 1 ? r.instalments : undefined;
  const unitAmount = plan ? instalmentMinorUnits(r.amount, r.currency, plan) : toMinorUnits(r.amount, r.currency);
  const metadata: Record<string, string> = {
    ...Object.fromEntries(Object.entries(r.metadata).filter((e): e is [string, string] => typeof e[1] === 'string')),
    amountDue: String(r.amount),
    reference: r.reference,
    ...(plan !== undefined && { plan: String(plan) }),
    ...(plan === undefined && r.instalmentOf !== undefined && { plan: String(r.instalmentOf) }),
  };
  return {
    mode: 'payment',
    line_items: [
      {
        quantity: 1,
        price_data: {
          currency: r.currency.toLowerCase(),
          unit_amount: unitAmount,
          product_data: { name: r.description.slice(0, 250) || r.reference },
        },
      },
    ],
    success_url: r.successUrl,
    cancel_url: r.cancelUrl,
    locale: checkoutLocale(r.locale),
    metadata,
    // Copied onto the PaymentIntent so that payment_intent.succeeded finds the journey too.
    payment_intent_data: { metadata, description: r.reference },
  };
}

function channelError(error: unknown): ChannelError {
  const e = error as { type?: string; statusCode?: number; message?: string };
  const status = e.statusCode;
  const transient =
    e.type === 'StripeConnectionError' ||
    e.type === 'StripeAPIError' ||
    e.type === 'StripeRateLimitError' ||
    (status ?? 0) >= 500;
  const message = `Stripe refused the checkout session (${e.type ?? 'error'}${status ? ` ${status}` : ''}): ${e.message ?? String(error)}`;
  return new ChannelError(transient ? 'unavailable' : 'config', message, status);
}

export function createStripeCheckout(options: StripeCheckoutOptions): StripeCheckout {
  const stripe = new Stripe(options.secretKey, {
    ...(options.host !== undefined && { host: options.host }),
    ...(options.port !== undefined && { port: options.port }),
    ...(options.protocol !== undefined && { protocol: options.protocol }),
    // Safe with an idempotency key: a retried create returns the same session.
    maxNetworkRetries: 2,
    timeout: options.timeoutMs ?? 10_000,
    appInfo: { name: 'settle' },
  });
  return {
    async createCheckoutSession(request) {
      const params = checkoutSessionParams(request);
      let session: Stripe.Response<Stripe.Checkout.Session>;
      try {
        session = await stripe.checkout.sessions.create(params, { idempotencyKey: stripeIdempotencyKey(request.key) });
      } catch (error) {
        throw channelError(error);
      }
      if (!session.url)
        throw new ChannelError('config', `Stripe returned checkout session ${session.id} without a URL`);
      const amount = params.line_items![0]!.price_data!.unit_amount!;
      return {
        id: session.id,
        url: session.url,
        amount,
        currency: request.currency.toUpperCase(),
        ...(session.lastResponse.idempotencyKey !== undefined && {
          idempotencyKey: session.lastResponse.idempotencyKey,
        }),
      };
    },
  };
}
