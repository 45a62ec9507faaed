/** The Policy kind: contact rules enforced at send time (windows, holidays, caps, consent). */
import { Type, type Static } from '@sinclair/typebox';
import { ChannelSchema, Document, Duration, IsoDate, Metadata, StringEnum, TimeOfDay, WEEKDAYS } from './common.js';

export const SendWindow = Type.Object(
  {
    from: TimeOfDay({ description: 'Start of the window, local time (inclusive).' }),
    to: TimeOfDay({ description: 'End of the window, local time (exclusive).' }),
    days: Type.Array(
      StringEnum(WEEKDAYS, { errorCode: 'INVALID_WEEKDAY', errorHint: `days are ${WEEKDAYS.join(', ')}` }),
      { minItems: 1, uniqueItems: true, description: `Weekdays the window applies to: ${WEEKDAYS.join(', ')}.` },
    ),
    channels: Type.Optional(
      Type.Array(ChannelSchema(), {
        minItems: 1,
        uniqueItems: true,
        description:
          'Channels this window is for. A channel with windows of its own uses only those; the others use the windows without `channels`. Default: every channel.',
      }),
    ),
  },
  { additionalProperties: false, description: 'Sends allowed on these days in [from, to), the debtor’s local time.' },
);

export const FrequencyCap = Type.Object(
  {
    channels: Type.Array(ChannelSchema(), {
      minItems: 1,
      uniqueItems: true,
      description: 'Channels whose contacts count together against this cap.',
    }),
    max: Type.Integer({ minimum: 1, description: 'Contacts allowed in the rolling window.' }),
    per: Duration({ description: 'Length of the rolling window.' }),
    onExceed: Type.Optional(
      StringEnum(['defer', 'skip'] as const, {
        description: 'Over the cap: defer the send until the cap allows it, or skip it (onBlocked).',
        default: 'defer',
      }),
    ),
    scope: Type.Optional(
      StringEnum(['debt', 'debtor'] as const, {
        description:
          'What the cap counts: the contacts of the debt (across its journeys), or those of every debt of the debtor (debtor.id), so a person with several debts is not contacted once per debt.',
        default: 'debt',
      }),
    ),
  },
  {
    additionalProperties: false,
    description:
      'At most max contacts per debt (or per debtor, with scope: debtor) on these channels in any rolling window of length per.',
  },
);

const CountryCode = () =>
  Type.String({
    description: 'ISO 3166-1 alpha-2 country code.',
    pattern: '^[A-Z]{2}$',
    errorCode: 'INVALID_COUNTRY',
    errorHint: 'use an ISO 3166-1 alpha-2 country code such as FR, NL or US',
  });

const Consent = (channel: string, fallback: 'required' | 'assumed') =>
  StringEnum(['required', 'assumed'] as const, {
    description: `required: ${channel} only with debtor.consent.${channel} true; assumed: unless it is false.`,
    default: fallback,
  });

export const PolicySpec = Type.Object(
  {
    timezoneFallback: Type.String({ minLength: 1, description: 'IANA time zone used when the debtor has none.' }),
    unknownTimezone: Type.Optional(
      StringEnum(['fallback', 'skip'] as const, {
        description: 'A debtor without a valid time zone: use timezoneFallback, or skip every send.',
        default: 'fallback',
      }),
    ),
    sendWindow: Type.Union([SendWindow, Type.Array(SendWindow, { minItems: 1 })], {
      description: 'One window, or a list of windows by weekday, in the debtor’s local time.',
    }),
    holidays: Type.Optional(
      Type.Object(
        {
          country: Type.Optional(
            Type.Union([CountryCode(), Type.Array(CountryCode(), { minItems: 1, uniqueItems: true })], {
              description:
                'One country: its public holidays are closed days for every debtor. A list: each debtor gets the public holidays of their own country (debtor.country) and region (debtor.region) when their country is listed, and those of every listed country otherwise.',
            }),
          ),
          region: Type.Optional(
            Type.Union([Type.String({ minLength: 1 }), Type.Null()], {
              description:
                'With one country: a region of it with its own holidays for every debtor (e.g. BY for Bavaria); null for national only. Not with a list (debtors’ own regions apply).',
            }),
          ),
          closedDays: Type.Optional(
            Type.Array(IsoDate(), { uniqueItems: true, description: 'Extra closed dates, YYYY-MM-DD.' }),
          ),
        },
        { additionalProperties: false, description: 'Days without sends: public holidays and your own closed days.' },
      ),
    ),
    frequencyCaps: Type.Optional(
      Type.Array(FrequencyCap, {
        description: 'Caps on contacts per debt (shared by all journeys of the debt) or per debtor (scope: debtor).',
      }),
    ),
    minGap: Type.Optional(
      Duration({
        description:
          'Never two messages to one person within this duration, whatever the channel and the number of their debts: a send is deferred until the gap has passed.',
      }),
    ),
    consent: Type.Optional(
      Type.Object(
        { email: Type.Optional(Consent('email', 'assumed')), sms: Type.Optional(Consent('sms', 'required')) },
        {
          additionalProperties: false,
          description: 'Whether each channel needs recorded consent; a recorded false always blocks.',
        },
      ),
    ),
    jitter: Type.Optional(
      Duration({
        description: 'Spread sends over up to this much after their instant (deterministic per send); default none.',
      }),
    ),
    smsOptOutKeyword: Type.Optional(
      Type.Record(Type.String(), Type.String({ minLength: 2, description: 'The keyword, e.g. STOP or ARRET.' }), {
        additionalProperties: false, // see Metadata.labels
        description: 'Opt-out keyword per locale that SMS templates must mention (default STOP).',
      }),
    ),
  },
  { additionalProperties: false, description: 'Contact rules applied at the moment of each send.' },
);

export const Policy = Document('Policy', Metadata, PolicySpec, {
  $id: 'https://settle.dev/schemas/policy.schema.json',
  title: 'Settle Policy',
});
export type Policy = Static<typeof Policy>;
export type SendWindow = Static<typeof SendWindow>;
