/** Validation of enrollment records (one debt each) against schemas/enrollment.schema.json and the declared attributes. */
import type { ValidateFunction } from 'ajv/dist/2020.js';
import { ATTRIBUTE_MAX_LENGTH, ENROLLMENT_SCHEMA, type EnrollmentRecord } from '../dsl/index.js';
import { parseIsoDate } from '../core/iso-date.js';
import { isValidTimeZone } from '../core/timezone.js';
import type { FieldType } from '../ir/index.js';
import { createAjv } from '../dsl/ajv.js';

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
  problems.push(...textProblems(value));
  const record = value as Partial<EnrollmentRecord> | null;
  const zone = record?.debtor?.timezone;
  if (typeof zone === 'string' && !isTimeZone(zone))
    problems.push({
      field: 'debtor.timezone',
      message: `"${zone.slice(0, 64)}" is not an IANA time zone — write e.g. Europe/Paris or America/New_York, or leave it empty to use the policy's fallback`,
    });
  for (const name of ['dueDate', 'issuedAt'] as const) {
    const date = record?.debt?.[name];
    if (typeof date === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(date) && !parseIsoDate(date))
      problems.push({
        field: `debt.${name}`,
        message: `${date} is not a date of the calendar — check the day of the month`,
      });
  }
  const attrs = record?.attributes ?? {};
  for (const [name, v] of Object.entries(attrs)) {
    const t = attributes[name];
    if (!t) problems.push({ field: `attributes.${name}`, message: 'is not declared in journeys/attributes.yaml' });
    else if (!matchesType(v, t)) problems.push({ field: `attributes.${name}`, message: `must be of type ${t}` });
    else if (typeof v === 'string' && v.length > ATTRIBUTE_MAX_LENGTH)
      problems.push({
        field: `attributes.${name}`,
        message: `must NOT have more than ${ATTRIBUTE_MAX_LENGTH} characters`,
      });
  }
  return problems;
}

/** Whether Intl knows `zone` as a time zone name (Region/City or UTC, not a raw offset). */
function isTimeZone(zone: string): boolean {
  return /^[A-Za-z]/.test(zone) && isValidTimeZone(zone);
}

// C0 and C1 control characters (tab, CR and LF included: no record field is multi-line).
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * Problems of the text itself, in every string of the record: bytes that were not UTF-8 (the
 * decoder turned them into U+FFFD, which would reach the debtor as 'Al\uFFFDx'), and control
 * characters (which break headers, CSV exports and logs).
 */
function textProblems(value: unknown, path = ''): RecordProblem[] {
  if (typeof value === 'string') {
    const field = path || '(record)';
    if (value.includes('\uFFFD'))
      return [
        { field, message: 'contains bytes that are not UTF-8 — save the portfolio as UTF-8 and enroll it again' },
      ];
    const m = CONTROL.exec(value);
    if (m) {
      const code = m[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
      return [{ field, message: `contains the control character U+${code} — remove it` }];
    }
    return [];
  }
  if (value === null || typeof value !== 'object') return [];
  const out: RecordProblem[] = [];
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    out.push(...textProblems(v, path ? `${path}.${k}` : k));
  }
  return out;
}

/** One row of a portfolio: its first line in the file, and the record or the reason it is unreadable. */
export type PortfolioRow =
  { line: number; record: unknown; error?: never } | { line: number; error: string; record?: never };
