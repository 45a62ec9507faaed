/** Validation of enrollment records (one debt each) against schemas/enrollment.schema.json and the declared attributes. */
import type { ValidateFunction } from 'ajv/dist/2020.js';
import { ENROLLMENT_SCHEMA, type EnrollmentRecord } from '../dsl/index.js';
import type { FieldType } from '../ir/index.js';
import { createAjv } from './structural.js';

let validator: ValidateFunction | undefined;

export interface RecordProblem {
  /** Dotted field path, e.g. debt.amountDue. */
  field: string;
  message: string;
}

function matchesType(v: unknown, t: FieldType): boolean {
  switch (t) {
    case 'string':
      return typeof v === 'string';
    case 'int':
      return typeof v === 'number' && Number.isInteger(v);
    case 'double':
      return typeof v === 'number';
    case 'bool':
      return typeof v === 'boolean';
    case 'timestamp':
      return typeof v === 'string' && /^\d{4}-\d{2}-\d{2}/.test(v) && !Number.isNaN(Date.parse(v));
  }
}

export function validateRecord(value: unknown, attributes: Record<string, FieldType>): RecordProblem[] {
  validator ??= createAjv().compile(ENROLLMENT_SCHEMA.schema);
  const problems: RecordProblem[] = [];
  if (!validator(value)) {
    for (const e of validator.errors ?? []) {
      const base = e.instancePath.slice(1).replace(/\//g, '.');
      const p = e.params as Record<string, unknown>;
      if (e.keyword === 'required')
        problems.push({
          field: base ? `${base}.${String(p.missingProperty)}` : String(p.missingProperty),
          message: 'is required',
        });
      else if (e.keyword === 'additionalProperties')
        problems.push({
          field: base ? `${base}.${String(p.additionalProperty)}` : String(p.additionalProperty),
          message: 'is not a field of an enrollment record',
        });
      else problems.push({ field: base || '(record)', message: e.message ?? 'is invalid' });
    }
  }
  const attrs = (value as Partial<EnrollmentRecord> | null)?.attributes ?? {};
  for (const [name, v] of Object.entries(attrs)) {
    const t = attributes[name];
    if (!t) problems.push({ field: `attributes.${name}`, message: 'is not declared in journeys/attributes.yaml' });
    else if (!matchesType(v, t)) problems.push({ field: `attributes.${name}`, message: `must be of type ${t}` });
  }
  return problems;
}
