/** The Attributes kind: the typed custom fields of enrollment records (journeys/attributes.yaml). */
import { Type, type Static } from '@sinclair/typebox';
import { Document, Metadata, StringEnum } from './common.js';

export const ATTRIBUTE_TYPES = ['string', 'int', 'double', 'bool', 'timestamp'] as const;
export type AttributeType = (typeof ATTRIBUTE_TYPES)[number];

export const AttributesSpec = Type.Record(
  Type.String({
    pattern: '^[a-zA-Z_][a-zA-Z0-9_]*$',
    errorCode: 'INVALID_ATTRIBUTE_NAME',
    errorHint: 'attribute names are identifiers: letters, digits and _, e.g. paymentHistory',
  }),
  StringEnum(ATTRIBUTE_TYPES, {
    description: `The attribute's type: ${ATTRIBUTE_TYPES.join(', ')} (timestamp: a YYYY-MM-DD date, 00:00 in the debtor's zone).`,
    errorCode: 'INVALID_ATTRIBUTE_TYPE',
    errorHint: `attribute types are ${ATTRIBUTE_TYPES.join(', ')}`,
  }),
  {
    additionalProperties: false,
    errorCode: 'INVALID_ATTRIBUTE_NAME',
    errorHint: 'attribute names are identifiers: letters, digits and _, e.g. paymentHistory',
    description: 'Custom fields of enrollment records: name → type. Expressions and templates may use only these.',
  },
);

export const Attributes = Document('Attributes', Metadata, AttributesSpec, {
  $id: 'https://settle.dev/schemas/attributes.schema.json',
  title: 'Settle Attributes',
});
export type Attributes = Static<typeof Attributes>;
