/**
 * What the payment page makes of a journey's state view: whether it can be paid, the plans it
 * offers, the page model, and the Checkout Session request with the metadata the Stripe webhook
 * reads back (stripe-events.ts).
 */
import { fromMinorUnits, instalmentMinorUnits } from '../../channels/currency.js';
import type { CheckoutSessionRequest } from '../../channels/stripe.js';
import type { LinkClaims } from '../../channels/tokens.js';
import type { JourneyStateView } from '../../workflows/types.js';
import { formatLocale } from '../pages/landing/format.js';
import type { LandingModel } from '../pages/landing/pages.js';
import { languageOf, type LandingTexts } from '../pages/landing/texts.js';
import type { JourneyLookup } from '../signals.js';

export type Journey =
  | { state: 'open' | 'paid' | 'closed'; view: JourneyStateView; reason?: undefined }
  | { state: 'unknown'; view?: undefined; reason?: undefined }
  | { state: 'unreachable'; view?: undefined; reason: string };

function isPaid(view: JourneyStateView): boolean {
  return view.outcome === 'paid' || view.events.some((e) => e.type === 'paid');
}

/** Looks the journey up within `timeoutMs`; never throws. */
export async function findJourney(lookup: JourneyLookup, workflowId: string, timeoutMs: number): Promise<Journey> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
  });
  try {
    const view = await Promise.race([lookup.view(workflowId), timeout]);
    if (!view) return { state: 'unknown' };
    if (isPaid(view)) return { state: 'paid', view };
    return { state: view.outcome === undefined ? 'open' : 'closed', view };
  } catch (error) {
    return {
      state: 'unreachable',
      reason: error instanceof Error ? error.name + (error.message === 'timeout' ? ' (timeout)' : '') : 'unknown',
    };
  } finally {
    clearTimeout(timer);
  }
}

/** Instalment counts the journey offers for this debt (none below its minimum amount). */
export function offeredPlans(view: JourneyStateView): number[] {
  const plans = view.paymentPlans;
  if (!plans) return [];
  if (plans.minAmount !== undefined && view.debt.amountDue < plans.minAmount) return [];
  return [...new Set(plans.instalments)].filter((n) => Number.isInteger(n) && n >= 2 && n <= 24).sort((a, b) => a - b);
}

export function landingModel(view: JourneyStateView, checkoutAction: string): LandingModel {
  const language = languageOf(view.debtor.locale);
  const { amountDue, currency } = view.debt;
  return {
    language,
    locale: formatLocale(view.debtor.locale, language),
    firstName: view.debtor.firstName,
    ...(view.debt.creditor && { creditor: view.debt.creditor }),
    reference: view.debt.reference,
    amountDue,
    currency,
    dueDate: view.debt.dueDate,
    plans: offeredPlans(view).map((count) => ({
      count,
      amount: fromMinorUnits(instalmentMinorUnits(amountDue, currency, count), currency),
    })),
    checkoutAction,
  };
}

/** The variant of the most recent split (as the workflow reports it on messages). */
function latestVariant(view: JourneyStateView): string | undefined {
  return Object.values(view.variants).at(-1);
}

/**
 * Version and A/B variant of the message a link came in (claims `v`, `a`); a link signed before
 * it carried them takes the journey's version and its latest variant.
 */
export function messageLabels(view: JourneyStateView, claims: LinkClaims): { version: string; variant?: string } {
  if (claims.v !== undefined) return { version: claims.v, ...(claims.a !== undefined && { variant: claims.a }) };
  const variant = latestVariant(view);
  return { version: String(view.version), ...(variant !== undefined && { variant }) };
}

export function checkoutRequest(
  view: JourneyStateView,
  claims: LinkClaims,
  t: LandingTexts,
  o: { key: string; successUrl: string; cancelUrl: string; instalments?: number },
): CheckoutSessionRequest {
  const { version, variant } = messageLabels(view, claims);
  const item = t.lineItem(view.debt.reference, view.debt.creditor);
  return {
    key: o.key,
    amount: view.debt.amountDue,
    currency: view.debt.currency,
    description: o.instalments ? `${item} (${t.instalment(o.instalments)})` : item,
    reference: view.debt.reference,
    successUrl: o.successUrl,
    cancelUrl: o.cancelUrl,
    locale: languageOf(view.debtor.locale),
    metadata: {
      workflow: claims.w,
      journey: view.journey,
      version,
      step: claims.s,
      ...(variant !== undefined && { variant }),
      source: claims.c,
      message: claims.k,
    },
    ...(o.instalments !== undefined && { instalments: o.instalments }),
  };
}
