/**
 * Mutations of YAML sources for the compiler fuzz test: line edits, re-indentation, random
 * scalars and characters, truncation, edits inside CEL and Liquid strings, renamed ids. Every
 * mutation is plain data (so fast-check can shrink and print it) and applies to any text.
 */
import fc from 'fast-check';
import type { Source } from '../corpus/corpus.js';

/** Characters that mean something to YAML, CEL or Liquid, and a few that mean nothing anywhere. */
const SPECIAL = [
  ':',
  ' ',
  '  ',
  '\t',
  '\n',
  '\r\n',
  '-',
  '- ',
  '[',
  ']',
  '{',
  '}',
  '#',
  '&',
  '*',
  '!',
  '|',
  '>',
  "'",
  '"',
  '%',
  '@',
  '`',
  ',',
  '?',
  '\\',
  '.',
  '0',
  'a',
  'Z',
  '---',
  '...',
  'é',
  '\u{1F600}',
  '\uFEFF',
  '\u0000',
  '\u2028',
];
export const specialString = fc
  .array(fc.constantFrom(...SPECIAL), { minLength: 1, maxLength: 6 })
  .map((a) => a.join(''));

/** Values that are valid somewhere in the format, or invalid in interesting ways. */
export const scalar = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.integer({ min: -1000, max: 100000 }).map(String),
  fc.double({ noNaN: false }).map(String),
  specialString,
  fc.constantFrom(
    'null',
    '~',
    '',
    '[]',
    '{}',
    'true',
    'false',
    '"x"',
    "'y'",
    '- a',
    'a: b',
    '*ref',
    '&a x',
    '!!int 3',
    '!!binary x',
    '0d',
    '3 days',
    '1m',
    '9999999999w',
    '25:00',
    '24:00',
    '2026-02-30',
    '-1',
    '1e999',
    '.nan',
    '.inf',
    '"\\u0000"',
    '|',
    '>',
    '[a, b',
    '{a: 1',
    'send',
    'waitFor',
    'exit',
    'email',
    'sms',
    'fax',
    'en',
    'EN',
    'fr-BE',
    'Europe/Paris',
    'Mars/Olympus',
    'env:X',
    'https://x.test',
    'settle/v1',
    'Journey',
    'Template',
    'Policy',
    'Segment',
    'Attributes',
    'clicked',
    'paid',
    'timeout',
    'reminders',
    'eu-default',
    'standard',
    'first-email',
    'hand-over',
  ),
);

/**
 * Hostile pieces (test/security/validate.test.ts has each on its own): nesting past the limit, a
 * self-referencing anchor, an alias bomb of 10^5 values, escaped and raw control characters, a
 * terminal escape sequence, a key over the length limit.
 */
export const hostile = fc.constantFrom(
  `[${'['.repeat(70)}${']'.repeat(70)}]`,
  '&a [*a]',
  `{a: &a [x,x,x,x,x,x,x,x,x,x], b: &b [${Array(10).fill('*a').join(',')}], c: &c [${Array(10).fill('*b').join(',')}], d: &d [${Array(10).fill('*c').join(',')}], e: [${Array(10).fill('*d').join(',')}]}`,
  '"\\e[31m"',
  '"\\x01"',
  '"\\0"',
  '\u001b]0;x\u0007',
  '\u0085',
  '\u007f',
  `"${'k'.repeat(300)}": 1`,
);

/** Pieces of CEL and Liquid, so that mutated expressions reach the parsers' deeper paths. */
const EXPRESSION_PIECES = [
  '&&',
  '||',
  '!',
  '.',
  '(',
  ')',
  '"',
  "'",
  'debt',
  'debtor',
  'attributes',
  'engagement',
  'now',
  '.amountDue',
  '.foo',
  '.daysPastDue',
  'attributes.nope',
  'engagement.clicked',
  '1',
  '1.0',
  '-',
  '>',
  '==',
  '+',
  ' ',
  "duration('3d')",
  "duration('72h')",
  'timestamp("x")',
  'size(',
  '[',
  ']',
  '?',
  ':',
  'in',
  '{{',
  '}}',
  '{%',
  '%}',
  '|',
  'money',
  'date:',
  'default:',
  'if',
  'endif',
  'for x in y',
  'endfor',
  'raw',
  '-%}',
  '{{-',
  '\n',
  '\\',
  'links.pay',
  'links.optOut',
  'STOP',
];
export const expressionPiece = fc
  .array(fc.constantFrom(...EXPRESSION_PIECES), { minLength: 1, maxLength: 4 })
  .map((a) => a.join(''));

export type Mutation =
  | { kind: 'deleteLine' | 'duplicateLine' | 'truncate'; a: number }
  | { kind: 'swapLines' | 'deleteRange'; a: number; b: number }
  | { kind: 'indent'; a: number; delta: number }
  | { kind: 'replaceScalar' | 'insert' | 'renameId' | 'renameAll'; a: number; s: string }
  | { kind: 'expression'; a: number; b: number; s: string; cut: number }
  | { kind: 'replaceFile'; s: string };

