/**
 * Stripe in `settle dev`: the configured account when STRIPE_SECRET_KEY is set, otherwise
 * stripe-mock from .tools (started like the tests start it). Either way the checkout keeps a
 * ledger of the sessions it created, because stripe-mock cannot return them and sends no
 * webhooks: the demo's debtors read the session back from the ledger to post the signed
 * `checkout.session.completed` event Stripe would send (demo-web.ts).
 */
import { randomBytes } from 'node:crypto';
import {
  createStripeCheckout,
  type CheckoutSession,
  type CheckoutSessionRequest,
  type StripeCheckout,
} from '../channels/stripe.js';
import { startStripeMock, type StripeMock } from './stripe-mock.js';
import type { Config } from '../config/env.js';

export interface LedgerEntry {
  request: CheckoutSessionRequest;
  session: CheckoutSession;
}

/** Sessions created in this process, by idempotency key (bounded: the oldest are forgotten). */
export interface CheckoutLedger {
  find(key: string): LedgerEntry | undefined;
}

export interface DevStripe {
  /** For the server app: the landing page's pay button. */
  checkout: StripeCheckout;
  /** For the server app's /webhooks/stripe and for the demo, which signs with it. */
  webhookSecret: string;
  ledger: CheckoutLedger;
  /** "stripe-mock on http://127.0.0.1:PORT" or "Stripe (STRIPE_SECRET_KEY)". */
  description: string;
  close(): Promise<void>;
}

const LEDGER_SIZE = 10_000;

/** Wraps a checkout so that the sessions it creates can be read back. */
export function ledgerCheckout(inner: StripeCheckout): { checkout: StripeCheckout; ledger: CheckoutLedger } {
  const entries = new Map<string, LedgerEntry>();
  return {
    checkout: {
      async createCheckoutSession(request) {
        const session = await inner.createCheckoutSession(request);
        entries.delete(request.key);
        entries.set(request.key, { request, session });
        if (entries.size > LEDGER_SIZE) entries.delete(entries.keys().next().value!);
        return session;
      },
    },
    ledger: { find: (key) => entries.get(key) },
  };
}

/**
 * Starts what `settle dev` pays through. Without STRIPE_SECRET_KEY and without a stripe-mock
 * binary (setup not run) it logs why and answers undefined: the pay button then answers 503.
 */
export async function startDevStripe(config: Config, log: (line: string) => void): Promise<DevStripe | undefined> {
  try {
    const stripe = await openDevStripe(config);
    log(`payments: ${stripe.description}; Stripe webhooks at /webhooks/stripe`);
    return stripe;
  } catch (error) {
    log(`payments: no Stripe (${error instanceof Error ? error.message : String(error)}); the pay button answers 503`);
    return undefined;
  }
}

async function openDevStripe(config: Config): Promise<DevStripe> {
  const webhookSecret = config.stripe.webhookSecret ?? `whsec_dev_${randomBytes(24).toString('hex')}`;
  let mock: StripeMock | undefined;
  let inner: StripeCheckout;
  if (config.stripe.secretKey) {
    inner = createStripeCheckout({ secretKey: config.stripe.secretKey });
  } else {
    mock = await startStripeMock();
    inner = createStripeCheckout({ secretKey: 'sk_test_settledev', ...mock.sdk });
  }
  const { checkout, ledger } = ledgerCheckout(inner);
  return {
    checkout,
    webhookSecret,
    ledger,
    description: mock ? `stripe-mock on ${mock.url}` : 'Stripe (STRIPE_SECRET_KEY)',
    close: async () => {
      await mock?.stop();
    },
  };
}
