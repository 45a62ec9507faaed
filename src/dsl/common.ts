/**
 * Building blocks shared by every kind of the authoring format (apiVersion settle/v1).
 * These TypeBox definitions are the single source of truth: the TypeScript types, the
 * committed JSON Schemas in schemas/ and ajv's validators all come from them.
 */
import { Type, type TSchema, type SchemaOptions } from '@sinclair/typebox';

export const API_VERSION = 'settle/v1';

export { CHANNELS, ENGAGEMENT_EVENTS, type Channel, type EngagementEvent } from '../ir/plan.js';
import { CHANNELS, ENGAGEMENT_EVENTS, type EngagementEvent } from '../ir/plan.js';

export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/**
 * Extra annotation read by the compiler (never by editors): the diagnostic code to use when a
 * value fails this schema's `pattern`/`format`, so `3 days` is INVALID_DURATION, not a regex dump.
 */
export interface SettleAnnotations {
  errorCode?: string;
  errorHint?: string;
}
type Opts = SchemaOptions & SettleAnnotations;

export const DURATION_PATTERN = '^[0-9]+(s|m|h|d|w)$';
export const Duration = (opts: Opts = {}) =>
  Type.String({
    pattern: DURATION_PATTERN,
    errorCode: 'INVALID_DURATION',
    errorHint: 'write a whole number followed by s, m (minutes), h, d or w, e.g. 30m, 3d, 2w',
    description: 'A duration: <n>s|m|h|d|w. m is minutes; d is exactly 24 h and w 7 × 24 h.',
    ...opts,
  });

export const TIME_PATTERN = '^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$';
export const TimeOfDay = (opts: Opts = {}) =>
  Type.String({
    pattern: TIME_PATTERN,
    errorCode: 'INVALID_TIME',
    errorHint: 'write a 24-hour local time as HH:MM, e.g. 08:00 or 21:30 (24:00 means end of day)',
    description: 'A local time of day, HH:MM on 24 hours; 24:00 is the end of the day.',
    ...opts,
  });

export const DATE_PATTERN = '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$';
export const IsoDate = (opts: Opts = {}) =>
  Type.String({
    pattern: DATE_PATTERN,
    errorCode: 'INVALID_DATE',
    errorHint: 'write a calendar date as YYYY-MM-DD, e.g. 2026-12-25',
    description: 'A calendar date, YYYY-MM-DD.',
    ...opts,
  });

export const NAME_PATTERN = '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$';
export const ResourceName = (opts: Opts = {}) =>
  Type.String({
    pattern: NAME_PATTERN,
    errorCode: 'INVALID_NAME',
    errorHint: 'use kebab-case: lowercase letters, digits and dashes, e.g. soft-collection',
    ...opts,
  });

export const STEP_ID_PATTERN = '^[a-z][a-z0-9-]{0,62}$';
export const StepId = (opts: Opts = {}) =>
  Type.String({
    pattern: STEP_ID_PATTERN,
    errorCode: 'INVALID_STEP_ID',
    errorHint: 'step ids are kebab-case and start with a letter, e.g. first-email',
    ...opts,
  });

export const Cel = (opts: Opts = {}) =>
  Type.String({
    minLength: 1,
    description: 'A CEL expression over debtor, debt, attributes, engagement and now.',
    ...opts,
  });

export const Metadata = Type.Object(
  {
    name: ResourceName({ description: 'Unique kebab-case name of this resource.' }),
    description: Type.Optional(Type.String({ description: 'What this resource is for, in a sentence.' })),
    owner: Type.Optional(Type.String({ description: 'Team responsible for this resource.' })),
    // additionalProperties: TypeBox's `^(.*)$` key pattern does not match keys holding a line break (U+2028...),
    // which would otherwise escape validation.
    labels: Type.Optional(
      Type.Record(Type.String(), Type.String({ description: 'A label value.' }), {
        additionalProperties: false,
        description: 'Free-form key/value labels (reporting, ownership); Settle does not read them.',
      }),
    ),
  },
  { additionalProperties: false, description: 'Name and description of the document.' },
);

/** The envelope every document shares: apiVersion, kind, metadata, spec. */
export function Document<K extends string, M extends TSchema, S extends TSchema>(
  kind: K,
  metadata: M,
  spec: S,
  opts: SchemaOptions = {},
) {
  return Type.Object(
    {
      apiVersion: Type.Literal(API_VERSION, { description: `Version of the authoring format: ${API_VERSION}.` }),
      kind: Type.Literal(kind, { description: `The kind of document: ${kind}.` }),
      metadata,
      spec,
    },
    { additionalProperties: false, ...opts },
  );
}

/** A string enum as `{ type: string, enum }`: one clear error instead of one per literal. */
export function StringEnum<const T extends readonly string[]>(values: T, opts: Opts = {}) {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...opts });
}

/** What each engagement event means (docs/reference.md lists them from here). */
export const ENGAGEMENT_EVENT_MEANINGS: Readonly<Record<EngagementEvent, string>> = {
  delivered: 'Delivered: the SMTP relay accepted the email, or Twilio reported the SMS delivered.',
  bounced:
    'Undeliverable for good: a hard bounce (SMTP 5xx) when sending, or an SMS Twilio reports undelivered or failed.',
  softBounced: 'A temporary delivery failure (SMTP 4xx, mailbox full) that outlasted the send step’s retries.',
  opened: 'The email’s open pixel was loaded (email only; image blocking hides some opens).',
  clicked: 'A tracked link of the message was followed.',
  visited: 'The payment page of the message’s payment link was viewed.',
  paid: 'The debt was paid in full (payment provider webhook). The default goal.',
  partiallyPaid: 'A payment smaller than the amount due, or an instalment of a payment plan.',
  optedOut: 'The debtor opted out of a channel: the email opt-out link, or an SMS STOP.',
  replied: 'The debtor answered an SMS with something other than an opt-out, opt-in or help keyword.',
  disputed:
    'The debtor disputed the debt on the payment page, with a reason (`data.reason`; `other` with their words in `data.text`).',
  resolved: 'An operator resolved the open dispute (`settle event DEBT resolved`): dunning may go on.',
  upheld: 'An operator upheld the open dispute (`settle event DEBT upheld`): the debt is not owed as billed.',
  promised: 'The debtor promised on the payment page to pay by a date (`data.date`, YYYY-MM-DD in their zone).',
  callbackRequested:
    'The debtor asked on the payment page to be called back (`data.date`, `data.slot` in their zone); the journey posts it to `callbacks.url`.',
  preferencesChanged:
    'The debtor changed their contact preferences on the payment page (`data.locale`, `data.channel`).',
};

export const EngagementEventSchema = (opts: Opts = {}) =>
  StringEnum(ENGAGEMENT_EVENTS, {
    errorCode: 'UNKNOWN_EVENT',
    errorHint: `engagement events are: ${ENGAGEMENT_EVENTS.join(', ')}`,
    ...opts,
  });
export const ChannelSchema = (opts: Opts = {}) =>
  StringEnum(CHANNELS, { description: 'email | sms', errorCode: 'UNKNOWN_CHANNEL', ...opts });