export const index = fc.nat({ max: 100_000 });
export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constantFrom('deleteLine' as const, 'duplicateLine' as const, 'truncate' as const), a: index }),
  fc.record({ kind: fc.constantFrom('swapLines' as const, 'deleteRange' as const), a: index, b: index }),
  fc.record({ kind: fc.constant('indent' as const), a: index, delta: fc.integer({ min: -4, max: 4 }) }),
  fc.record({ kind: fc.constant('replaceScalar' as const), a: index, s: fc.oneof(scalar, hostile) }),
  fc.record({ kind: fc.constant('insert' as const), a: index, s: fc.oneof(specialString, scalar, hostile) }),
  fc.record({
    kind: fc.constantFrom('renameId' as const, 'renameAll' as const),
    a: index,
    s: fc.oneof(scalar, fc.constantFrom('first-email', 'give-up', 'x', 'UPPER', '')),
  }),
  fc.record({
    kind: fc.constant('expression' as const),
    a: index,
    b: index,
    s: expressionPiece,
    cut: fc.nat({ max: 3 }),
  }),
  fc.record({ kind: fc.constant('replaceFile' as const), s: fc.oneof(fc.string({ maxLength: 40 }), specialString) }),
);

const KEY_VALUE = /^(\s*(?:- )?[^\s:#][^:#]*:\s+)(\S.*)$/;
const EXPRESSION_LINE = /(when:|until:|text:|subject:|html:|\{\{|\{%)/;
const ID =
  /\b(?:id|name|next|default|template|policy|journey|onFailure|onBlocked|after|timeout|clicked|opened|replied):\s*([a-z][a-z0-9-]*)/g;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Applies one mutation; indices wrap around, so every generated mutation applies to any text. */
export function mutate(text: string, m: Mutation): string {
  const lines = text.split('\n');
  const n = lines.length;
  const at = (i: number) => i % n;
  switch (m.kind) {
    case 'deleteLine':
      lines.splice(at(m.a), 1);
      return lines.join('\n');
    case 'duplicateLine':
      lines.splice(at(m.a), 0, lines[at(m.a)]!);
      return lines.join('\n');
    case 'truncate':
      return text.slice(0, m.a % (text.length + 1));
    case 'swapLines': {
      const [i, j] = [at(m.a), at(m.b)];
      [lines[i], lines[j]] = [lines[j]!, lines[i]!];
      return lines.join('\n');
    }
    case 'deleteRange': {
      const i = m.a % (text.length + 1);
      return text.slice(0, i) + text.slice(Math.min(text.length, i + (m.b % 40)));
    }
    case 'indent': {
      const i = at(m.a);
      const line = lines[i]!;
      lines[i] =
        m.delta === 0
          ? `\t${line}`
          : m.delta > 0
            ? ' '.repeat(m.delta) + line
            : line.replace(new RegExp(`^ {0,${-m.delta}}`), '');
      return lines.join('\n');
    }
    case 'replaceScalar': {
      const candidates = lines.map((l, i) => (KEY_VALUE.test(l) ? i : -1)).filter((i) => i >= 0);
      if (candidates.length === 0) return text;
      const i = candidates[m.a % candidates.length]!;
      lines[i] = lines[i]!.replace(KEY_VALUE, (_all, key: string) => key + m.s);
      return lines.join('\n');
    }
    case 'insert': {
      const i = m.a % (text.length + 1);
      return text.slice(0, i) + m.s + text.slice(i);
    }
    case 'expression': {
      const candidates = lines.map((l, i) => (EXPRESSION_LINE.test(l) ? i : -1)).filter((i) => i >= 0);
      if (candidates.length === 0) return text;
      const i = candidates[m.a % candidates.length]!;
      const line = lines[i]!;
      const p = m.b % (line.length + 1);
      lines[i] = line.slice(0, p) + m.s + line.slice(Math.min(line.length, p + m.cut));
      return lines.join('\n');
    }
    case 'renameId':
    case 'renameAll': {
      const ids = [...new Set([...text.matchAll(ID)].map((x) => x[1]!))];
      if (ids.length === 0) return text;
      const id = ids[m.a % ids.length]!;
      const re = new RegExp(`(?<![\\w-])${escapeRegExp(id)}(?![\\w-])`, m.kind === 'renameAll' ? 'g' : '');
      return text.replace(re, () => m.s);
    }
    case 'replaceFile':
      return m.s;
  }
}

const fileMutations = fc.record({
  file: index,
  mutations: fc.array(mutation, { minLength: 1, maxLength: 4 }),
});
export const projectMutations = fc.array(fileMutations, { minLength: 1, maxLength: 3 });

export function applyAll(project: Source[], edits: { file: number; mutations: Mutation[] }[]): Source[] {
  const out = project.map((s) => ({ ...s }));
  for (const e of edits) {
    const target = out[e.file % out.length]!;
    for (const m of e.mutations) target.text = mutate(target.text, m);
  }
  return out;
}
