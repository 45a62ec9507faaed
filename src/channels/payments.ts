/**
 * The payment-link port. A link points at Settle's own landing page (`/p/<token>`),
 * not at a provider's checkout: the page creates a fresh Stripe Checkout Session on each
 * click, so a link in an old SMS never expires and the token alone tells the page which
 * journey, step and channel brought the visitor. The local implementation only signs; a
 * provider-backed one (pre-creating sessions, short links) can replace it behind the interface.
 */
import { signLinkToken, TEST_LINK, versionClaims } from './tokens.js';

export interface PaymentLinkRequest {
  /** Idempotency key of the step visit (workflowId/stepId/visit). */
  key: string;
  workflowId: string;
  step: string;
  /** The channel the link travels in: the page's `visited` event reports it as the source. */
  source: string;
  /** Journey version and A/B variant of the message (metric labels of the visit and the payment). */
  version?: number;
  variant?: string;
  /** The journey of the message (metric label of the visit and the payment). */
  journey?: string;
  amountDue: number;
  currency: string;
}

export interface PaymentLinks {
  create(request: PaymentLinkRequest): Promise<{ url: string }>;
}

export interface LocalPaymentLinksOptions {
  /** Base of links in messages (SETTLE_PUBLIC_URL). */
  publicUrl: string;
  /** SETTLE_SECRET. */
  secret: string;
  clock?: () => number;
  /** Links of a test send (`settle render --send-to`): marked TEST_LINK, so the page records nothing. */
  test?: boolean;
}

/** Joins a base URL and a path without doubling or dropping the slash. */
export function publicLink(publicUrl: string, path: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

/** Payment links to Settle's landing page, `${publicUrl}/p/<signed token>`. */
export function createLocalPaymentLinks(options: LocalPaymentLinksOptions): PaymentLinks {
  const clock = options.clock ?? Date.now;
  return {
    create(request) {
      const claims = {
        ...({ p: 'p', w: request.workflowId, s: request.step, c: request.source, k: request.key } as const),
        ...(request.version !== undefined &&
          versionClaims({ version: request.version, variant: request.variant, journey: request.journey })),
        ...(options.test && TEST_LINK),
      };
      const token = signLinkToken(options.secret, claims, undefined, clock());
      return Promise.resolve({ url: publicLink(options.publicUrl, `p/${token}`) });
    },
  };
}
