/**
 * The values an expression sees, built from an enrollment record (plain JSON: dates are
 * 'YYYY-MM-DD' strings, numbers are numbers) into what cel-js wants: ints as BigInt,
 * timestamps as Date at 00:00 in the debtor's zone, `debt.daysPastDue` derived from the due
 * date and `now`, every engagement count present (0 when missing). Deterministic: `now` is an
 * argument, never the clock, so a replayed workflow sees the same values.
 *
 * An optional field the record lacks stays absent: `has(debtor.email)` is false and reading
 * `debtor.email` fails with a CelEvaluationError. `debtor.consent` is always present (empty
 * when the record has none) so `has(debtor.consent.email)` works without a guard.
 */
import type { EngagementEvent, FieldType, RecordField } from '../../ir/index.js';
import { CONSENT_FIELDS, DEBT_FIELDS, DEBTOR_FIELDS } from '../../ir/index.js';
import { CelEvaluationError } from './errors.js';
import { ENGAGEMENT_EVENTS, type AttributeTypes } from './schema.js';
import { parseIsoDate } from '../iso-date.js';
import { daysBetweenLocal, isValidTimeZone, localDateIso, zonedMidnight } from '../timezone.js';

/** An enrollment record as JSON gives it (src/dsl/enrollment.ts validates its shape). */
export interface CelRecord {
  debtId?: string;
  debtor: Readonly<Record<string, unknown>>;
  debt: Readonly<Record<string, unknown>>;
  attributes?: Readonly<Record<string, unknown>>;
}

export interface CelInputOptions {
  /** The instant of evaluation (epoch ms): `now`, and the end point of `debt.daysPastDue`. */
  nowMs: number;
  /** The debtor's IANA zone, already resolved (policy fallback applied). */
  timezone: string;
  /** How often each event happened in this journey so far; missing events count 0. */
  engagement?: Readonly<Partial<Record<EngagementEvent, number | bigint>>>;
  /** Declared types of the attributes (the plan's or the project's); others are left out. */
  attributeTypes: AttributeTypes;
}

/** Evaluation context for cel-js: one entry per variable. */
export interface CelInput {
  readonly debtor: Readonly<Record<string, unknown>>;
  readonly debt: Readonly<Record<string, unknown>>;
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly engagement: Readonly<Record<EngagementEvent, bigint>>;
  readonly now: Date;
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i;

function invalid(path: string, expected: string, value: unknown): CelEvaluationError {
  const shown = typeof value === 'bigint' ? `${value}` : (JSON.stringify(value) ?? String(value));
  return new CelEvaluationError(`${path} must be ${expected}, got ${shown}`, { code: 'invalid_input' });
}

function toTimestampMs(value: unknown, path: string, tz: string): number {
  if (typeof value === 'string') {
    if (parseIsoDate(value)) return zonedMidnight(value, tz);
    if (DATE_TIME.test(value)) {
      const ms = Date.parse(value);
      if (Number.isFinite(ms)) return ms;
    }
  } else if (typeof value === 'number' && Number.isFinite(value)) {
    return value;
  } else if (value instanceof Date && Number.isFinite(value.getTime())) {
    return value.getTime();
  }
  throw invalid(path, "a date 'YYYY-MM-DD' or a date-time with its zone", value);
}

/** One record value as cel-js expects its declared type. */
function toCel(value: unknown, type: FieldType, path: string, tz: string): unknown {
  switch (type) {
    case 'string':
      if (typeof value === 'string') return value;
      throw invalid(path, 'a string', value);
    case 'bool':
      if (typeof value === 'boolean') return value;
      throw invalid(path, 'true or false', value);
    case 'double':
      if (typeof value === 'number' && Number.isFinite(value)) return value;
      if (typeof value === 'bigint') return Number(value);
      throw invalid(path, 'a number', value);
    case 'int':
      if (typeof value === 'bigint') return value;
      if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
      throw invalid(path, 'a whole number', value);
    case 'timestamp':
      return new Date(toTimestampMs(value, path, tz));
  }
}

/** A field table's entries, non-derived ones with their type, computed once per table. */
const fieldLists = new WeakMap<object, [string, FieldType][]>();

function fieldList(fields: Readonly<Record<string, RecordField | FieldType>>): [string, FieldType][] {
  let list = fieldLists.get(fields);
  if (!list) {
    list = [];
    for (const [name, field] of Object.entries(fields)) {
      if (typeof field === 'object' && field.derived) continue;
      list.push([name, typeof field === 'object' ? field.type : field]);
    }
    fieldLists.set(fields, list);
  }
  return list;
}

function convertFields(
  source: Readonly<Record<string, unknown>> | undefined,
  fields: Readonly<Record<string, RecordField | FieldType>>,
  prefix: string,
  tz: string,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, type] of fieldList(fields)) {
    const value = source?.[name];
    if (value === undefined || value === null) continue;
    out[name] = toCel(value, type, `${prefix}.${name}`, tz);
  }
  return out;
}

function isRecordObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** BigInts of small counts, made once (counts are small; larger ones are converted each time). */
const SMALL_BIGINTS: readonly bigint[] = Array.from({ length: 64 }, (_, i) => BigInt(i));

function engagementCounts(counts: CelInputOptions['engagement']): Record<EngagementEvent, bigint> {
  const out = {} as Record<EngagementEvent, bigint>;
  for (const event of ENGAGEMENT_EVENTS) {
    const n = counts?.[event] ?? 0;
    if (typeof n === 'bigint' ? n < 0n : !Number.isSafeInteger(n) || n < 0) {
      throw invalid(`engagement.${event}`, 'a count (0 or more)', n);
    }
    out[event] = typeof n === 'number' && n < SMALL_BIGINTS.length ? SMALL_BIGINTS[n]! : BigInt(n);
  }
  return out;
}

/**
 * What an input takes from the record alone, in one zone: the converted debtor, debt (without
 * `daysPastDue`) and attributes, and the due date's local date. The same at every instant, so a
 * journey converts its record once (JourneyContext) and celInputAt adds the instant.
 */
export interface CelRecordValues {
  readonly timezone: string;
  readonly debtor: Readonly<Record<string, unknown>>;
  readonly debt: Readonly<Record<string, unknown>>;
  readonly attributes: Readonly<Record<string, unknown>>;
  /** The due date's local date, when the record has one. */
  readonly dueIso: string | undefined;
}

/** Converts a record's fields for one zone (throws as celInput does for an unknown zone or a bad value). */
export function celRecordValues(record: CelRecord, timezone: string, attributeTypes: AttributeTypes): CelRecordValues {
  if (!isValidTimeZone(timezone)) {
    throw new CelEvaluationError(`unknown time zone ${JSON.stringify(timezone)}`, { code: 'invalid_input' });
  }
  const debtor = convertFields(record.debtor, DEBTOR_FIELDS, 'debtor', timezone);
  const consent = record.debtor['consent'];
  debtor['consent'] = convertFields(
    isRecordObject(consent) ? consent : undefined,
    CONSENT_FIELDS,
    'debtor.consent',
    timezone,
  );
  const debt = convertFields(record.debt, DEBT_FIELDS, 'debt', timezone);
  const dueDate = debt['dueDate'];
  const dueIso = dueDate instanceof Date ? localDateIso(dueDate.getTime(), timezone) : undefined;
  return {
    timezone,
    debtor,
    debt,
    attributes: convertFields(record.attributes, attributeTypes, 'attributes', timezone),
    dueIso,
  };
}

/** The evaluation input of converted record values at one instant. */
export function celInputAt(
  values: CelRecordValues,
  nowMs: number,
  engagement?: CelInputOptions['engagement'],
): CelInput {
  if (!Number.isFinite(nowMs)) throw invalid('now', 'an instant in epoch milliseconds', nowMs);
  // A journey asks again at the same instant with the same counts (every wait condition, every
  // expression of a step): the input built then is the same (inputs are never changed), so reuse it.
  const last = lastInputs.get(values);
  if (last !== undefined && last.nowMs === nowMs && sameCounts(last.counts, engagement)) return last.input;
  let debt = values.debt;
  if (values.dueIso !== undefined) {
    // A copy per instant (the values are shared), `daysPastDue` last as it always was.
    const d: Record<string, unknown> = { ...values.debt };
    d['daysPastDue'] = BigInt(daysBetweenLocal(values.dueIso, nowMs, values.timezone));
    debt = d;
  }
  const input: CelInput = {
    debtor: values.debtor,
    debt,
    attributes: values.attributes,
    engagement: engagementCounts(engagement),
    now: new Date(nowMs),
  };
  inputZones.set(input, values.timezone);
  lastInputs.set(values, { nowMs, counts: ENGAGEMENT_EVENTS.map((e) => engagement?.[e]), input });
  return input;
}

/** The last input built from each record's values, with the instant and counts it was built for. */
const lastInputs = new WeakMap<
  CelRecordValues,
  { nowMs: number; counts: (number | bigint | undefined)[]; input: CelInput }
>();

function sameCounts(
  counts: readonly (number | bigint | undefined)[],
  engagement: CelInputOptions['engagement'],
): boolean {
  for (let i = 0; i < ENGAGEMENT_EVENTS.length; i++)
    if (counts[i] !== engagement?.[ENGAGEMENT_EVENTS[i]!]) return false;
  return true;
}

/** The zone each input was built in (localTime reads it): kept beside the input, not in it. */
const inputZones = new WeakMap<CelInput, string>();

/** The zone `input` was built in (celInputAt), or undefined for an input built by hand. */
export function celInputZone(input: CelInput): string | undefined {
  return inputZones.get(input);
}

/** Builds the evaluation input of an enrollment record at one instant, in the debtor's zone. */
export function celInput(record: CelRecord, options: CelInputOptions): CelInput {
  const { nowMs, timezone } = options;
  if (!Number.isFinite(nowMs)) throw invalid('now', 'an instant in epoch milliseconds', nowMs);
  return celInputAt(celRecordValues(record, timezone, options.attributeTypes), nowMs, options.engagement);
}
