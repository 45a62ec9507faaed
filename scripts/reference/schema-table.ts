/** Turns a JSON Schema (the TypeBox definitions of src/dsl, serialised) into Markdown field tables. */
import { DATE_PATTERN } from '../../src/dsl/common.js';
import { LOCALE_PATTERN } from '../../src/dsl/template.js';

export interface JsonSchema {
  type?: string;
  const?: unknown;
  enum?: unknown[];
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minLength?: number;
  minItems?: number;
  maxItems?: number;
  description?: string;
  default?: unknown;
  examples?: unknown[];
  errorCode?: string;
  properties?: Record<string, JsonSchema>;
  patternProperties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  discriminator?: { propertyName: string };
}

export interface Row {
  path: string;
  type: string;
  required: boolean;
  default?: unknown;
  description: string;
}

/** Plain JSON of a TypeBox schema (drops its symbols). */
export function json(schema: unknown): JsonSchema {
  return JSON.parse(JSON.stringify(schema)) as JsonSchema;
}

/** CEL fields, by their last path segment, with the type their expression must have. */
const CEL_FIELDS: Readonly<Record<string, string>> = {
  when: 'CEL expression → bool',
  until: 'CEL expression → timestamp',
};

const STRING_KINDS: Readonly<Record<string, string>> = {
  INVALID_DURATION: '[duration](#durations)',
  INVALID_TIME: 'local time HH:MM',
  INVALID_DATE: 'date YYYY-MM-DD',
  INVALID_NAME: 'name (kebab-case)',
  INVALID_STEP_ID: 'step id',
  INVALID_LOCALE: 'locale',
  INVALID_WEBHOOK_URL: 'URL or env:NAME',
  INVALID_COUNTRY: 'country code (2 letters)',
};

const code = (v: unknown) => `\`${typeof v === 'string' ? v : JSON.stringify(v)}\``;

function range(s: JsonSchema): string {
  const lo = s.minimum ?? s.exclusiveMinimum;
  const loSign = s.exclusiveMinimum !== undefined ? '>' : '≥';
  if (lo !== undefined && s.maximum !== undefined) {
    return s.exclusiveMinimum !== undefined ? ` > ${lo}, ≤ ${s.maximum}` : ` ${lo}–${s.maximum}`;
  }
  if (lo !== undefined) return ` ${loSign} ${lo}`;
  if (s.maximum !== undefined) return ` ≤ ${s.maximum}`;
  return '';
}

function keyName(pattern: string, path: string): string {
  if (pattern === LOCALE_PATTERN) return '<locale>';
  if (path === 'on' || path.endsWith('.on')) return '<event>';
  if (path.endsWith('smsOptOutKeyword')) return '<locale>';
  if (path === 'spec') return '<name>';
  return '<key>';
}

export function typeOf(s: JsonSchema, path = ''): string {
  const last = path.split('.').pop() ?? '';
  if (CEL_FIELDS[last] && s.type === 'string') return CEL_FIELDS[last];
  if (s.const !== undefined) return code(s.const);
  if (s.enum) return `one of ${s.enum.map(code).join(', ')}`;
  if (s.anyOf) return s.anyOf.map((x) => typeOf(x, path)).join(' or ');
  if (s.oneOf) return 'one of the variants below';
  switch (s.type) {
    case 'string': {
      const kind = s.errorCode !== undefined ? STRING_KINDS[s.errorCode] : undefined;
      if (kind !== undefined) return kind;
      if (s.pattern === DATE_PATTERN) return 'date YYYY-MM-DD';
      if (s.format) return `string (${s.format})`;
      if (s.pattern) return `string matching \`${s.pattern}\``;
      return 'string';
    }
    case 'integer':
      return `integer${range(s)}`;
    case 'number':
      return `number${range(s)}`;
    case 'boolean':
      return 'boolean';
    case 'null':
      return '`null`';
    case 'array': {
      const n =
        s.minItems !== undefined && s.maxItems === s.minItems
          ? ` (${s.minItems})`
          : s.minItems !== undefined && s.minItems > 1
            ? ` (at least ${s.minItems})`
            : '';
      return `list${n} of ${s.items ? typeOf(s.items, `${path}[]`) : 'values'}`;
    }
    case 'object': {
      if (s.properties) return 'map (fields below)';
      if (s.patternProperties) {
        const [pattern, value] = Object.entries(s.patternProperties)[0]!;
        return `map of ${keyName(pattern, path)} → ${typeOf(value, `${path}.${keyName(pattern, path)}`)}`;
      }
      return 'map';
    }
    default:
      return s.type ?? 'value';
  }
}

/** One row per field, depth first, for a schema's properties (objects and maps of objects recurse). */
export function rows(s: JsonSchema, prefix: string, out: Row[] = []): Row[] {
  for (const [name, child] of Object.entries(s.properties ?? {})) {
    const path = prefix ? `${prefix}.${name}` : name;
    out.push({
      path,
      type: typeOf(child, path),
      required: s.required?.includes(name) ?? false,
      ...(child.default !== undefined && { default: child.default }),
      description: child.description ?? '',
    });
    descend(child, path, out);
  }
  return out;
}

function descend(child: JsonSchema, path: string, out: Row[]): void {
  if (child.oneOf) return; // variants are documented one by one
  if (child.properties) rows(child, path, out);
  if (child.patternProperties) {
    const [pattern, value] = Object.entries(child.patternProperties)[0]!;
    const key = `${path}.${keyName(pattern, path)}`;
    if (value.properties) rows(value, key, out);
  }
  if (child.items?.properties) rows(child.items, `${path}[]`, out);
  // A union of one shape and a list of it (sendWindow) documents the shape once.
  const alts = child.anyOf ?? [];
  const single = alts.find((a) => a.properties);
  for (const alt of alts) {
    if (alt.properties) rows(alt, path, out);
    if (alt.items?.properties && !single) rows(alt.items, `${path}[]`, out);
  }
}

/** A table cell: pipes escaped (also inside code spans, as GFM wants), no line breaks. */
export const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
/** Prose in a table cell: angle brackets would read as HTML tags. */
const prose = (text: string) => cell(text.replace(/</g, '&lt;').replace(/>/g, '&gt;'));

/** A Markdown table of rows, without repeating a row already listed (unions list shared shapes once). */
export function table(list: Row[], skip: (path: string) => boolean = () => false): string {
  const seen = new Set<string>();
  const lines = ['| field | type | required | default | description |', '| --- | --- | --- | --- | --- |'];
  for (const r of list) {
    if (seen.has(r.path) || skip(r.path)) continue;
    seen.add(r.path);
    const dflt = r.default === undefined ? '' : code(r.default);
    lines.push(
      `| \`${cell(r.path)}\` | ${prose(r.type)} | ${r.required ? 'yes' : ''} | ${cell(dflt)} | ${prose(r.description)} |`,
    );
  }
  return lines.join('\n');
}
