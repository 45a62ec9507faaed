/**
 * Activities: the only part of a journey that touches the world. The worker
 * builds them once with createActivities(deps) — channels, renderer, secret and environment
 * injected, no module-level clients — and workflow code sees only the Activities
 * interface in workflows/contract.ts. Each activity is idempotent on the key workflowId/stepId/visit, and
 * failures carry a FAILURE type the workflow routes on.
 */
import { createCallWebhook } from './call-webhook.js';
import type { ActivityDeps } from './deps.js';
import { createCreatePaymentLink } from './payment-link.js';
import {
  createJourneyStarted,
  createRecordDispute,
  createRecordOutcome,
  createRecordPromise,
} from './record-outcome.js';
import { createLedgerActivities } from './reserve-contact.js';
import { createSendEmail } from './send-email.js';
import { createSendSms } from './send-sms.js';
import type { Activities } from '../workflows/contract.js';
import { createLoadPlan } from './load-plan.js';
import { createRouteDebt } from './route-debt.js';

export function createActivities(deps: ActivityDeps): Activities {
  return {
    sendEmail: createSendEmail(deps),
    sendSms: createSendSms(deps),
    createPaymentLink: createCreatePaymentLink(deps),
    callWebhook: createCallWebhook(deps),
    journeyStarted: createJourneyStarted(deps),
    recordOutcome: createRecordOutcome(deps),
    recordPromise: createRecordPromise(deps),
    recordDispute: createRecordDispute(deps),
    ...createLedgerActivities(deps),
    loadPlan: createLoadPlan(deps.stores.plans),
    routeDebt: createRouteDebt(deps.stores.routing),
  };
}

export type { ActivityDeps, ActivityLog, ActivityStores, OutcomeSink } from './deps.js';
export { emailMessageId } from './message.js';
export { E164 } from './send-sms.js';
export * from '../workflows/contract.js';
