/**
 * ajv errors as diagnostics (phase 1, after structural.ts validated a document): each error gets a
 * stable code, a plain message naming the field, and a fix; the noise of union branches that did
 * not apply is pruned first.
 */
import type { ErrorObject } from 'ajv/dist/2020.js';
import type { PendingDiagnostic } from './diagnostic.js';
import { closestName, didYouMean } from '../core/suggest.js';

function pointerSegments(pointer: string): (string | number)[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^(0|[1-9][0-9]*)$/.test(s) ? Number(s) : s));
}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

/**
 * anyOf (e.g. a send window that is a map or a list of maps) reports the errors of every branch.
 * Keep only those of the branch whose type matches the value; if none does, keep one type error.
 */
export function pruneUnionErrors(errors: ErrorObject[]): ErrorObject[] {
  const unions = errors.filter((e) => e.keyword === 'anyOf');
  let out = errors;
  for (const u of unions) {
    const prefix = `${u.schemaPath}/`;
    const inside = out.filter((e) => e.schemaPath.startsWith(prefix));
    const branches = new Map<string, ErrorObject[]>();
    for (const e of inside) {
      const idx = e.schemaPath.slice(prefix.length).split('/')[0]!;
      branches.set(idx, [...(branches.get(idx) ?? []), e]);
    }
    const matching = [...branches.values()].filter(
      (list) => !list.some((e) => e.keyword === 'type' && e.instancePath === u.instancePath),
    );
    const keep = new Set<ErrorObject>(matching.length === 1 ? matching[0] : [u]);
    out = out.filter((e) => (e !== u && !inside.includes(e)) || keep.has(e));
  }
  return out;
}

function schemaAnnotations(e: ErrorObject): { errorCode?: string; errorHint?: string } {
  const s = (e.parentSchema ?? {}) as { errorCode?: string; errorHint?: string };
  return s;
}

