/**
 * The activity interface the interpreter calls (DESIGN.md §3). Workflow code imports these types
 * only (`import type`); the implementations live in src/activities and talk to the world.
 */
import type { Channel, EnrollmentData, PlanTemplate } from '../ir/index.js';

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

export interface SendMessageInput extends MessageContext {
  channel: Channel;
  template: PlanTemplate;
  enrollment: EnrollmentData;
  /** links.pay when the step created a payment link. */
  payUrl?: string;
  /** Journey time of the send (for debt.daysPastDue in templates). */
  nowMs: number;
}

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

export { FAILURE } from '../ir/failures.js';

export interface Activities {
  sendEmail(input: SendMessageInput): Promise<SendMessageResult>;
  sendSms(input: SendMessageInput): Promise<SendMessageResult>;
  createPaymentLink(input: PaymentLinkInput): Promise<PaymentLinkResult>;
  callWebhook(input: WebhookInput): Promise<WebhookResult>;
  recordOutcome(input: OutcomeInput): Promise<void>;
}
