/**
 * The activity interface the interpreter calls. Workflow code imports these types
 * only (`import type`); the implementations live in src/activities and talk to the world.
 */
import type { ReserveRequest, ReserveResult } from '../core/policy/index.js';
import type { MessageParts } from '../core/template-values.js';
import type { Channel, EnrollmentData, JourneyPlan, PlanTemplate } from '../ir/index.js';
import type { PlanRef } from './types.js';

export interface MessageContext {
  /** Idempotency key: workflowId/stepId/visit. Used as Message-ID, Stripe key and SMS dedupe key. */
  key: string;
  workflowId: string;
  journey: string;
  version: number;
  step: string;
  variant?: string;
  /** The segment that routed the debt (metric label of sends and their cost). */
  segment?: string;
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

export interface OutcomeInput extends OutcomeFacts {
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

/**
 * What a journey's end adds to its outcome for the business metrics (src/workflows/outcome-facts.ts);
 * every field optional: journeys recorded before them replay, and older workers ignore them.
 */
export interface OutcomeFacts {
  /** The segment that routed the debt (JourneyOptions.segment). */
  segment?: string;
  /** The debt's due date (YYYY-MM-DD): days past due at payment. */
  dueDate?: string;
  /** Journey time of the first message sent. */
  firstContactAt?: number;
  /** At least one message was sent. */
  contacted?: boolean;
  /** A right-party signal was heard: a human open, click, visit, reply or payment. */
  rightParty?: boolean;
  /**
   * Paid while the debt ran in this journey (every payment, in currency units), for journeys
   * started since money moved; absent: count amountDue when the outcome is the goal `paid`.
   */
  amountPaid?: number;
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
  /** The segment that routed the debt (JourneyOptions.segment). */
  segment?: string;
}

/** A promise to pay ended (kept: the debt paid by the promised date; broken: not): the worker counts it. */
export interface PromiseResultInput {
  workflowId: string;
  journey: string;
  version: number;
  result: 'kept' | 'broken';
  /** The promised date (YYYY-MM-DD); with the workflow id, names the promise. */
  date: string;
  segment?: string;
}

/** A dispute closed by an operator (resolved or upheld): the worker counts it. */
export interface DisputeResultInput {
  workflowId: string;
  journey: string;
  version: number;
  result: 'resolved' | 'upheld';
  /** When the dispute was opened (epoch ms); with the workflow id, names the dispute. */
  openedAt: number;
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

/**
 * A journey learned that an address hard-bounced (the send activity's HardBounce failure, or a
 * `bounced` event): every journey of the debtor must stop using it.
 */
export interface LedgerBounceInput {
  debtorKey: string;
  channel: Channel;
  /** Keyed hash of the address (JourneyOptions.contactKeys), never the address; absent without keys. */
  contactKey?: string;
  debtId: string;
  /** Journey time of the bounce (epoch ms). */
  at: number;
  /** The bounced message as the ledger booked it: it no longer counts against caps and the minimum gap. */
  message?: { workflowId: string; at: number };
}

/**
 * A journey hands its debt over (an exit with `handOver: true`): which journey do the segments
 * route it to now, or from when? Evaluated Node-side over the deployed routing table.
 */
export interface RouteDebtInput {
  workflowId: string;
  debtId: string;
  /** The journey being left: a route back to it is not a hand-over (the search goes on). */
  from: { journey: string; version: number };
  /** The record with the debt's current facts (amountDue is what is still owed). */
  enrollment: EnrollmentData;
  /** Journey time of the hand-over (epoch ms). */
  at: number;
  /** How far ahead to look for the first instant another journey matches (e.g. a due date). */
  horizonMs: number;
}

export type RouteDebtResult =
  /** The next journey (its deployed plan), the segment that routed it and from when (≥ input.at). */
  | { to: PlanRef; segment?: string; at: number }
  /** No other journey within the horizon (no segment matches, or only the one being left). */
  | { none: string };

export { FAILURE } from '../ir/failures.js';

export interface Activities {
  sendEmail(input: SendMessageInput): Promise<SendMessageResult>;
  sendSms(input: SendMessageInput): Promise<SendMessageResult>;
  createPaymentLink(input: PaymentLinkInput): Promise<PaymentLinkResult>;
  callWebhook(input: WebhookInput): Promise<WebhookResult>;
  /** The journey's first act (behind patched('settle-journey-started')): business metrics count it once. */
  journeyStarted(input: JourneyStartedInput): Promise<void>;
  /** A promise to pay kept or broken (settle_promises_total): counted by the worker, once per promise. */
  recordPromise(input: PromiseResultInput): Promise<void>;
  /** A dispute resolved or upheld (settle_disputes_closed_total): counted by the worker, once per dispute. */
  recordDispute(input: DisputeResultInput): Promise<void>;
  recordOutcome(input: OutcomeInput): Promise<void>;
  /** The debtor ledger's decision for a send (docs/reference.md#policy). */
  reserveContact(input: ReserveContactInput): Promise<ContactDecision>;
  /** Tells the debtor ledger about an opt-out or opt-in heard by one journey. */
  ledgerConsent(input: LedgerConsentInput): Promise<void>;
  /** Tells the debtor ledger that an address hard-bounced (refused for every debt of the debtor). */
  ledgerBounce(input: LedgerBounceInput): Promise<void>;
  /** A journey started by reference loads its plan from the plan store (a local activity, cached per worker). */
  loadPlan(ref: PlanRef): Promise<JourneyPlan>;
  /** Where a debt handed over goes next: the segments over the deployed routing table. */
  routeDebt(input: RouteDebtInput): Promise<RouteDebtResult>;
}
