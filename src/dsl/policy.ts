/** The Policy kind: contact rules enforced at send time (windows, holidays, caps, consent). */
import { Type, type Static } from '@sinclair/typebox';
import { ChannelSchema, Document, Duration, IsoDate, Metadata, StringEnum, TimeOfDay, WEEKDAYS } from './common.js';

export const SendWindow = Type.Object(
  {
    from: TimeOfDay({ description: 'Start of the window, local time (inclusive).' }),
    to: TimeOfDay({ description: 'End of the window, local time (exclusive).' }),
    days: Type.Array(
      StringEnum(WEEKDAYS, { errorCode: 'INVALID_WEEKDAY', errorHint: `days are ${WEEKDAYS.join(', ')}` }),
      { minItems: 1, uniqueItems: true },
    ),
  },
  { additionalProperties: false },
);

export const FrequencyCap = Type.Object(
  {
    channels: Type.Array(ChannelSchema(), { minItems: 1, uniqueItems: true }),
    max: Type.Integer({ minimum: 1, description: 'Contacts allowed in the rolling window.' }),
    per: Duration({ description: 'Length of the rolling window.' }),
    onExceed: Type.Optional(StringEnum(['defer', 'skip'] as const, { description: 'defer (default) or skip' })),
  },
  { additionalProperties: false },
);

const Consent = StringEnum(['required', 'assumed'] as const);

export const PolicySpec = Type.Object(
  {
    timezoneFallback: Type.String({ minLength: 1, description: 'IANA time zone used when the debtor has none.' }),
    unknownTimezone: Type.Optional(StringEnum(['fallback', 'skip'] as const)),
    sendWindow: Type.Union([SendWindow, Type.Array(SendWindow, { minItems: 1 })], {
      description: 'One window, or a list of windows by weekday, in the debtor’s local time.',
    }),
    holidays: Type.Optional(
      Type.Object(
        {
          country: Type.Optional(
            Type.String({
              pattern: '^[A-Z]{2}$',
              errorCode: 'INVALID_COUNTRY',
              errorHint: 'use an ISO 3166-1 alpha-2 country code such as FR, NL or US',
            }),
          ),
          region: Type.Optional(Type.Union([Type.String({ minLength: 1 }), Type.Null()])),
          closedDays: Type.Optional(Type.Array(IsoDate(), { uniqueItems: true })),
        },
        { additionalProperties: false },
      ),
    ),
    frequencyCaps: Type.Optional(Type.Array(FrequencyCap)),
    consent: Type.Optional(
      Type.Object({ email: Type.Optional(Consent), sms: Type.Optional(Consent) }, { additionalProperties: false }),
    ),
    jitter: Type.Optional(Duration({ description: 'Random spread added to each send instant (default none).' })),
    smsOptOutKeyword: Type.Optional(
      Type.Record(Type.String(), Type.String({ minLength: 2 }), {
        additionalProperties: false, // see Metadata.labels
        description: 'Opt-out keyword per locale that SMS templates must mention (default STOP).',
      }),
    ),
  },
  { additionalProperties: false },
);

export const Policy = Document('Policy', Metadata, PolicySpec, {
  $id: 'https://settle.dev/schemas/policy.schema.json',
  title: 'Settle Policy',
});
export type Policy = Static<typeof Policy>;
export type SendWindow = Static<typeof SendWindow>;
