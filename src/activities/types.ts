/**
 * The activity interface the interpreter calls. Workflow code imports these types
 * only (`import type`); the implementations live in src/activities and talk to the world.
 */
import type { ReserveRequest, ReserveResult } from '../core/policy/index.js';
import type { MessageParts } from '../core/template-values.js';
import type { Channel, EnrollmentData, JourneyPlan, PlanTemplate } from '../ir/index.js';
import type { PlanRef } from '../workflows/types.js';

export interface MessageContext {
  /** Idempotency key: workflowId/stepId/visit. Used as Message-ID, Stripe key and SMS dedupe key. */
  key: string;
  workflowId: string;
  journey: string;
  version: number;
  step: string;
  variant?: string;
  debtId: string;
}

/**
 * What a send step passes its activity: the template in the debtor's locale only, the one address
 * the message goes to and the record values that locale reads (src/core/template-values.ts) —
 * never the whole record or every language (activity inputs stay in the journey's history).
 */
export interface SendInput extends MessageContext, MessageParts {
  channel: Channel;
  /** links.pay when the step created a payment link. */
  payUrl?: string;
  /** Journey time of the send (for debt.daysPastDue in templates). */
  nowMs: number;
}

/**
 * The input sends were scheduled with before SendInput: the whole template and enrollment
 * record. Still accepted, since a task scheduled by an older worker may run on a newer one.
 */
export interface FullSendInput extends MessageContext {
  channel: Channel;
  template: PlanTemplate;
  enrollment: EnrollmentData;
  payUrl?: string;
  nowMs: number;
}

/** What sendEmail and sendSms accept. */
export type SendMessageInput = SendInput | FullSendInput;

export interface SendMessageResult {
  messageId: string;
  locale: string;
  /** Provider reference (SMTP response id, Twilio SID…), never personal data. */
  providerId?: string;
  /** Recipients the server refused although the send went through (partial accept). */
  rejected?: number;
  segments?: number;
  /** What the send is billed (SMS: segments × the configured per-segment price). */
  cost?: number;
  /** ISO 4217 currency of `cost`, when configured. */
  costCurrency?: string;
  /** True when this key had already been sent (an activity retry): nothing was sent again. */
  duplicate?: boolean;
}

export interface PaymentLinkInput extends MessageContext {
  source: Channel;
  amountDue: number;
  currency: string;
}

export interface PaymentLinkResult {
  url: string;
}

export interface WebhookInput extends MessageContext {
  /** A literal URL, or an environment variable name resolved by the worker. */
  url: { literal: string } | { env: string };
  payload: Record<string, unknown>;
}

export interface WebhookResult {
  status: number;
}

export interface OutcomeInput {
  workflowId: string;
  journey: string;
  version: number;
  debtId: string;
  outcome: string;
  variant?: string;
  amountDue: number;
  currency: string;
  startedAt: number;
  endedAt: number;
}

/** A fresh journey (not a continue-as-new run) reports its start: journeys started, amount enrolled. */
export interface JourneyStartedInput {
  workflowId: string;
  journey: string;
  version: number;
  amountDue: number;
  currency: string;
  /** Journey time of the start (epoch ms): with the workflow id, names this journey run. */
  startedAt: number;
}

/** A send asks its debtor's contact ledger for a decision (the ledger records a "send" as a contact). */
export interface ReserveContactInput {
  /** Keyed hash of the debtor id (the SettleDebtor search attribute): names the ledger. */
  debtorKey: string;
  /** Metric labels of the decision. */
  journey: string;
  version: number;
  step: string;
  request: ReserveRequest;
}

export type ContactDecision = ReserveResult['decision'];

/** A journey heard an opt-out (or opt-in) on a channel: every journey of the debtor must respect it. */
export interface LedgerConsentInput {
  debtorKey: string;
  channel: Channel;
  optedOut: boolean;
  /** The provider's id of the consent request (an SMS STOP's MessageSid), deduplicated by the ledger. */
  eventId?: string;
}

export { FAILURE } from '../ir/failures.js';

export interface Activities {
  sendEmail(input: SendMessageInput): Promise<SendMessageResult>;
  sendSms(input: SendMessageInput): Promise<SendMessageResult>;
  createPaymentLink(input: PaymentLinkInput): Promise<PaymentLinkResult>;
  callWebhook(input: WebhookInput): Promise<WebhookResult>;
  /** The journey's first act (behind patched('settle-journey-started')): business metrics count it once. */
  journeyStarted(input: JourneyStartedInput): Promise<void>;
  recordOutcome(input: OutcomeInput): Promise<void>;
  /** The debtor ledger's decision for a send (docs/reference.md#policy). */
  reserveContact(input: ReserveContactInput): Promise<ContactDecision>;
  /** Tells the debtor ledger about an opt-out or opt-in heard by one journey. */
  ledgerConsent(input: LedgerConsentInput): Promise<void>;
  /** A journey started by reference loads its plan from the plan store (a local activity, cached per worker). */
  loadPlan(ref: PlanRef): Promise<JourneyPlan>;
}