export function toDiagnostic(file: string, doc: unknown, e: ErrorObject): PendingDiagnostic | undefined {
  const at = pointerSegments(e.instancePath);
  const base = { file, severity: 'error' as const, at };
  const field = fieldName(at);
  const ann = schemaAnnotations(e);
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return {
        ...base,
        onKey: true, // at the key of the map that lacks the field (`spec:`), not at its first entry
        code: 'MISSING_FIELD',
        message: `missing required field \`${String(p.missingProperty)}\``,
        hint: `add \`${String(p.missingProperty)}:\` here`,
      };
    case 'additionalProperties': {
      const extra = String(p.additionalProperty);
      if (ann.errorCode && (e.parentSchema as { patternProperties?: object } | undefined)?.patternProperties) {
        // A map whose keys follow a pattern (locales, attribute names): the key itself is invalid.
        return {
          ...base,
          at: [...at, extra],
          onKey: true,
          code: ann.errorCode,
          message: `\`${extra}\` is not a valid key of ${field}`,
          ...(ann.errorHint !== undefined && { hint: ann.errorHint }),
        };
      }
      const known = Object.keys(((e.parentSchema ?? {}) as { properties?: object }).properties ?? {});
      return {
        ...base,
        at: [...at, extra],
        onKey: true,
        code: 'UNKNOWN_FIELD',
        message: `unknown field \`${printable(extra)}\``,
        hint: didYouMean(extra, known, known.length ? `allowed fields here: ${known.join(', ')}` : undefined),
      };
    }
    case 'discriminator': {
      const tag = String(p.tag);
      const value = (p.tagValue as unknown) ?? undefined;
      const options = (
        (e.parentSchema as { oneOf?: { properties?: Record<string, { const?: string }> }[] }).oneOf ?? []
      )
        .map((s) => s.properties?.[tag]?.const)
        .filter((c): c is string => typeof c === 'string');
      if (value === undefined) {
        return {
          ...base,
          code: 'MISSING_FIELD',
          message: `missing required field \`${tag}\``,
          hint: `add \`${tag}:\` one of ${options.join(', ')}`,
        };
      }
      const code = tag === 'type' ? 'UNKNOWN_STEP_TYPE' : tag === 'channel' ? 'UNKNOWN_CHANNEL' : 'INVALID_VALUE';
      return {
        ...base,
        at: [...at, tag],
        code,
        message: `unknown ${tag} \`${String(value)}\``,
        hint: didYouMean(String(value), options, `${tag} is one of ${options.join(', ')}`),
      };
    }
    case 'type':
      return {
        ...base,
        code: 'WRONG_TYPE',
        message: `${field} must be ${article(String(p.type))}, not ${article(jsonType(e.data))}`,
        hint: ann.errorHint ?? typeHint(String(p.type)),
      };
    case 'enum': {
      const allowed = (p.allowedValues as unknown[]).map(String);
      const value = String(e.data);
      return {
        ...base,
        code: ann.errorCode ?? 'INVALID_VALUE',
        message: `${field} cannot be \`${value}\``,
        hint: closestName(value, allowed)
          ? `did you mean \`${closestName(value, allowed)}\`?`
          : `allowed: ${allowed.join(', ')}`,
      };
    }
    case 'const':
      return {
        ...base,
        code: 'INVALID_VALUE',
        message: `${field} must be \`${String(p.allowedValue)}\``,
        hint: `write \`${String(p.allowedValue)}\``,
      };
    case 'pattern':
    case 'format': {
      if (ann.errorCode) {
        return {
          ...base,
          code: ann.errorCode,
          message: `${field} has an invalid value \`${String(e.data)}\``,
          ...(ann.errorHint !== undefined && { hint: ann.errorHint }),
        };
      }
      return {
        ...base,
        code: 'INVALID_FORMAT',
        message: `${field} has an invalid value \`${String(e.data)}\``,
        hint: e.keyword === 'format' ? `write a valid ${String(p.format)}` : `match the pattern ${String(p.pattern)}`,
      };
    }
    case 'propertyNames':
      return undefined; // reported by the inner error on the key itself
    case 'minItems':
      return {
        ...base,
        code: 'TOO_FEW_ITEMS',
        message: `${field} needs at least ${String(p.limit)} item(s)`,
        hint: `add items to ${field}`,
      };
    case 'minProperties':
      return {
        ...base,
        code: 'TOO_FEW_ITEMS',
        message: `${field} needs at least ${String(p.limit)} entr(ies)`,
        hint: `add entries to ${field}`,
      };
    case 'uniqueItems':
      return {
        ...base,
        code: 'DUPLICATE_ITEM',
        message: `${field} lists the same value twice`,
        hint: 'remove the repeated value',
      };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return {
        ...base,
        code: 'OUT_OF_RANGE',
        message: `${field} ${e.message ?? 'is out of range'}`,
        hint: `use a value ${String(p.comparison)} ${String(p.limit)}`,
      };
    case 'minLength':
      return { ...base, code: 'EMPTY_VALUE', message: `${field} must not be empty`, hint: 'write a value' };
    case 'anyOf':
    case 'oneOf':
      return {
        ...base,
        code: ann.errorCode ?? 'WRONG_TYPE',
        message: `${field} does not have an allowed shape`,
        hint: ann.errorHint ?? 'see the schema for the forms this field accepts',
      };
    default:
      return { ...base, code: 'INVALID_VALUE', message: `${field} ${e.message ?? 'is invalid'}` };
  }
}

/** Control and line-separator characters spelled out, so that an invisible one shows in a message. */
function printable(s: string): string {
  return s.replace(
    /[\u0000-\u001f\u007f\u2028\u2029\ufeff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** `timeout`, or `days[4]` for an item of a list (an index alone says little). */
function fieldName(at: (string | number)[]): string {
  const last = at[at.length - 1];
  if (last === undefined) return 'the document';
  const parent = at[at.length - 2];
  return typeof last === 'number' && parent !== undefined ? `\`${String(parent)}[${last}]\`` : `\`${String(last)}\``;
}

function article(t: string): string {
  const names: Record<string, string> = {
    integer: 'an integer',
    number: 'a number',
    string: 'a string',
    object: 'a map',
    array: 'a list',
    boolean: 'true or false',
    null: 'empty',
  };
  return names[t] ?? t;
}

function typeHint(t: string): string {
  switch (t) {
    case 'array':
      return 'write a list, e.g. [a, b] or one `- item` per line';
    case 'object':
      return 'write a map of `key: value` entries';
    case 'string':
      return 'quote the value to make it a string';
    case 'integer':
      return 'write a whole number without quotes';
    default:
      return `write ${article(t)}`;
  }
}
