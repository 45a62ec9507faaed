/** The Template kind: Liquid messages per locale for one channel. */
import { Type, type Static } from '@sinclair/typebox';
import { Document, Metadata, StringEnum } from './common.js';

export const LOCALE_PATTERN = '^[a-z]{2,3}(-[A-Z]{2})?$';

const EmailContent = Type.Object(
  {
    subject: Type.String({ minLength: 1, description: 'Subject line (Liquid).' }),
    text: Type.String({ minLength: 1, description: 'Plain-text part (Liquid); must contain {{ links.optOut }}.' }),
    html: Type.Optional(
      Type.String({
        minLength: 1,
        description: 'HTML part (Liquid, output HTML-escaped); must contain {{ links.optOut }} too.',
      }),
    ),
  },
  { additionalProperties: false, description: 'The email in one locale.' },
);
const SmsContent = Type.Object(
  {
    text: Type.String({
      minLength: 1,
      description: 'The SMS (Liquid); must contain the opt-out keyword (STOP, or the policy’s smsOptOutKeyword).',
    }),
  },
  { additionalProperties: false, description: 'The SMS in one locale.' },
);

const Locales = <T extends ReturnType<typeof Type.Object>>(content: T) =>
  Type.Record(Type.String({ pattern: LOCALE_PATTERN }), content, {
    minProperties: 1,
    additionalProperties: false,
    errorCode: 'INVALID_LOCALE',
    errorHint: 'locales are BCP 47 language tags such as en, fr, nl or fr-BE',
    description: 'The message per locale (en, fr, nl-BE…); a debtor gets their locale if present, else defaultLocale.',
  });

const localeKey = Type.String({
  description: 'Locale used when the template lacks the debtor’s; must be one of locales.',
  pattern: LOCALE_PATTERN,
  errorCode: 'INVALID_LOCALE',
  errorHint: 'locales are BCP 47 language tags such as en, fr, nl or fr-BE',
});

export const EmailTemplateSpec = Type.Object(
  {
    channel: Type.Literal('email', { description: 'The channel: email.' }),
    defaultLocale: localeKey,
    locales: Locales(EmailContent),
  },
  { additionalProperties: false, description: 'An email template.' },
);
export const SmsTemplateSpec = Type.Object(
  {
    channel: Type.Literal('sms', { description: 'The channel: sms.' }),
    defaultLocale: localeKey,
    locales: Locales(SmsContent),
    maxSegments: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 10,
        description:
          'Segments this SMS may take (default 2): `settle validate` warns when an example record renders it longer, or with characters outside GSM-7 (which cut a segment from 160 to 70 characters).',
      }),
    ),
  },
  { additionalProperties: false, description: 'An SMS template.' },
);

export const TemplateSpec = Type.Unsafe<Static<typeof EmailTemplateSpec> | Static<typeof SmsTemplateSpec>>({
  type: 'object',
  required: ['channel'],
  discriminator: { propertyName: 'channel' },
  description: 'A message for one channel, in one or more locales.',
  oneOf: [EmailTemplateSpec, SmsTemplateSpec],
});

export const Template = Document('Template', Metadata, TemplateSpec, {
  $id: 'https://settle.dev/schemas/template.schema.json',
  title: 'Settle Template',
});
export type Template = Static<typeof Template>;
export type TemplateContent = { subject?: string; text: string; html?: string };

export const TemplateChannel = StringEnum(['email', 'sms'] as const);
