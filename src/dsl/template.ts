/** The Template kind: Liquid messages per locale for one channel. */
import { Type, type Static } from '@sinclair/typebox';
import { Document, Metadata, StringEnum } from './common.js';

export const LOCALE_PATTERN = '^[a-z]{2,3}(-[A-Z]{2})?$';

const EmailContent = Type.Object(
  {
    subject: Type.String({ minLength: 1 }),
    text: Type.String({ minLength: 1, description: 'Plain-text part; must contain {{ links.optOut }}.' }),
    html: Type.Optional(Type.String({ minLength: 1 })),
  },
  { additionalProperties: false },
);
const SmsContent = Type.Object(
  { text: Type.String({ minLength: 1, description: 'Must tell how to opt out (STOP).' }) },
  { additionalProperties: false },
);

const Locales = <T extends ReturnType<typeof Type.Object>>(content: T) =>
  Type.Record(Type.String({ pattern: LOCALE_PATTERN }), content, {
    minProperties: 1,
    additionalProperties: false,
    errorCode: 'INVALID_LOCALE',
    errorHint: 'locales are BCP 47 language tags such as en, fr, nl or fr-BE',
  });

const localeKey = Type.String({
  pattern: LOCALE_PATTERN,
  errorCode: 'INVALID_LOCALE',
  errorHint: 'locales are BCP 47 language tags such as en, fr, nl or fr-BE',
});

export const EmailTemplateSpec = Type.Object(
  { channel: Type.Literal('email'), defaultLocale: localeKey, locales: Locales(EmailContent) },
  { additionalProperties: false },
);
export const SmsTemplateSpec = Type.Object(
  { channel: Type.Literal('sms'), defaultLocale: localeKey, locales: Locales(SmsContent) },
  { additionalProperties: false },
);

export const TemplateSpec = Type.Unsafe<Static<typeof EmailTemplateSpec> | Static<typeof SmsTemplateSpec>>({
  type: 'object',
  required: ['channel'],
  discriminator: { propertyName: 'channel' },
  oneOf: [EmailTemplateSpec, SmsTemplateSpec],
});

export const Template = Document('Template', Metadata, TemplateSpec, {
  $id: 'https://settle.dev/schemas/template.schema.json',
  title: 'Settle Template',
});
export type Template = Static<typeof Template>;
export type TemplateContent = { subject?: string; text: string; html?: string };

export const TemplateChannel = StringEnum(['email', 'sms'] as const);
