/**
 * What the payment page makes of a journey's state view: whether it can be paid, the plans it
 * offers, the page model, and the Checkout Session request with the metadata the Stripe webhook
 * reads back (stripe-events.ts).
 */
import { fromMinorUnits, instalmentMinorUnits } from '../../channels/currency.js';
import type { CheckoutSessionRequest } from '../../channels/stripe.js';
import type { LinkClaims } from '../../channels/tokens.js';
import type { JourneyStateView } from '../../workflows/types.js';
import { formatLocale } from '../pages/landing/locale-format.js';
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

/**
 * The next instalment of the plan the debtor agreed to (the journey holds the schedule, rounded
 * as Stripe charges it), or undefined when no plan runs.
 */
export function nextInstalment(
  view: JourneyStateView,
): { index: number; count: number; amount: number; dueDate: string } | undefined {
  const plan = view.plan;
  if (!plan || plan.broken || plan.paid >= plan.count) return undefined;
  const amount = Math.min(plan.amounts[plan.paid]!, view.debt.amountDue);
  return { index: plan.paid + 1, count: plan.count, amount, dueDate: plan.dueDates[plan.paid]! };
}

/** Instalment counts the journey offers for this debt (none below its minimum amount, none while a plan runs). */
export function offeredPlans(view: JourneyStateView): number[] {
  const plans = view.paymentPlans;
  if (!plans || nextInstalment(view)) return [];
  if (plans.minAmount !== undefined && view.debt.amountDue < plans.minAmount) return [];
  return [...new Set(plans.instalments)].filter((n) => Number.isInteger(n) && n >= 2 && n <= 24).sort((a, b) => a - b);
}

export function landingModel(view: JourneyStateView, checkoutAction: string): LandingModel {
  const language = languageOf(view.debtor.locale);
  const { currency } = view.debt;
  // While a plan runs, the page asks for its next instalment, due on its own date.
  const next = nextInstalment(view);
  const amountDue = next?.amount ?? view.debt.amountDue;
  return {
    language,
    locale: formatLocale(view.debtor.locale, language),
    firstName: view.debtor.firstName,
    ...(view.debt.creditor && { creditor: view.debt.creditor }),
    reference: view.debt.reference,
    amountDue,
    currency,
    dueDate: next?.dueDate ?? view.debt.dueDate,
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
export function messageLabels(
  view: JourneyStateView,
  claims: LinkClaims,
): { version: string; variant?: string; journey: string } {
  if (claims.v !== undefined)
    return {
      version: claims.v,
      ...(claims.a !== undefined && { variant: claims.a }),
      journey: claims.j ?? view.journey,
    };
  const variant = latestVariant(view);
  return { version: String(view.version), ...(variant !== undefined && { variant }), journey: view.journey };
}

export function checkoutRequest(
  view: JourneyStateView,
  claims: LinkClaims,
  t: LandingTexts,
  o: { key: string; successUrl: string; cancelUrl: string; instalments?: number },
): CheckoutSessionRequest {
  const { version, variant } = messageLabels(view, claims);
  const item = t.lineItem(view.debt.reference, view.debt.creditor);
  const next = o.instalments === undefined ? nextInstalment(view) : undefined;
  const count = o.instalments ?? next?.count;
  return {
    key: o.key,
    amount: next?.amount ?? view.debt.amountDue,
    currency: view.debt.currency,
    description: count ? `${item} (${t.instalment(count)})` : item,
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
    ...(next !== undefined && { instalmentOf: next.count }),
  };
}
