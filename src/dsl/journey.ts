/** The Journey kind: an ordered list of steps the interpreter walks (docs/reference.md#journey). */
import { Type, type Static } from '@sinclair/typebox';
import { CALLBACK_SLOTS, DISPUTE_REASONS, DISPUTE_TEXT_LIMIT, ENGAGEMENT_EVENTS } from '../ir/plan.js';
import {
  Cel,
  ChannelSchema,
  StringEnum,
  EngagementEventSchema,
  Document,
  Duration,
  Metadata,
  ResourceName,
  StepId,
} from './common.js';

const common = {
  id: StepId({ description: 'Unique id of the step within the journey.' }),
  description: Type.Optional(Type.String({ description: 'A note for readers; not part of the compiled plan.' })),
};
const stepType = <T extends string>(type: T) => Type.Literal(type, { description: `The step type: ${type}.` });
const Next = StepId({ description: 'The step to go to next (default: the following step).' });
const Outcome = (o: { description: string; default?: string }) => Type.String({ pattern: '^[a-z][a-zA-Z0-9]*$', ...o });

/** Retries of a send or webhook; the defaults (src/compiler/lower.ts) differ between the two. */
const RetryPolicy = (defaults: {
  maxAttempts: number;
  initialInterval: string;
  backoff: number;
  maxInterval: string;
}) =>
  Type.Object(
    {
      maxAttempts: Type.Integer({
        minimum: 1,
        maximum: 100,
        description: `Attempts in all, the first one included (without retry: ${defaults.maxAttempts}).`,
      }),
      initialInterval: Type.Optional(
        Duration({ description: 'Delay before the first retry.', default: defaults.initialInterval }),
      ),
      backoff: Type.Optional(
        Type.Number({
          minimum: 1,
          maximum: 10,
          description: 'Multiplier of the delay after each retry.',
          default: defaults.backoff,
        }),
      ),
      maxInterval: Type.Optional(
        Duration({ description: 'Upper bound of the delay between retries.', default: defaults.maxInterval }),
      ),
    },
    { additionalProperties: false, description: 'How often and how fast to retry when the attempt fails.' },
  );

export const SendStep = Type.Object(
  {
    ...common,
    type: stepType('send'),
    channel: ChannelSchema({ description: 'The channel: email or sms.' }),
    template: ResourceName({ description: 'A Template by name; its channel must match.' }),
    paymentLink: Type.Optional(
      Type.Boolean({ description: 'Create a payment link, exposed to the template as links.pay.', default: false }),
    ),
    retry: Type.Optional(RetryPolicy({ maxAttempts: 3, initialInterval: '1m', backoff: 2, maxInterval: '1h' })),
    onFailure: Type.Optional(
      StepId({
        description:
          'Where to go when the send fails for good (hard bounce, retries exhausted, payment link refused); default next.',
      }),
    ),
    onBlocked: Type.Optional(
      StepId({
        description:
          'Where to go when the policy skips the send (no consent, opt-out, no address, cap with onExceed: skip); default next.',
      }),
    ),
    next: Type.Optional(Next),
  },
  {
    additionalProperties: false,
    description: 'Send a message on a channel, when the policy allows it.',
    examples: [
      {
        id: 'first-email',
        type: 'send',
        channel: 'email',
        template: 'overdue-friendly',
        paymentLink: true,
        retry: { maxAttempts: 4, initialInterval: '10m', backoff: 3, maxInterval: '2h' },
        onFailure: 'nudge-sms',
        onBlocked: 'quiet-days',
      },
    ],
  },
);

export const WaitStep = Type.Object(
  {
    ...common,
    type: stepType('wait'),
    duration: Type.Optional(Duration({ description: 'How long to wait: <n>s|m|h|d|w.' })),
    until: Type.Optional(
      Cel({
        description:
          "A CEL timestamp to wait until, e.g. debt.dueDate + duration('72h'); an instant already past does not wait.",
      }),
    ),
    businessDays: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 365,
        description: 'Open days of the policy (send-window days that are not holidays) in the debtor’s zone.',
      }),
    ),
    next: Type.Optional(Next),
  },
  {
    additionalProperties: false,
    description: 'Wait for a duration, until an instant, or a number of business days (exactly one of the three).',
    examples: [
      { id: 'opened-pause', type: 'wait', duration: '1d' },
      { id: 'handover-date', type: 'wait', until: "debt.dueDate + duration('744h')" },
      { id: 'two-open-days', type: 'wait', businessDays: 2 },
    ],
  },
);

