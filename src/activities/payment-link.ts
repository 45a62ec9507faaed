/**
 * The `createPaymentLink` activity: a link to Settle's payment page for this step visit, made
 * before the message that carries it (the workflow passes the URL to the send as `payUrl`).
 */
import type { ActivityDeps } from './deps.js';
import { invalidInput } from './failures.js';
import type { PaymentLinkInput, PaymentLinkResult } from '../workflows/contract.js';

export function createCreatePaymentLink(deps: ActivityDeps): (input: PaymentLinkInput) => Promise<PaymentLinkResult> {
  return async function createPaymentLink(input) {
    if (!Number.isFinite(input.amountDue) || input.amountDue <= 0) {
      throw invalidInput(`payment link for step "${input.step}": debt.amountDue must be a positive amount`);
    }
    if (!/^[A-Z]{3}$/.test(input.currency)) {
      throw invalidInput(`payment link for step "${input.step}": debt.currency must be an ISO 4217 code such as EUR`);
    }
    const { url } = await deps.payments.create({
      key: input.key,
      workflowId: input.workflowId,
      step: input.step,
      source: input.source,
      version: input.version,
      journey: input.journey,
      ...(input.variant !== undefined && { variant: input.variant }),
      amountDue: input.amountDue,
      currency: input.currency,
    });
    deps.log?.info('payment link created', { journey: input.journey, version: input.version, step: input.step });
    return { url };
  };
}
