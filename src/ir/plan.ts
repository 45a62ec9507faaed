/**
 * The compiled plan (IR) of one journey version: what `journeyWorkflow` interprets. It is plain,
 * JSON-serialisable data, passed whole in the workflow input so that a running journey stays
 * pinned to the version it started with. Workflow-safe: no imports beyond this folder.
 */
import type { FieldType } from './record.js';

export const IR_VERSION = 1 as const;

/** Engagement events a journey can wait for or branch on (docs/reference.md#engagement-events). */
export const ENGAGEMENT_EVENTS = [
  'delivered',
  'bounced',
  'softBounced',
  'opened',
  'clicked',
  'visited',
  'paid',
  'partiallyPaid',
  'optedOut',
  'replied',
  'disputed',
  'resolved',
  'upheld',
  'promised',
  'callbackRequested',
  'preferencesChanged',
] as const;
export type EngagementEvent = (typeof ENGAGEMENT_EVENTS)[number];

/**
 * Why a debtor disputes a debt (the payment page's dispute form, translated there). `other`
 * comes with the debtor's own words, bounded by `PlanDisputes.maxLength`.
 */
export const DISPUTE_REASONS = ['alreadyPaid', 'notMine', 'wrongAmount', 'notReceived', 'other'] as const;
export type DisputeReason = (typeof DISPUTE_REASONS)[number];

/**
 * `promises`: the debtor may promise on the payment page to pay by a date at most `maxDays`
 * ahead (the `promised` event, `data.date` YYYY-MM-DD in their zone). The journey leaves its step
 * for the promise (PROMISE_STEP): nothing is sent until then but `remind`, on the day before; the
 * debt paid by the end of that day is the promise kept (the goal ends the journey), else it is
 * broken and the journey goes to `onBroken`. src/workflows/promises.ts.
 */
export interface PlanPromises {
  maxDays: number;
  /** Promises a debtor may make in this journey. */
  max: number;
  remind?: { channel: Channel; template: string; paymentLink: boolean; retry: PlanRetry };
  onBroken: string;
}

/** Call-back slots the payment page offers, in the debtor's zone: [from, to) local hours. */
export const CALLBACK_SLOTS = { morning: [9, 12], afternoon: [12, 17], evening: [17, 20] } as const;
export type CallbackSlot = keyof typeof CALLBACK_SLOTS;

/**
 * `callbacks`: the debtor may ask on the payment page to be called back (a day within `days` and
 * a slot, in their zone). The journey posts the request to `url` (the agents' queue) at once, as
 * a webhook step does, and goes on where it is.
 */
export interface PlanCallbacks {
  url: { literal: string } | { env: string };
  days: number;
  slots: CallbackSlot[];
  retry: PlanRetry;
}

/**
 * `preferences`: the debtor may set, on the payment page, the language of their messages (one of
 * `languages`, the journey's template locales), the channel they prefer (sends on the other
 * channel are skipped while they have an address on the preferred one) and opt out per channel.
 */
export interface PlanPreferences {
  languages: string[];
}

/** The id under which a journey keeps a promise (never a step id: those have no underscore). */
export const PROMISE_STEP = '_promise';

/** Longest free text of an `other` dispute a journey may accept (characters). */
export const DISPUTE_TEXT_LIMIT = 2_000;

/**
 * `disputes`: the debtor may dispute the debt on the payment page. A dispute (the `disputed`
 * event, with its reason) sends the journey from any step to `to` at once, and nothing is sent
 * while it is open; an operator closes it with `resolved` (the journey goes on: to `onResolved`
 * when set, else where it is, its held sends going out) or `upheld` (the journey ends with
 * `upheldOutcome`). src/workflows/disputes.ts.
 */
export interface PlanDisputes {
  reasons: DisputeReason[];
  /** Longest free text of an `other` dispute (characters). */
  maxLength: number;
  to: string;
  onResolved?: string;
  upheldOutcome: string;
}

export const CHANNELS = ['email', 'sms'] as const;
export type Channel = (typeof CHANNELS)[number];

export interface PlanRetry {
  maxAttempts: number;
  initialIntervalMs: number;
  backoff: number;
  maxIntervalMs: number;
}

interface StepBase {
  id: string;
  /** Where this step was written, for messages and `settle plan`. */
  source: { file: string; line: number };
}

