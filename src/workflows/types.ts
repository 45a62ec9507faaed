/**
 * The runtime contract of a journey (docs/ARCHITECTURE.md): the workflow input, its durable state, the
 * signals it takes and the state query. Plain JSON-serialisable data; workflow-safe.
 */
import type { LedgerSnapshot } from '../core/policy/index.js';
import type {
  CallbackSlot,
  Channel,
  DisputeReason,
  EngagementEvent,
  EnrollmentData,
  JourneyPlan,
} from '../ir/index.js';

export const WORKFLOW_TYPE = 'journeyWorkflow';

export interface JourneyOptions {
  /** Keyed hash of the debtor id (SETTLE_SECRET): the SettleDebtor search attribute. */
  debtorKey: string;
  /** Keyed hashes of the debtor's email address and phone number: SettleContact. */
  contactKeys: string[];
  /**
   * Journey time runs this many times faster than the wall clock (the demo's --time-scale).
   * 1 in production. Waits and timeouts are divided by it; `now` advances by it.
   */
  timeScale?: number;
  /** Enrollment instant (epoch ms); the workflow's start time when absent. */
  enrolledAt?: number;
  /** Continue as new after this many history events even if the server does not suggest it (tests). */
  continueAsNewAfterEvents?: number;
  /**
   * The segment that routed the debt here (`settle enroll`); absent when enrolled with `--journey`
   * or before segments were carried. A metric label (`none` when absent), never personal data.
   */
  segment?: string;
}

export interface JourneyInput {
  plan: JourneyPlan;
  enrollment: EnrollmentData;
  options: JourneyOptions;
  /** Present when the journey continues as new: where it was. */
  state?: JourneyState;
}

/**
 * Names one compiled plan in the plan store (src/temporal/plan-store.ts): the workflow
 * `settle-plan/<journey>/v<version>/<contentHash>` holds it as its input.
 */
export interface PlanRef {
  journey: string;
  version: number;
  /** sha256 (hex) of the plan's canonical JSON, every field included: the store checks it on load. */
  contentHash: string;
}

/**
 * How `settle enroll` starts a journey: the plan by reference, not by value (a start then
 * carries about 1 KB instead of 34), and no search attributes (the journey upserts them in its
 * first workflow task). The workflow loads the plan with the `loadPlan` local activity and then
 * runs as with a JourneyInput; continue-as-new carries the loaded plan by value.
 */
export interface JourneyRefInput {
  planRef: PlanRef;
  enrollment: EnrollmentData;
  options: JourneyOptions;
}

/** What journeyWorkflow accepts: the plan by value (journeys started before the plan store, tests) or by reference. */
export type JourneyStartInput = JourneyInput | JourneyRefInput;

export interface EngagementSignal {
  /** Provider event id, or a hash of token and type: a repeated id is ignored. */
  eventId: string;
  type: EngagementEvent;
  /** The idempotency key of the message the event is about (workflowId/stepId/visit). */
  messageId?: string;
  /** ISO instant the event happened (provider time). */
  at: string;
  data?: Record<string, string | number | boolean>;
}

export interface OptOutSignal {
  channel: Channel;
  /** The provider's id of the request (an SMS STOP's MessageSid): a replay of it changes nothing. */
  eventId?: string;
}

/** The debtor opted back in on a channel (e.g. an SMS START after a STOP). */
export type OptInSignal = OptOutSignal;

/**
 * `settle enroll` met a debt that already runs (one journey per debt): the new facts of the
 * record, and the journey the segments route it to now. The running journey takes the new
 * facts (amount still due, due date, attributes); with `reenroll: move` and another journey
 * routed, it hands the debt over to it at once.
 */
export interface ReenrollSignal {
  enrollment: EnrollmentData;
  planRef: PlanRef;
  segment?: string;
  /** Enrollment instant (epoch ms, journey clock of the enroller). */
  at: number;
}

/**
 * `settle migrate`: move this journey to a newer version of its journey at its next safe point
 * (a wait, a waitFor, a deferral, or between two steps), keeping its history. Idempotent by
 * `requestId`; a journey already on that version or newer ignores it.
 */
export interface MigrateSignal {
  to: PlanRef;
  requestId: string;
}

/** A migration of a running journey, as `settle status` shows it. */
export interface MigrationRecord {
  requestId: string;
  at: number;
  fromVersion: number;
  toVersion: number;
  fromStep: string;
  /** Absent when the journey's step has no place in the new version: it stayed. */
  toStep?: string;
  /** Why it stayed (when toStep is absent). */
  reason?: string;
}

/** One journey of a debt's life, as `settle status` shows the path across journeys. */
export interface JourneyLeg {
  journey: string;
  version: number;
  segment?: string;
  startedAt: number;
  endedAt: number;
  outcome: string;
}