export const WaitForStep = Type.Object(
  {
    ...common,
    type: stepType('waitFor'),
    events: Type.Array(EngagementEventSchema(), {
      minItems: 1,
      uniqueItems: true,
      description: 'Engagement events to listen for; the earliest one in the window wins.',
    }),
    timeout: Duration({ description: 'How long to wait, counted from the start of this step.' }),
    on: Type.Record(Type.String(), StepId({ description: 'The step to go to.' }), {
      additionalProperties: false, // see Metadata.labels
      description: 'Routes: an event listed in events, or timeout (required), to a step id.',
    }),
    after: Type.Optional(StepId({ description: 'Listen to events of this send step (default: the previous send).' })),
    next: Type.Optional(Next),
  },
  {
    additionalProperties: false,
    description: 'Wait for engagement events, with a timeout.',
    examples: [
      {
        id: 'watch-email',
        type: 'waitFor',
        events: ['clicked', 'opened'],
        timeout: '3d',
        on: { clicked: 'wait-payment', opened: 'sms-nudge', timeout: 'subject-test' },
      },
    ],
  },
);

export const BranchStep = Type.Object(
  {
    ...common,
    type: stepType('branch'),
    cases: Type.Array(
      Type.Object(
        {
          when: Cel({ description: 'A CEL condition (bool); one that cannot be evaluated does not hold.' }),
          next: StepId({ description: 'Where to go when this case is the first that holds.' }),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, description: 'Conditions tried in order.' },
    ),
    default: StepId({ description: 'Where to go when no case matches.' }),
  },
  {
    additionalProperties: false,
    description: 'Route on the first CEL condition that holds.',
    examples: [
      {
        id: 'large-balance',
        type: 'branch',
        cases: [
          { when: 'debt.amountDue > 1000.0', next: 'offer-plan' },
          { when: 'engagement.visited > 0 && debt.amountDue >= 100.0', next: 'offer-plan' },
        ],
        default: 'reminder-sms',
      },
    ],
  },
);

export const SplitStep = Type.Object(
  {
    ...common,
    type: stepType('split'),
    variants: Type.Array(
      Type.Object(
        {
          name: ResourceName({ description: 'Name of the variant, unique in the split (metrics are keyed by it).' }),
          weight: Type.Integer({ minimum: 0, maximum: 100, description: 'Share in percent; weights sum to 100.' }),
          next: StepId({ description: 'Where debts of this variant go.' }),
          holdout: Type.Optional(
            Type.Boolean({
              description:
                'A holdout (no-contact control group): debts of this variant follow `next` like the others, with the same waits, branches and webhooks, but no send step sends them anything for the rest of the journey. Counted and compared like every variant (`settle experiments`, `settle simulate`), and the control of the split.',
            }),
          ),
        },
        { additionalProperties: false },
      ),
      { minItems: 2, description: 'The variants, two or more.' },
    ),
  },
  {
    additionalProperties: false,
    description: 'A/B test: a sticky, deterministic variant per debt.',
    examples: [
      {
        id: 'subject-test',
        type: 'split',
        variants: [
          { name: 'loss-aversion', weight: 50, next: 'email-loss-aversion' },
          { name: 'social-proof', weight: 50, next: 'email-social-proof' },
        ],
      },
    ],
  },
);

export const WebhookStep = Type.Object(
  {
    ...common,
    type: stepType('webhook'),
    url: Type.String({
      description:
        'A literal https:// URL (http:// only to 127.0.0.1 or localhost), or env:NAME read by the worker at run time.',
      pattern: '^(https://[^\\s]+|http://(127\\.0\\.0\\.1|localhost)(:[0-9]+)?(/[^\\s]*)?|env:[A-Z][A-Z0-9_]*)$',
      errorCode: 'INVALID_WEBHOOK_URL',
      errorHint: 'use a literal https:// URL or env:NAME (an environment variable resolved by the worker)',
    }),
    retry: Type.Optional(RetryPolicy({ maxAttempts: 5, initialInterval: '30s', backoff: 2, maxInterval: '1h' })),
    onFailure: Type.Optional(
      StepId({ description: 'Where to go when the call fails for good (retries exhausted); default next.' }),
    ),
    next: Type.Optional(Next),
  },
  {
    additionalProperties: false,
    description: 'POST the journey state to a URL (escalation, letters, agents).',
    examples: [
      {
        id: 'hand-over',
        type: 'webhook',
        url: 'env:ESCALATION_URL',
        retry: { maxAttempts: 10, initialInterval: '1m', backoff: 2, maxInterval: '1h' },
        onFailure: 'handover-failed',
      },
    ],
  },
);

export const ExitStep = Type.Object(
  {
    ...common,
    type: stepType('exit'),
    outcome: Outcome({ description: 'Outcome recorded when the journey ends here, e.g. unresolved, escalated.' }),
    handOver: Type.Optional(
      Type.Boolean({
        default: false,
        description:
          'The debt is not resolved: after this journey ends, the segments route it again (at once, or from the first day another journey matches, e.g. its due date) and it goes on there with its history.',
      }),
    ),
  },
  {
    additionalProperties: false,
    description: 'End the journey with an outcome, or hand the debt over to its next journey.',
    examples: [
      { id: 'escalated', type: 'exit', outcome: 'escalated' },
      { id: 'to-overdue', type: 'exit', outcome: 'unresolved', handOver: true },
    ],
  },
);

export const TrackPlanStep = Type.Object(
  {
    ...common,
    type: stepType('trackPlan'),
    remind: Type.Optional(
      Type.Object(
        {
          before: Duration({ description: 'How long before each instalment’s due date to remind.' }),
          channel: ChannelSchema({ description: 'The channel of the reminder.' }),
          template: ResourceName({
            description: 'A Template by name; it can read debt.planNextAmount, debt.planNextDueDate…',
          }),
          paymentLink: Type.Optional(
            Type.Boolean({ description: 'Create a payment link (links.pay) for the instalment.', default: true }),
          ),
        },
        { additionalProperties: false, description: 'A reminder before each instalment (through the contact rules).' },
      ),
    ),
    grace: Type.Optional(
      Duration({ description: 'How long after its due date an instalment may still come in.', default: '3d' }),
    ),
    onBroken: StepId({ description: 'Where to go when an instalment is missed beyond the grace period.' }),
    next: Type.Optional(
      StepId({ description: 'Where to go when no payment plan was agreed (default: the following step).' }),
    ),
  },
  {
    additionalProperties: false,
    description:
      'Follow the payment plan the debtor agreed to on the payment page: remind before each instalment, notice a missed one, end paid with the last.',
    examples: [
      {
        id: 'plan-track',
        type: 'trackPlan',
        remind: { before: '3d', channel: 'email', template: 'plan-reminder' },
        grace: '5d',
        onBroken: 'plan-broken',
      },
    ],
  },
);

export const STEP_SCHEMAS = {
  send: SendStep,
  wait: WaitStep,
  waitFor: WaitForStep,
  branch: BranchStep,
  split: SplitStep,
  webhook: WebhookStep,
  exit: ExitStep,
  trackPlan: TrackPlanStep,
} as const;
export type StepType = keyof typeof STEP_SCHEMAS;
export const STEP_TYPES = Object.keys(STEP_SCHEMAS) as StepType[];

/** Discriminated on `type`, so ajv reports errors of the step's own kind only. */
export const Step = Type.Unsafe<
  | Static<typeof SendStep>
  | Static<typeof WaitStep>
  | Static<typeof WaitForStep>
  | Static<typeof BranchStep>
  | Static<typeof SplitStep>
  | Static<typeof WebhookStep>
  | Static<typeof ExitStep>
  | Static<typeof TrackPlanStep>
>({
  type: 'object',
  required: ['type'],
  discriminator: { propertyName: 'type' },
  description: 'One step; its type decides its other fields.',
  oneOf: Object.values(STEP_SCHEMAS),
});

export const PaymentPlans = Type.Object(
  {
    instalments: Type.Array(Type.Integer({ minimum: 2, maximum: 12 }), {
      minItems: 1,
      uniqueItems: true,
      description: 'Numbers of instalments offered, e.g. [2, 3].',
    }),
    minAmount: Type.Optional(Type.Number({ minimum: 0, description: 'Offer plans only from this amount due.' })),
    interval: Type.Optional(
      Duration({
        description: 'Time between two instalments (the first is paid when the plan is agreed).',
        default: '30d',
      }),
    ),
  },
  { additionalProperties: false, description: 'Payment plans offered on the landing page.' },
);

export const Disputes = Type.Object(
  {
    reasons: Type.Array(
      StringEnum(DISPUTE_REASONS, {
        description: `A reason the payment page offers: ${DISPUTE_REASONS.join(', ')} (other: in the debtor's own words).`,
        errorCode: 'UNKNOWN_DISPUTE_REASON',
        errorHint: `dispute reasons are: ${DISPUTE_REASONS.join(', ')}`,
      }),
      {
        minItems: 1,
        uniqueItems: true,
        description: 'The reasons offered, in this order, e.g. [alreadyPaid, notMine, other].',
      },
    ),
    maxLength: Type.Optional(
      Type.Integer({
        minimum: 20,
        maximum: DISPUTE_TEXT_LIMIT,
        default: 500,
        description: 'Longest text the debtor may write for `other` (characters).',
      }),
    ),
    to: StepId({
      description:
        'The step a dispute sends the journey to, from any step (typically a webhook to the agents); nothing is sent while the dispute is open.',
    }),
    onResolved: Type.Optional(
      StepId({
        description:
          'Where the journey goes when an operator resolves the dispute (`settle event DEBT resolved`); default: it goes on where it is.',
      }),
    ),
    upheldOutcome: Type.Optional(
      Outcome({
        description: 'The outcome when an operator upholds the dispute (`settle event DEBT upheld`).',
        default: 'disputeUpheld',
      }),
    ),
  },
  {
    additionalProperties: false,
    description:
      'The debtor may dispute the debt on the payment page: the journey stops dunning at once, goes to `to`, and sends nothing until an operator resolves or upholds the dispute.',
  },
);

export const Promises = Type.Object(
  {
    maxDays: Type.Integer({
      minimum: 1,
      maximum: 60,
      description: 'The latest date the debtor may pick, in days from today (tomorrow at the earliest), e.g. 14.',
    }),
    max: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 5, default: 1, description: 'Promises a debtor may make in this journey.' }),
    ),
    remind: Type.Optional(
      Type.Object(
        {
          channel: ChannelSchema({ description: 'The channel of the reminder.' }),
          template: ResourceName({ description: 'A Template by name; it can read debt.promisedDate.' }),
          paymentLink: Type.Optional(
            Type.Boolean({ description: 'Create a payment link (links.pay).', default: true }),
          ),
        },
        {
          additionalProperties: false,
          description: 'A reminder on the day before the promised date (through the contact rules).',
        },
      ),
    ),
    onBroken: StepId({ description: 'Where to go when the promised date passes without the debt paid.' }),
  },
  {
    additionalProperties: false,
    description:
      'The debtor may promise on the payment page to pay by a date: the journey pauses (nothing is sent but the reminder), then the debt paid ends it (the goal), else it goes to onBroken.',
  },
);

