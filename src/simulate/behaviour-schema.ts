/**
 * The behaviour model of `settle simulate --behaviour FILE` (kind Behaviour): how simulated
 * debtors answer each message — delivery, open, click, visit of the payment page, payment, reply
 * and opt-out — with probabilities per channel that rules refine by journey, segment, split
 * variant or step, and delay distributions. TypeBox is the single source of the type and of the
 * JSON Schema ajv validates against (written to schemas/behaviour.schema.json by the CLI test).
 */
import { Type, type Static, type TOptional } from '@sinclair/typebox';
import { Duration, ResourceName } from '../dsl/common.js';

const Probability = Type.Number({ minimum: 0, maximum: 1, description: 'Probability between 0 and 1.' });

export const Delay = Type.Union(
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
  { description: 'How long after the previous stage: a duration, { uniform: [min, max] } or { exponential: mean }.' },
);

export const Stage = Type.Object(
  {
    p: Type.Optional(Probability),
    after: Type.Optional(Delay),
    within: Type.Optional(Delay),
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

export const STAGES = [
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
export type StageName = (typeof STAGES)[number];

export const ChannelModel = Type.Object(
  Object.fromEntries(STAGES.map((s) => [s, Type.Optional(Stage)])) as Record<StageName, TOptional<typeof Stage>>,
  {
    additionalProperties: false,
    description:
      'How debtors answer a message of this channel, stage by stage: delivered → opened → clicked → visited → paid.',
  },
);

export const Match = Type.Object(
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

export const Rule = Type.Object(
  {
    match: Match,
    email: Type.Optional(ChannelModel),
    sms: Type.Optional(ChannelModel),
  },
  { additionalProperties: false, description: 'A refinement of the default; later rules win, field by field.' },
);

export const Costs = Type.Object(
  {
    currency: Type.Optional(Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217 currency of the costs.' })),
    email: Type.Optional(Type.Number({ minimum: 0, description: 'Cost of one email.' })),
    sms: Type.Optional(Type.Number({ minimum: 0, description: 'Cost of one SMS.' })),
  },
  { additionalProperties: false, description: 'Cost per message, for the report’s cost of recovery.' },
);

export const BehaviourSpec = Type.Object(
  {
    costs: Type.Optional(Costs),
    partialShare: Type.Optional(
      Type.Number({
        exclusiveMinimum: 0,
        maximum: 1,
        description: 'Share of the amount due a partiallyPaid brings (default 0.5).',
      }),
    ),
    default: Type.Object(
      { email: Type.Optional(ChannelModel), sms: Type.Optional(ChannelModel) },
      { additionalProperties: false, description: 'The model of every message, per channel.' },
    ),
    rules: Type.Optional(Type.Array(Rule, { description: 'Refinements by journey, segment, variant or step.' })),
  },
  { additionalProperties: false, description: 'How simulated debtors respond.' },
);

export const BehaviourDocument = Type.Object(
  {
    apiVersion: Type.Literal('settle/v1', { description: 'Version of the authoring format: settle/v1.' }),
    kind: Type.Literal('Behaviour', { description: 'The kind of document: Behaviour.' }),
    metadata: Type.Object(
      {
        name: ResourceName({ description: 'Name of the model.' }),
        description: Type.Optional(Type.String({ description: 'What the model represents.' })),
      },
      { additionalProperties: false, description: 'Name and description of the model.' },
    ),
    spec: BehaviourSpec,
  },
  {
    additionalProperties: false,
    $id: 'https://settle.dev/schemas/behaviour.schema.json',
    title: 'Settle Behaviour (simulate)',
  },
);

export type BehaviourDoc = Static<typeof BehaviourDocument>;
export type StageSpec = Static<typeof Stage>;
export type DelaySpec = Static<typeof Delay>;
export type MatchSpec = Static<typeof Match>;
export type ChannelModelSpec = Partial<Record<StageName, StageSpec>>;