export type SendStatus = 'sent' | 'failed' | 'blocked';

export interface SendRecord {
  /** Order of this record among sends and events (journey-local sequence). */
  seq: number;
  step: string;
  visit: number;
  channel: Channel;
  template: string;
  status: SendStatus;
  /** Idempotency key, also the message id events refer to (absent when blocked). */
  messageId?: string;
  /** Journey time (epoch ms) of the send or decision. */
  at: number;
  reason?: string;
  locale?: string;
}

export interface EventRecord {
  seq: number;
  eventId: string;
  type: EngagementEvent;
  messageId?: string;
  /** Provider time (epoch ms). */
  at: number;
  /** Journey time it was received. */
  receivedAt: number;
  data?: Record<string, string | number | boolean>;
}

export type AuditKind =
  'step' | 'send' | 'blocked' | 'deferred' | 'failed' | 'webhook' | 'branch' | 'split' | 'event' | 'warning' | 'exit';

export interface AuditEntry {
  at: number;
  kind: AuditKind;
  step?: string;
  message: string;
  /** Sends deferred or blocked: the channel, the policy's reason code and (deferred) the new instant. */
  channel?: Channel;
  reason?: string;
  until?: number;
}

/** One payment heard by the journey (full, partial or an instalment of a plan). */
export interface PaymentRecord {
  eventId: string;
  /** In currency units (420.5); 0 when the event said no amount. */
  amount: number;
  /** Provider time (epoch ms). */
  at: number;
}

/**
 * The money of the debt while it runs: what is still owed and what was paid. Present in
 * journeys started since money moved (patched 'settle-money-moves'); older ones keep the
 * record's amount throughout.
 */
export interface MoneyState {
  currency: string;
  /** Still owed: the record's amountDue minus the payments since (a re-enrollment sets it anew). */
  due: number;
  /** Paid in this debt's journeys so far. */
  paid: number;
  /** The most recent payments (bounded). */
  payments: PaymentRecord[];
}

/** A payment plan the debtor agreed to on the payment page (its first instalment paid). */
export interface AgreedPlan {
  count: number;
  /** Each instalment in minor units, exactly as charged (src/core/money.ts). */
  amountsMinor: number[];
  /** Due instants of the instalments (epoch ms); the first is the agreement. */
  dueAt: number[];
  agreedAt: number;
  /** Paid towards the plan, minor units. */
  paidMinor: number;
  /** Reminders sent, by instalment index. */
  reminded: number[];
  /** Set when an instalment was missed beyond the grace period. */
  brokenAt?: number;
}

export interface JourneyState {
  /** The step to run next (or running). */
  current: string;
  /** Times each step was entered. */
  visits: Record<string, number>;
  /** Variant chosen per split step. */
  variants: Record<string, string>;
  sends: SendRecord[];
  events: EventRecord[];
  /** Event ids already applied (kept across continue-as-new). */
  seenEventIds: string[];
  optedOut: Channel[];
  seq: number;
  startedAt: number;
  audit: AuditEntry[];
  /** Set when the journey has ended. */
  outcome?: string;
  endedAt?: number;
  /** Journey time the current step started (waits resume from it after continue-as-new). */
  stepStartedAt?: number;
  /** Journey clock: journey time = journey + (wall − real) × timeScale. Set once, carried over. */
  clock?: { real: number; journey: number };
  /** What is owed and paid (absent in journeys started before money moved). */
  money?: MoneyState;
  /** The payment plan agreed to, if any. */
  plan?: AgreedPlan;
  /** The record's facts as a re-enrollment updated them (absent: the input's). */
  enrollment?: EnrollmentData;
  /** Events up to this sequence number belong to earlier journeys of the debt (hand-over). */
  legStartSeq?: number;
  /** Events up to this sequence number were considered for interrupts. */
  interruptSeq?: number;
  /** The journeys this debt went through before this one (hand-over). */
  path?: JourneyLeg[];
  /** Set while the journey waits to hand the debt over: where to and from when. */
  handOver?: { journey: string; version: number; at: number };
  /** A journey the debt was handed over to, not yet reported as started (journeyStarted). */
  legPending?: boolean;
  /** money.paid when this journey took the debt over (what it collected is the rest). */
  legPaidFrom?: number;
  /** A migration asked for (settle migrate), taken at the next safe point. */
  migrateTo?: { to: PlanRef; requestId: string };
  /** Migrations done or refused, oldest first. */
  migrations?: MigrationRecord[];
  /** Promises to pay this journey took, oldest first (src/workflows/promises.ts). */
  promises?: PromiseRecord[];
  /** A re-enrollment routed the debt to another journey (`reenroll: move`): it moves at the next safe point. */
  moveTo?: { to: PlanRef; segment?: string };
}

