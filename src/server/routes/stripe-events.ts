/**
 * Which Stripe events are payments of a journey, and the engagement signal each one becomes.
 * The journey is named by the metadata the landing page put on the Checkout Session (copied
 * onto its PaymentIntent): `workflow`, and `plan` / `amountDue` to tell a full payment from a
 * first instalment; `version` and `variant` label the payment in the metrics.
 */
import type Stripe from 'stripe';
import { fromMinorUnits, toMinorUnits } from '../../channels/currency.js';
import type { EngagementSignal } from '../../workflows/types.js';
import type { SignalLabels } from '../signals.js';

export const PAYMENT_EVENT_TYPES = [
  'checkout.session.completed',
  'checkout.session.async_payment_succeeded',
  'payment_intent.succeeded',
] as const;

export interface JourneyPayment {
  workflowId: string;
  signal: EngagementSignal;
  /** Journey version and A/B variant from the session metadata (metric labels only). */
  labels: SignalLabels;
}

interface Paid {
  amountMinor: number | null;
  currency: string | null;
  metadata: Stripe.Metadata | null;
  paymentIntent: string | null;
}

function paidObject(event: Stripe.Event): Paid | undefined {
  switch (event.type) {
    case 'checkout.session.completed':
    case 'checkout.session.async_payment_succeeded': {
      const s = event.data.object;
      // A session completed with a delayed method (SEPA debit…) is not paid yet: its
      // async_payment_succeeded event follows.
      if (s.payment_status !== 'paid') return undefined;
      const pi = typeof s.payment_intent === 'string' ? s.payment_intent : (s.payment_intent?.id ?? null);
      return { amountMinor: s.amount_total, currency: s.currency, metadata: s.metadata, paymentIntent: pi };
    }
    case 'payment_intent.succeeded': {
      const p = event.data.object;
      return { amountMinor: p.amount_received, currency: p.currency, metadata: p.metadata, paymentIntent: p.id };
    }
    default:
      return undefined;
  }
}

/**
 * The signal for a payment event, or undefined when the event is not a payment of a journey
 * (another type, unpaid, no `workflow` metadata: ignored, answered 200).
 *
 * `paid` for the whole amount due; `partiallyPaid` with `{ amount, currency }` for an instalment
 * (`metadata.plan`) or less than `metadata.amountDue`. Amounts are converted from minor units.
 * The event id is the payment's (the PaymentIntent), not Stripe's event id: one payment raises
 * both `checkout.session.completed` and `payment_intent.succeeded`, and the journey must count
 * it once. Stripe redelivering an event gives the same id too.
 */
export function journeyPayment(event: Stripe.Event): JourneyPayment | undefined {
  const paid = paidObject(event);
  const meta = paid?.metadata ?? {};
  const workflowId = meta.workflow;
  if (!paid || typeof workflowId !== 'string' || workflowId === '') return undefined;
  const currency = (paid.currency ?? '').toUpperCase();
  const amountMinor = paid.amountMinor ?? undefined;
  const plan = meta.plan !== undefined && meta.plan !== '' ? Number(meta.plan) : undefined;
  const amountDue = meta.amountDue !== undefined ? Number(meta.amountDue) : NaN;
  const short =
    amountMinor !== undefined &&
    currency !== '' &&
    Number.isFinite(amountDue) &&
    amountMinor < toMinorUnits(amountDue, currency);
  const data: Record<string, string | number> = {};
  if (amountMinor !== undefined && currency !== '') {
    data.amount = fromMinorUnits(amountMinor, currency);
    data.currency = currency;
  }
  if (plan !== undefined && Number.isFinite(plan)) data.instalments = plan;
  if (meta.source) data.source = meta.source;
  const labels: SignalLabels = {
    ...(meta.journey && { journey: meta.journey }),
    ...(meta.version && { version: meta.version }),
    ...(meta.variant && { variant: meta.variant }),
  };
  return {
    workflowId,
    labels,
    signal: {
      eventId: `stripe:${paid.paymentIntent ?? event.id}`,
      type: plan !== undefined || short ? 'partiallyPaid' : 'paid',
      ...(meta.message && { messageId: meta.message }),
      at: new Date(event.created * 1000).toISOString(),
      ...(Object.keys(data).length > 0 && { data }),
    },
  };
}