export const Callbacks = Type.Object(
  {
    url: Type.String({
      description:
        'Where call-back requests go (the agents’ queue): a literal https:// URL or env:NAME, posted as a webhook step posts.',
      pattern: '^(https://[^\\s]+|http://(127\\.0\\.0\\.1|localhost)(:[0-9]+)?(/[^\\s]*)?|env:[A-Z][A-Z0-9_]*)$',
      errorCode: 'INVALID_WEBHOOK_URL',
      errorHint: 'use a literal https:// URL or env:NAME (an environment variable resolved by the worker)',
    }),
    days: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 14, default: 5, description: 'Days offered, from tomorrow.' }),
    ),
    slots: Type.Optional(
      Type.Array(
        StringEnum(Object.keys(CALLBACK_SLOTS) as (keyof typeof CALLBACK_SLOTS)[], {
          description: 'morning (09–12), afternoon (12–17) or evening (17–20), in the debtor’s zone.',
        }),
        { minItems: 1, uniqueItems: true, description: 'Slots offered (default: all three).' },
      ),
    ),
  },
  {
    additionalProperties: false,
    description:
      'The debtor may ask on the payment page to be called back at a time that suits them: the request goes to `url` at once; the journey goes on where it is.',
  },
);

export const Preferences = Type.Object(
  {},
  {
    additionalProperties: false,
    description:
      'The debtor may set on the payment page the language of their messages (the journey’s template locales), the channel they prefer, and opt out per channel; every later message follows them.',
  },
);