export interface PlanSend extends StepBase {
  kind: 'send';
  channel: Channel;
  template: string;
  paymentLink: boolean;
  retry: PlanRetry;
  next: string;
  onFailure?: string;
  onBlocked?: string;
}

export type PlanWaitSpec =
  { type: 'duration'; ms: number } | { type: 'until'; expr: string } | { type: 'businessDays'; days: number };

export interface PlanWait extends StepBase {
  kind: 'wait';
  wait: PlanWaitSpec;
  next: string;
}

export interface PlanWaitFor extends StepBase {
  kind: 'waitFor';
  events: EngagementEvent[];
  timeoutMs: number;
  /** Route per listed event; a listed event without a route goes to `next`. */
  on: Partial<Record<EngagementEvent, string>>;
  onTimeout: string;
  next: string;
  /** The send step whose messages are listened to; absent: the most recent send at run time. */
  after?: string;
}

export interface PlanBranch extends StepBase {
  kind: 'branch';
  cases: { when: string; next: string }[];
  default: string;
}

export interface PlanSplit extends StepBase {
  kind: 'split';
  /** `holdout`: debts of this variant are sent nothing for the rest of the journey (src/workflows/holdout.ts). */
  variants: { name: string; weight: number; next: string; holdout?: true }[];
}

export interface PlanWebhook extends StepBase {
  kind: 'webhook';
  url: { literal: string } | { env: string };
  retry: PlanRetry;
  next: string;
  onFailure?: string;
}

export interface PlanExit extends StepBase {
  kind: 'exit';
  outcome: string;
  /**
   * The debt is not resolved: after this journey ends with `outcome`, the segments route it
   * again (at once, or from the first day another journey matches) and it goes on there.
   */
  handOver?: boolean;
}

/**
 * Follows an agreed payment plan (the debtor picked one on the payment page): reminds before
 * each instalment, waits for it until its due date plus the grace period, routes a missed one
 * to `onBroken`; the last instalment in ends the journey (the goal `paid`). Without an agreed
 * plan it goes on to `next` at once.
 */
export interface PlanTrackPlan extends StepBase {
  kind: 'trackPlan';
  remind?: { beforeMs: number; channel: Channel; template: string; paymentLink: boolean; retry: PlanRetry };
  graceMs: number;
  onBroken: string;
  next: string;
}

export type PlanStep =
  PlanSend | PlanWait | PlanWaitFor | PlanBranch | PlanSplit | PlanWebhook | PlanExit | PlanTrackPlan;
export type PlanStepKind = PlanStep['kind'];

export interface PlanTemplate {
  name: string;
  channel: Channel;
  defaultLocale: string;
  /** Liquid sources per locale, rendered at send time. */
  locales: Record<string, { subject?: string; text: string; html?: string }>;
  /**
   * Per locale, the record paths its parts read (`debtor.firstName`, `debt.daysPastDue`; links
   * left out), listed by the compiler's Liquid check: a send passes its activity only these
   * values (src/core/template-values.ts). Absent from plans compiled before it existed: their
   * sends pass the whole record. Not part of `sourceHash` (it follows from the sources).
   */
  reads?: Record<string, string[]>;
}

export type Weekday = 0 | 1 | 2 | 3 | 4 | 5 | 6; // 0 = Sunday, as Date#getDay

export interface PlanWindow {
  days: Weekday[];
  /** Minutes after local midnight, [fromMin, toMin). */
  fromMin: number;
  toMin: number;
  /**
   * The channels this window is for (absent: every channel). A channel with windows of its own
   * uses only those; the others use the windows without `channels`. Absent from older plans.
   */
  channels?: Channel[];
}

/** Public holidays of one country for per-debtor holidays (`holidays.byCountry`). */
export interface PlanCountryHolidays {
  /** National public holidays, sorted YYYY-MM-DD. */
  dates: string[];
  /**
   * Regions (holiday-library state codes, e.g. BY) whose holidays differ from the national ones:
   * dates they add and national dates they do not keep, both sorted.
   */
  regions?: Record<string, { add: string[]; remove?: string[] }>;
}

export interface PlanFrequencyCap {
  channels: Channel[];
  max: number;
  perMs: number;
  onExceed: 'defer' | 'skip';
  /**
   * `debtor`: counts the contacts of every debt of the debtor (their debtor ledger holds them
   * all); absent: only the asking debt's, across its journeys (plans before scopes).
   */
  scope?: 'debtor';
}

