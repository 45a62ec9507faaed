/** The Journey kind: an ordered list of steps the interpreter walks (docs/reference.md#journey). */
import { Type, type Static } from '@sinclair/typebox';
import {
  Cel,
  ChannelSchema,
  EngagementEventSchema,
  Document,
  Duration,
  Metadata,
  ResourceName,
  StepId,
} from './common.js';

const common = {
  id: StepId({ description: 'Unique id of the step within the journey.' }),
  description: Type.Optional(Type.String()),
};
const Next = StepId({ description: 'The step to go to next (default: the following step).' });

export const RetryPolicy = Type.Object(
  {
    maxAttempts: Type.Integer({ minimum: 1, maximum: 100, description: 'Attempts in all, the first one included.' }),
    initialInterval: Type.Optional(Duration({ description: 'Delay before the first retry (default 1m).' })),
    backoff: Type.Optional(
      Type.Number({ minimum: 1, maximum: 10, description: 'Multiplier between retries (default 2).' }),
    ),
    maxInterval: Type.Optional(Duration({ description: 'Upper bound of the delay between retries.' })),
  },
  { additionalProperties: false },
);

export const SendStep = Type.Object(
  {
    ...common,
    type: Type.Literal('send'),
    channel: ChannelSchema(),
    template: ResourceName({ description: 'A Template by name; its channel must match.' }),
    paymentLink: Type.Optional(
      Type.Boolean({ description: 'Create a payment link, exposed to the template as links.pay.' }),
    ),
    retry: Type.Optional(RetryPolicy),
    onFailure: Type.Optional(
      StepId({ description: 'Where to go when the send fails for good (hard bounce, retries exhausted).' }),
    ),
    onBlocked: Type.Optional(
      StepId({
        description: 'Where to go when the policy blocks the send (consent, opt-out, cap with onExceed: skip).',
      }),
    ),
    next: Type.Optional(Next),
  },
  { additionalProperties: false, description: 'Send a message on a channel.' },
);

export const WaitStep = Type.Object(
  {
    ...common,
    type: Type.Literal('wait'),
    duration: Type.Optional(Duration()),
    until: Type.Optional(Cel({ description: "A CEL timestamp, e.g. debt.dueDate + duration('72h')." })),
    businessDays: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 365, description: 'Open days of the policy, at the same local time.' }),
    ),
    next: Type.Optional(Next),
  },
  { additionalProperties: false, description: 'Wait for a duration, until an instant, or a number of business days.' },
);

export const WaitForStep = Type.Object(
  {
    ...common,
    type: Type.Literal('waitFor'),
    events: Type.Array(EngagementEventSchema(), { minItems: 1, uniqueItems: true }),
    timeout: Duration({ description: 'How long to wait, counted from the start of this step.' }),
    on: Type.Record(Type.String(), StepId(), {
      additionalProperties: false, // see Metadata.labels
      description: 'Routes: an event listed in events, or timeout (required), to a step id.',
    }),
    after: Type.Optional(StepId({ description: 'Listen to events of this send step (default: the previous send).' })),
    next: Type.Optional(Next),
  },
  { additionalProperties: false, description: 'Wait for engagement events, with a timeout.' },
);

export const BranchStep = Type.Object(
  {
    ...common,
    type: Type.Literal('branch'),
    cases: Type.Array(Type.Object({ when: Cel(), next: StepId() }, { additionalProperties: false }), { minItems: 1 }),
    default: StepId({ description: 'Where to go when no case matches.' }),
  },
  { additionalProperties: false, description: 'Route on the first CEL condition that holds.' },
);

export const SplitStep = Type.Object(
  {
    ...common,
    type: Type.Literal('split'),
    variants: Type.Array(
      Type.Object(
        {
          name: ResourceName(),
          weight: Type.Integer({ minimum: 0, maximum: 100 }),
          next: StepId(),
        },
        { additionalProperties: false },
      ),
      { minItems: 2 },
    ),
  },
  { additionalProperties: false, description: 'A/B test: a sticky, deterministic variant per debt.' },
);

export const WebhookStep = Type.Object(
  {
    ...common,
    type: Type.Literal('webhook'),
    url: Type.String({
      pattern: '^(https://[^\\s]+|http://(127\\.0\\.0\\.1|localhost)(:[0-9]+)?(/[^\\s]*)?|env:[A-Z][A-Z0-9_]*)$',
      errorCode: 'INVALID_WEBHOOK_URL',
      errorHint: 'use a literal https:// URL or env:NAME (an environment variable resolved by the worker)',
    }),
    retry: Type.Optional(RetryPolicy),
    onFailure: Type.Optional(StepId()),
    next: Type.Optional(Next),
  },
  { additionalProperties: false, description: 'POST the journey state to a URL (escalation, letters, agents).' },
);

export const ExitStep = Type.Object(
  {
    ...common,
    type: Type.Literal('exit'),
    outcome: Type.String({
      pattern: '^[a-z][a-zA-Z0-9]*$',
      description: 'Outcome recorded when the journey ends here, e.g. unresolved, escalated.',
    }),
  },
  { additionalProperties: false, description: 'End the journey with an outcome.' },
);

export const STEP_SCHEMAS = {
  send: SendStep,
  wait: WaitStep,
  waitFor: WaitForStep,
  branch: BranchStep,
  split: SplitStep,
  webhook: WebhookStep,
  exit: ExitStep,
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
>({
  type: 'object',
  required: ['type'],
  discriminator: { propertyName: 'type' },
  oneOf: Object.values(STEP_SCHEMAS),
});

export const PaymentPlans = Type.Object(
  {
    instalments: Type.Array(Type.Integer({ minimum: 2, maximum: 12 }), { minItems: 1, uniqueItems: true }),
    minAmount: Type.Optional(Type.Number({ minimum: 0, description: 'Offer plans only from this amount due.' })),
  },
  { additionalProperties: false, description: 'Payment plans offered on the landing page.' },
);

export const JourneySpec = Type.Object(
  {
    policy: ResourceName({ description: 'The contact Policy in force, by name.' }),
    goal: Type.Optional(EngagementEventSchema({ description: 'Event that ends the journey at once (default paid).' })),
    paymentPlans: Type.Optional(PaymentPlans),
    steps: Type.Array(Step, { minItems: 1 }),
  },
  { additionalProperties: false },
);

export const JourneyMetadata = Type.Composite(
  [
    Metadata,
    Type.Object({
      version: Type.Integer({ minimum: 1, description: 'Must increase whenever the compiled plan changes.' }),
    }),
  ],
  { additionalProperties: false },
);

export const Journey = Document('Journey', JourneyMetadata, JourneySpec, {
  $id: 'https://settle.dev/schemas/journey.schema.json',
  title: 'Settle Journey',
});
export type Journey = Static<typeof Journey>;
export type JourneyStep = Static<typeof Step>;
export type SendStep = Static<typeof SendStep>;
export type WaitForStep = Static<typeof WaitForStep>;