export interface JourneyResult {
  outcome: string;
  journey: string;
  version: number;
  steps: number;
  sends: number;
  variant?: string;
}

/** A dispute of the debt as the payment page and `settle status` show it (src/workflows/disputes.ts). */
export interface DisputeView {
  status: 'open' | 'resolved' | 'upheld';
  reason: DisputeReason;
  /** The debtor's words (reason `other`). */
  text?: string;
  /** Provider time (epoch ms) it was opened, and closed. */
  openedAt: number;
  closedAt?: number;
}

/** A promise to pay the journey took (the `promised` event), and how it ended. */
export interface PromiseRecord {
  /** Sequence number of its `promised` event. */
  seq: number;
  /** The promised date, YYYY-MM-DD in the debtor's zone. */
  date: string;
  /** Journey time it was taken. */
  madeAt: number;
  status: 'open' | 'kept' | 'broken';
  /** Journey time it was kept (the debt paid) or broken (the date passed). */
  endedAt?: number;
}

/** What the `state` query answers. */
export interface JourneyStateView {
  journey: string;
  version: number;
  debtId: string;
  current: string;
  outcome?: string;
  variants: Record<string, string>;
  sends: SendRecord[];
  events: EventRecord[];
  engagement: Partial<Record<EngagementEvent, number>>;
  optedOut: Channel[];
  audit: AuditEntry[];
  /** What the payment landing page shows (no contact details). */
  debt: { reference: string; amountDue: number; currency: string; dueDate: string; creditor?: string };
  debtor: { firstName: string; locale?: string; timezone: string };
  paymentPlans?: { instalments: number[]; minAmount?: number };
  goal: EngagementEvent;
  /** Paid so far (journeys since money moved). */
  amountPaid?: number;
  /** The agreed plan: instalments as charged, their due dates (YYYY-MM-DD), how many are paid. */
  plan?: {
    count: number;
    amounts: number[];
    dueDates: string[];
    paid: number;
    broken?: boolean;
  };
  /** Earlier journeys of this debt (hand-over), oldest first. */
  path?: JourneyLeg[];
  /** Migrations to newer versions (settle migrate), oldest first. */
  migrations?: MigrationRecord[];
  /** The debt's disputes, oldest first (absent: none). */
  disputes?: DisputeView[];
  /** The dispute form the payment page offers (the plan's `disputes`; absent: none). */
  disputeForm?: { reasons: DisputeReason[]; maxLength: number };
  /** Promises to pay in this journey, oldest first (absent: none). */
  promises?: Omit<PromiseRecord, 'seq'>[];
  /** The promise form the payment page offers: the window, and how many promises are left (absent: none). */
  promiseForm?: { maxDays: number; left: number };
  /** Call-backs the debtor asked for (absent: none), and the form the page offers (the plan's `callbacks`). */
  callbacks?: { date: string; slot: CallbackSlot; at: number }[];
  callbackForm?: { days: number; slots: CallbackSlot[] };
  /** The debtor's contact preferences (absent: none set), and the form the page offers (the plan's `preferences`). */
  preferences?: { locale?: string; channel?: Channel };
  preferenceForm?: { languages: string[] };
  /**
   * The journey's clock: journey time = `journey` + (wall time − `real`) × `scale`. What "today" is
   * for the debtor's forms (the demo's journeys run faster than the wall clock; a query cannot tell
   * the time itself, the workflow's clock stands still between its tasks). Absent from older answers.
   */
  clock?: { real: number; journey: number; scale: number };
}

/** What the debtor ledger's `ledger` query answers: contacts across journeys (no personal data), opt-outs and bounces. */
export interface LedgerView {
  contacts: { debtId: string; workflowId: string; channel: Channel; at: number }[];
  optedOut: Channel[];
  /** Hard-bounced addresses by keyed hash (absent when none). */
  bounced?: LedgerBounceSignal[];
}

/** The ledger's `bounced` signal: an address (by keyed hash) hard-bounced for one debt of the debtor. */
export interface LedgerBounceSignal {
  channel: Channel;
  /** Absent when the journey has no key for the address: only the message is forgotten. */
  contactKey?: string;
  debtId: string;
  /** Journey time of the bounce (epoch ms). */
  at: number;
  /** The bounced message as the ledger booked it (its journey and instant): no longer counted. */
  message?: { workflowId: string; at: number };
}

export interface LedgerInput {
  debtorKey: string;
  /** Present when the ledger continues as new. */
  snapshot?: LedgerSnapshot;
}