export interface PlanPolicy {
  name: string;
  timezoneFallback: string;
  unknownTimezone: 'fallback' | 'skip';
  windows: PlanWindow[];
  holidays: {
    country?: string;
    region?: string;
    /** The policy's own closed days (`closedDays`), sorted YYYY-MM-DD. */
    closedDays: string[];
    /**
     * Public holidays of `country`/`region`, expanded by the compiler from the holiday library
     * over a fixed range of years (src/compiler/holidays.ts), sorted YYYY-MM-DD; empty without a
     * country. Closed all day, like closedDays, but kept apart so messages can say which.
     */
    dates: string[];
    /**
     * Per-debtor holidays (policy `country: [FR, NL, …]`): each listed country's holidays. A
     * debtor of a listed country gets theirs (and their region's), any other debtor `dates` (the
     * union of them all). Resolved per debtor before a decision (src/core/policy/debtor.ts), so
     * the ledger sees the plain shape. Absent from older plans and single-country policies.
     */
    byCountry?: Record<string, PlanCountryHolidays>;
  };
  frequencyCaps: PlanFrequencyCap[];
  /**
   * `minGap`: never two messages to the debtor within this many ms, across all their debts and
   * channels (a send is deferred until the gap has passed). Absent from plans without it.
   */
  minGapMs?: number;
  consent: Record<Channel, 'required' | 'assumed'>;
  jitterMs: number;
  /** Opt-out keyword per locale for SMS ('*' = any locale). */
  smsOptOutKeywords: Record<string, string>;
}

export interface JourneyPlan {
  irVersion: typeof IR_VERSION;
  journey: string;
  version: number;
  /** sha256 of the canonical plan content (steps, templates, policy): changes iff the plan does. */
  sourceHash: string;
  description?: string;
  owner?: string;
  goal: EngagementEvent;
  start: string;
  /** Steps in authoring order. */
  steps: PlanStep[];
  templates: Record<string, PlanTemplate>;
  policy: PlanPolicy;
  /**
   * `policyByCountry`: the policy of debtors of these countries (ISO alpha-2 → a name in
   * `policies`); everyone else gets `policy`. Absent from older plans and journeys without it.
   */
  policyByCountry?: Record<string, string>;
  /** The policies `policyByCountry` names, by name. */
  policies?: Record<string, PlanPolicy>;
  paymentPlans?: PlanPaymentPlans;
  /**
   * Events that end the journey besides the goal (`exitOn`): the outcome is the event's name.
   * Absent from older plans and journeys without them.
   */
  exitOn?: EngagementEvent[];
  /** CEL conditions checked on every event (`exitWhen`): the first that holds ends the journey. */
  exitWhen?: { when: string; outcome: string }[];
  /**
   * `interrupts`: an event heard during any step (a wait, a deferral, a waitFor listening for
   * other events) sends the journey to this step. A waitFor that lists the event routes it itself.
   */
  interrupts?: Partial<Record<EngagementEvent, string>>;
  /** Disputes the payment page takes, and where they send the journey. Absent: no dispute form. */
  disputes?: PlanDisputes;
  /** Promises to pay the payment page takes. Absent: no promise form. */
  promises?: PlanPromises;
  /** Call-back requests the payment page takes. Absent: no call-back form. */
  callbacks?: PlanCallbacks;
  /** Contact preferences the payment page takes. Absent: no preferences form. */
  preferences?: PlanPreferences;
  /** What a re-enrollment of a running debt does when the segments route it elsewhere (default update). */
  reenroll?: 'update' | 'move';
  /**
   * How journeys running an older version move to this one (`settle migrate`): the versions they
   * may come from (absent: any older) and where each step of theirs goes (a step of the same id
   * needs no entry). A journey at a step with no place here stays on its version.
   */
  migration?: { from?: number[]; steps: Record<string, string> };
  /** Types of the custom attributes this journey's expressions and templates use. */
  attributes: Record<string, FieldType>;
}

export interface PlanPaymentPlans {
  instalments: number[];
  minAmount?: number;
  /** Time between two instalments (absent in older plans: 30 days). */
  intervalMs?: number;
}

/** Time between two instalments of a plan when the journey does not say. */
export const DEFAULT_INSTALMENT_INTERVAL_MS = 30 * 86_400_000;

/** Finds a step by id (plans are small; a linear scan keeps the IR plain JSON). */
export function stepById(plan: JourneyPlan, id: string): PlanStep | undefined {
  return plan.steps.find((s) => s.id === id);
}
