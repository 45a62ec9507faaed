/**
 * Compile-time check of one Liquid source against what a send step gives it: syntax, unknown
 * variables (with "did you mean" hints), `links.pay` without a payment link, unknown filters.
 * It reports every problem as data with a character offset (the compiler maps offsets to YAML
 * lines) and never throws: authors' typos must become diagnostics, not crashes.
 */
import { LiquidError, analyzeSync, type Template, type Variable } from 'liquidjs';
import { createCheckingLiquid } from './engine.js';
import { expressionFacts } from './expressions.js';
import { closestPath } from './closest-path.js';
import { VariableJudge, type TemplateScope } from './variables.js';

export type { TemplateScope } from './variables.js';

export interface TemplateIssue {
  kind: 'syntax' | 'unknown-variable' | 'unknown-filter';
  message: string;
  /** 0-based character offset in the source. */
  offset: number;
  hint?: string;
}

export interface CheckResult {
  issues: TemplateIssue[];
  /** Every distinct variable path the template reads from its data, sorted (`debt.amountDue`). */
  variables: string[];
}

const engine = createCheckingLiquid();

/** 1-based row/column (liquidjs positions) → 0-based offset into `source`. */
function offsetOf(source: string, row: number, col: number): number {
  let offset = 0;
  for (let line = 1; line < row; line++) {
    const newline = source.indexOf('\n', offset);
    if (newline < 0) return source.length;
    offset = newline + 1;
  }
  return Math.min(source.length, offset + Math.max(0, col - 1));
}

/** liquidjs parses recursively: absurd nesting overflows the stack, which is worth a plain word. */
function plain(message: string): string {
  return /maximum call stack/i.test(message) ? 'the template nests too deeply' : message;
}

function syntaxIssue(source: string, error: unknown): TemplateIssue {
  if (LiquidError.is(error)) {
    const begin = (error.token as { begin?: unknown } | undefined)?.begin;
    const offset = typeof begin === 'number' ? Math.max(0, Math.min(source.length, begin)) : 0;
    const message = plain((error.originalError?.message ?? error.message).replace(/, line:\d+, col:\d+$/, ''));
    const tag = /^tag "(.+)" not found$/.exec(message)?.[1];
    const suggestion = tag === undefined ? undefined : closestPath(tag, Object.keys(engine.tags));
    return { kind: 'syntax', message, offset, ...(suggestion ? { hint: `did you mean {% ${suggestion} %}?` } : {}) };
  }
  return { kind: 'syntax', message: plain(error instanceof Error ? error.message : String(error)), offset: 0 };
}

/** Property names up to the first computed segment, and whether one follows. */
function staticSegments(variable: Variable): { segments: string[]; dynamic: boolean } {
  const segments: string[] = [];
  for (const s of variable.segments) {
    if (typeof s !== 'string') return { segments, dynamic: true };
    segments.push(s);
  }
  return { segments, dynamic: false };
}

function checkParsed(source: string, templates: Template[], scope: TemplateScope): CheckResult {
  const issues: TemplateIssue[] = [];
  const variables = new Set<string>();
  const judge = new VariableJudge(scope);
  const { globals } = analyzeSync(templates, { partials: false });
  for (const uses of Object.values(globals)) {
    for (const use of uses) {
      const { segments, dynamic } = staticSegments(use);
      if (segments.length === 0) continue;
      const verdict = judge.judge(segments, dynamic);
      variables.add(verdict.path);
      if (verdict.problem) {
        const offset = offsetOf(source, use.location.row, use.location.col);
        issues.push({ kind: 'unknown-variable', offset, ...verdict.problem });
      }
    }
  }
  const facts = expressionFacts(templates);
  for (const operand of facts.dangling) {
    issues.push({
      kind: 'syntax',
      message: `unexpected ${JSON.stringify(operand.text)}: expected an operator, a filter (|) or the end of the expression`,
      offset: Math.max(0, Math.min(source.length, operand.offset)),
      hint: 'write each value in its own {{ }}, e.g. {{ debtor.firstName }} {{ debtor.lastName }}',
    });
  }
  for (const use of facts.filters) {
    if (Object.hasOwn(engine.filters, use.name)) continue;
    const suggestion = closestPath(use.name, Object.keys(engine.filters));
    const offset = Math.max(0, Math.min(source.length, use.offset));
    issues.push({
      kind: 'unknown-filter',
      message: `unknown filter "${use.name}"`,
      offset,
      ...(suggestion ? { hint: `did you mean ${suggestion}?` } : {}),
    });
  }
  issues.sort((a, b) => a.offset - b.offset);
  return { issues, variables: [...variables].sort() };
}

/** Checks `source` for use with `scope`; see TemplateIssue for what is reported. */
export function checkLiquid(source: string, scope: TemplateScope): CheckResult {
  const text = typeof source === 'string' ? source : String(source);
  let templates: Template[];
  try {
    templates = engine.parse(text);
  } catch (error) {
    return { issues: [syntaxIssue(text, error)], variables: [] };
  }
  try {
    return checkParsed(text, templates, scope);
  } catch (error) {
    // Analysis of a template liquidjs accepted should not fail; if it does, say so as data.
    const reason = plain(error instanceof Error ? error.message : String(error));
    return {
      issues: [{ kind: 'syntax', message: `template could not be analysed: ${reason}`, offset: 0 }],
      variables: [],
    };
  }
}
