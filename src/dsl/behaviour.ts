/**
 * The Behaviour kind: the model `settle simulate --behaviour FILE` (and the demo's debtors) draw
 * each message's response from — delivery, open, click, visit of the payment page, payment, reply,
 * opt-out and promise — with probabilities per channel that rules refine by journey, segment,
 * split variant or step, and delay distributions. Not a project kind (it lives outside
 * `journeys/`): src/compiler/behaviour.ts validates it with the compiler's diagnostics, against
 * schemas/behaviour.schema.json.
 */
import { Type, type Static, type TOptional } from '@sinclair/typebox';
import { Document, Duration, ResourceName } from './common.js';

const Probability = Type.Number({ minimum: 0, maximum: 1, description: 'Probability between 0 and 1.' });

export const BehaviourDelay = Type.Union(
  [
    Duration({ description: 'A fixed delay, e.g. 20s, 2h, 1d.' }),
    Type.Object(
      {
        uniform: Type.Array(Duration(), {
          minItems: 2,
          maxItems: 2,
          description: 'Bounds [min, max] of a uniform delay.',
        }),
      },
      { additionalProperties: false },
    ),
    Type.Object(
      { exponential: Duration({ description: 'Mean of an exponential delay.' }) },
      { additionalProperties: false },
    ),
  ],
  {
    description: 'How long after the previous stage: a duration, { uniform: [min, max] } or { exponential: mean }.',
    errorCode: 'INVALID_DELAY',
    errorHint: 'a delay is a duration (20s, 2h, 1d), { uniform: [min, max] } or { exponential: mean }',
  },
);

export const BehaviourStage = Type.Object(
  {
    p: Type.Optional(Probability),
    after: Type.Optional(BehaviourDelay),
    within: Type.Optional(BehaviourDelay),
    kept: Type.Optional(
      Type.Number({
        minimum: 0,
        maximum: 1,
        description: '`promised` only: the share of promises kept (paid before the date ends); default 0.6.',
      }),
    ),
  },
  {
    additionalProperties: false,
    description: 'Probability of this stage given the previous one, and its delay; a stage left out passes through.',
  },
);

export const BEHAVIOUR_STAGES = [
  'delivered',
  'opened',
  'clicked',
  'visited',
  'paid',
  'partiallyPaid',
  'replied',
  'optedOut',
  'promised',
] as const;
export type StageName = (typeof BEHAVIOUR_STAGES)[number];

export const BehaviourChannelModel = Type.Object(
  Object.fromEntries(BEHAVIOUR_STAGES.map((s) => [s, Type.Optional(BehaviourStage)])) as Record<
    StageName,
    TOptional<typeof BehaviourStage>
  >,
  {
    additionalProperties: false,
    description:
      'How debtors answer a message of this channel, stage by stage: delivered → opened → clicked → visited → paid.',
  },
);

export const BehaviourMatch = Type.Object(
  {
    journey: Type.Optional(ResourceName({ description: 'Messages of this journey.' })),
    segment: Type.Optional(ResourceName({ description: 'Messages to debts of this segment.' })),
    variant: Type.Optional(Type.String({ minLength: 1, description: 'Messages of this split variant.' })),
    step: Type.Optional(Type.String({ minLength: 1, description: 'Messages of this send step.' })),
  },
  {
    additionalProperties: false,
    minProperties: 1,
    description: 'Which messages the rule applies to (all must match).',
  },
);

export const BehaviourRule = Type.Object(
  {
    match: BehaviourMatch,
    email: Type.Optional(BehaviourChannelModel),
    sms: Type.Optional(BehaviourChannelModel),
  },
  { additionalProperties: false, description: 'A refinement of the default; later rules win, field by field.' },
);

export const BehaviourCosts = Type.Object(
  {
    currency: Type.Optional(Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217 currency of the costs.' })),
    email: Type.Optional(Type.Number({ minimum: 0, description: 'Cost of one email.' })),
    sms: Type.Optional(Type.Number({ minimum: 0, description: 'Cost of one SMS.' })),
  },
  { additionalProperties: false, description: 'Cost per message, for the report’s cost of recovery.' },
);

export const BehaviourSpec = Type.Object(
  {
    costs: Type.Optional(BehaviourCosts),
    partialShare: Type.Optional(
      Type.Number({
        exclusiveMinimum: 0,
        maximum: 1,
        description: 'Share of the amount due a partiallyPaid brings (default 0.5).',
      }),
    ),
    default: Type.Object(
      { email: Type.Optional(BehaviourChannelModel), sms: Type.Optional(BehaviourChannelModel) },
      { additionalProperties: false, description: 'The model of every message, per channel.' },
    ),
    rules: Type.Optional(
      Type.Array(BehaviourRule, { description: 'Refinements by journey, segment, variant or step.' }),
    ),
  },
  { additionalProperties: false, description: 'How simulated debtors respond.' },
);

export const BehaviourMetadata = Type.Object(
  {
    name: ResourceName({ description: 'Name of the model.' }),
    description: Type.Optional(Type.String({ description: 'What the model represents.' })),
  },
  { additionalProperties: false, description: 'Name and description of the model.' },
);

export const BehaviourDocument = Document('Behaviour', BehaviourMetadata, BehaviourSpec, {
  $id: 'https://settle.dev/schemas/behaviour.schema.json',
  title: 'Settle Behaviour (simulate)',
});

export type BehaviourDoc = Static<typeof BehaviourDocument>;
export type StageSpec = Static<typeof BehaviourStage>;
export type DelaySpec = Static<typeof BehaviourDelay>;
export type MatchSpec = Static<typeof BehaviourMatch>;
export type ChannelModelSpec = Partial<Record<StageName, StageSpec>>;
