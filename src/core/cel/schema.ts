/**
 * What a CEL expression can see (docs/reference.md#cel-expressions): `debtor`, `debt`, `attributes`,
 * `engagement` and `now`, typed from the enrollment record's field table in src/ir/record.ts so
 * the compiler's type check, the did-you-mean hints and the run-time input agree by
 * construction. Workflow-safe: plain data.
 */
import type { FieldType } from '../../ir/index.js';
import { CONSENT_FIELDS, DEBT_FIELDS, DEBTOR_FIELDS, ENGAGEMENT_EVENTS } from '../../ir/index.js';

/** Every engagement event, each an `int` field of `engagement` (how often it happened so far). */
export { ENGAGEMENT_EVENTS } from '../../ir/index.js';

/** The variables of every expression, in the order messages list them. */
export const CEL_ROOTS = ['debtor', 'debt', 'attributes', 'engagement', 'now'] as const;
export type CelRoot = (typeof CEL_ROOTS)[number];

/** CEL spelling of the record's field types (cel-js names timestamps by their protobuf type). */
export const CEL_TIMESTAMP = 'google.protobuf.Timestamp';
export const CEL_DURATION = 'google.protobuf.Duration';
export const CEL_FIELD_TYPE: Readonly<Record<FieldType, string>> = {
  string: 'string',
  int: 'int',
  double: 'double',
  bool: 'bool',
  timestamp: CEL_TIMESTAMP,
};

/** Names of the object types registered with cel-js, and how messages show them. */
export const CEL_TYPE_NAMES = {
  debtor: 'settle.Debtor',
  consent: 'settle.Consent',
  debt: 'settle.Debt',
  engagement: 'settle.Engagement',
  attributes: 'settle.Attributes',
} as const;

const FRIENDLY_TYPE: Readonly<Record<string, string>> = {
  [CEL_TIMESTAMP]: 'timestamp',
  [CEL_DURATION]: 'duration',
  [CEL_TYPE_NAMES.debtor]: 'debtor',
  [CEL_TYPE_NAMES.consent]: 'debtor.consent',
  [CEL_TYPE_NAMES.debt]: 'debt',
  [CEL_TYPE_NAMES.engagement]: 'engagement',
  [CEL_TYPE_NAMES.attributes]: 'attributes',
};

/** A cel-js type name as an author reads it: `timestamp`, not `google.protobuf.Timestamp`. */
export function friendlyType(celType: string): string {
  return celType.replace(/[\w.]+/g, (name) => FRIENDLY_TYPE[name] ?? name);
}

export type AttributeTypes = Readonly<Record<string, FieldType>>;

/**
 * Field names of each object an expression can select from, keyed by its path
 * (`debtor.consent`), for did-you-mean hints; undefined for anything that is not an object.
 */
export function objectFields(path: string, attributes: AttributeTypes): readonly string[] | undefined {
  switch (path) {
    case 'debtor':
      return [...Object.keys(DEBTOR_FIELDS), 'consent'];
    case 'debtor.consent':
      return Object.keys(CONSENT_FIELDS);
    case 'debt':
      return Object.keys(DEBT_FIELDS);
    case 'engagement':
      return ENGAGEMENT_EVENTS;
    case 'attributes':
      return Object.keys(attributes);
    default:
      return undefined;
  }
}

/** Every selectable field as its full path (`debt.amountDue`), for hints on a bare `amountDue`. */
export function allFieldPaths(attributes: AttributeTypes): string[] {
  const paths: string[] = [];
  for (const root of ['debtor', 'debtor.consent', 'debt', 'engagement', 'attributes']) {
    for (const field of objectFields(root, attributes) ?? []) paths.push(`${root}.${field}`);
  }
  return paths;
}