export const JourneySpec = Type.Object(
  {
    policy: ResourceName({ description: 'The contact Policy in force, by name.' }),
    policyByCountry: Type.Optional(
      Type.Record(
        Type.String({ pattern: '^[A-Z]{2}$' }),
        ResourceName({ description: 'The Policy for debtors of this country, by name.' }),
        {
          additionalProperties: false,
          description:
            'The policy of debtors by their country (debtor.country, ISO 3166-1 alpha-2, e.g. US: us-reg-f); debtors of other countries or none get `policy`.',
        },
      ),
    ),
    goal: Type.Optional(
      EngagementEventSchema({
        description:
          'Event that ends the journey at once, from any step; `paid` means paid in full (every payment counts). More events that end it go in exitOn.',
        default: 'paid',
        errorHint: `goal is one of ${ENGAGEMENT_EVENTS.join(', ')}; list more events that end the journey under \`exitOn: [replied]\``,
      }),
    ),
    exitOn: Type.Optional(
      Type.Array(EngagementEventSchema(), {
        uniqueItems: true,
        minItems: 1,
        description: 'More events that end the journey at once, from any step; the outcome is the event, e.g. replied.',
      }),
    ),
    exitWhen: Type.Optional(
      Type.Array(
        Type.Object(
          {
            when: Cel({ description: 'A CEL condition (bool) checked on every event, e.g. debt.amountDue <= 0.0.' }),
            outcome: Outcome({ description: 'The outcome when it holds.' }),
          },
          { additionalProperties: false },
        ),
        {
          minItems: 1,
          description: 'Conditions that end the journey, checked on every event; the first that holds wins.',
        },
      ),
    ),
    interrupts: Type.Optional(
      Type.Record(Type.String(), StepId({ description: 'The step to go to.' }), {
        additionalProperties: false, // see Metadata.labels
        description:
          'Events that send the journey to a step from any step (a wait, a deferral, a waitFor listening for other events), e.g. replied: agent-handover.',
      }),
    ),
    migration: Type.Optional(
      Type.Object(
        {
          from: Type.Optional(
            Type.Array(Type.Integer({ minimum: 1 }), {
              minItems: 1,
              uniqueItems: true,
              description: 'The older versions whose running journeys may move here (default: every older one).',
            }),
          ),
          steps: Type.Optional(
            Type.Record(Type.String(), StepId({ description: 'The step of this version it continues at.' }), {
              additionalProperties: false, // see Metadata.labels
              description:
                'Old step id → step of this version, for renamed or removed steps; a step whose id is unchanged needs no entry. A journey at any other step stays on its version.',
            }),
          ),
        },
        {
          additionalProperties: false,
          description:
            'How journeys already running an older version move to this one with `settle migrate` (at their next wait, keeping their history).',
        },
      ),
    ),
    reenroll: Type.Optional(
      Type.Union([Type.Literal('update'), Type.Literal('move')], {
        default: 'update',
        description:
          'A new import of a debt that runs here: update its facts in this journey, or move it to the journey the segments now route it to (when another).',
      }),
    ),
    paymentPlans: Type.Optional(PaymentPlans),
    disputes: Type.Optional(Disputes),
    promises: Type.Optional(Promises),
    callbacks: Type.Optional(Callbacks),
    preferences: Type.Optional(Preferences),
    steps: Type.Array(Step, {
      minItems: 1,
      description: 'The steps, in order; a step without next falls through to the following one.',
    }),
  },
  { additionalProperties: false, description: 'The journey: its policy, goal and steps.' },
);

export const JourneyMetadata = Type.Composite(
  [
    Metadata,
    Type.Object({
      version: Type.Integer({ minimum: 1, description: 'Must increase whenever the compiled plan changes.' }),
    }),
  ],
  { additionalProperties: false, description: 'Name, version and description of the journey.' },
);

export const Journey = Document('Journey', JourneyMetadata, JourneySpec, {
  $id: 'https://settle.dev/schemas/journey.schema.json',
  title: 'Settle Journey',
});
export type Journey = Static<typeof Journey>;
export type JourneyStep = Static<typeof Step>;
export type SendStep = Static<typeof SendStep>;
export type WaitForStep = Static<typeof WaitForStep>;
