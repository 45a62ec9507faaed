/** JSON Schema of one enrollment record (a row of a portfolio), from the field table in src/ir/record.ts. */
import { Type, type TSchema } from '@sinclair/typebox';
import { CONSENT_FIELDS, DEBT_FIELDS, DEBTOR_FIELDS, type EnrollmentData, type RecordField } from '../ir/record.js';
import { DATE_PATTERN } from './common.js';

function fieldSchema(f: RecordField): TSchema {
  switch (f.type) {
    case 'string':
      return Type.String({
        minLength: 1,
        ...(f.maxLength !== undefined && { maxLength: f.maxLength }),
        description: f.description,
      });
    case 'double':
      return Type.Number({ description: f.description });
    case 'int':
      return Type.Integer({ description: f.description });
    case 'bool':
      return Type.Boolean({ description: f.description });
    case 'timestamp':
      return Type.String({ pattern: DATE_PATTERN, description: f.description });
  }
}

function objectOf(fields: Record<string, RecordField>, extra: Record<string, TSchema> = {}) {
  const props: Record<string, TSchema> = {};
  for (const [name, f] of Object.entries(fields)) {
    if (f.derived || f.tracked) continue;
    props[name] = f.required ? fieldSchema(f) : Type.Optional(fieldSchema(f));
  }
  return Type.Object({ ...props, ...extra }, { additionalProperties: false });
}

/** Longest string value of a custom attribute. */
export const ATTRIBUTE_MAX_LENGTH = 1000;

const overrides = {
  email: Type.Optional(
    Type.String({
      format: 'email',
      maxLength: DEBTOR_FIELDS.email.maxLength,
      description: DEBTOR_FIELDS.email.description,
    }),
  ),
  phone: Type.Optional(Type.String({ pattern: '^\\+[1-9][0-9]{6,14}$', description: DEBTOR_FIELDS.phone.description })),
};

export const EnrollmentRecord = Type.Object(
  {
    debtId: Type.String({ minLength: 1, maxLength: 200, pattern: '^[^/\\s]+$', description: 'Unique id of the debt.' }),
    debtor: objectOf(DEBTOR_FIELDS, { ...overrides, consent: Type.Optional(objectOf(CONSENT_FIELDS)) }),
    debt: objectOf(DEBT_FIELDS, {
      amountDue: Type.Number({ minimum: 0, description: DEBT_FIELDS.amountDue.description }),
      currency: Type.String({ pattern: '^[A-Z]{3}$', description: DEBT_FIELDS.currency.description }),
    }),
    attributes: Type.Optional(
      Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean()]), {
        description: 'Custom fields declared in journeys/attributes.yaml.',
      }),
    ),
  },
  {
    additionalProperties: false,
    $id: 'https://settle.dev/schemas/enrollment.schema.json',
    title: 'Settle enrollment record',
  },
);
export type EnrollmentRecord = EnrollmentData;
