/**
 * Running checked expressions inside the workflow: compile once per plan expression, then
 * evaluate against a CelInput as often as needed. Results are checked against what the step
 * needs (a bool for `when`, a timestamp for `until`) so a surprise never routes a debt
 * silently. Workflow-safe: pure, and deterministic as long as the input is.
 */
import { EvaluationError, type ParseResult } from '@marcbachmann/cel-js';
import { selectionPath } from './ast.js';
import { analyseCel } from './check.js';
import { CelCompileError, CelEvaluationError } from './errors.js';
import { celInputZone, type CelInput } from './input.js';
import { withCelZone } from './time.js';
import type { AttributeTypes } from './schema.js';

/** A parsed, type-checked expression (an opaque handle: evaluate it with evaluateCel). */
export interface CompiledCel {
  readonly source: string;
  /** Result type as authors spell it (bool, timestamp, int, …). */
  readonly type: string;
  readonly attributesUsed: readonly string[];
}

const programs = new WeakMap<CompiledCel, ParseResult>();

/** Parses and checks once; throws CelCompileError when the expression does not check. */
export function compileCel(source: string, attributes: AttributeTypes): CompiledCel {
  const { check, program } = analyseCel(source, attributes);
  if (!check.ok || !program) {
    throw new CelCompileError(source, check.ok ? { ok: false, kind: 'type', message: 'no program' } : check);
  }
  const compiled: CompiledCel = Object.freeze({ source, type: check.type, attributesUsed: check.attributesUsed });
  programs.set(compiled, program);
  return compiled;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value instanceof Date) return `the timestamp ${value.toISOString()}`;
  if (typeof value === 'bigint') return `the int ${value}`;
  if (typeof value === 'number') return `the double ${value}`;
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  if (typeof value === 'boolean') return `${value}`;
  return `a value of type ${typeof value === 'object' ? (value.constructor?.name ?? 'object') : typeof value}`;
}

function fromLibrary(err: unknown, source: string): CelEvaluationError {
  if (!(err instanceof EvaluationError)) {
    const message = err instanceof Error ? err.message : String(err);
    return new CelEvaluationError(`${message} (in ${JSON.stringify(source)})`, {
      code: 'evaluation_error',
      source,
      cause: err,
    });
  }
  const offset = err.range?.start;
  const path = err.node ? selectionPath(err.node) : undefined;
  let reason: string;
  switch (err.code) {
    case 'no_such_key':
      reason = path
        ? `${path} is not set in this enrollment record (test it first with has(${path}))`
        : `a field is not set: ${err.summary}`;
      break;
    case 'division_by_zero':
    case 'modulo_by_zero':
      reason = 'division by zero';
      break;
    default:
      reason = err.summary.charAt(0).toLowerCase() + err.summary.slice(1);
  }
  return new CelEvaluationError(`${reason} (in ${JSON.stringify(source)})`, {
    code: err.code,
    source,
    offset,
    cause: err,
  });
}

/** Evaluates a compiled expression; the value as cel-js gives it (bigint, number, Date, …). */
export function evaluateCel(compiled: CompiledCel, input: CelInput): unknown {
  const program = programs.get(compiled);
  if (!program) throw new TypeError('evaluateCel needs a handle returned by compileCel');
  try {
    return withCelZone(celInputZone(input), () => program(input));
  } catch (err) {
    throw fromLibrary(err, compiled.source);
  }
}

function wrongResult(compiled: CompiledCel, expected: string, value: unknown): CelEvaluationError {
  return new CelEvaluationError(
    `expected ${expected} but the expression gave ${describeValue(value)} (in ${JSON.stringify(compiled.source)})`,
    { code: 'wrong_result_type', source: compiled.source },
  );
}

/** Evaluates a condition (`when`, segment rule): throws CelEvaluationError unless it gives a bool. */
export function evaluateBool(compiled: CompiledCel, input: CelInput): boolean {
  const value = evaluateCel(compiled, input);
  if (typeof value !== 'boolean') throw wrongResult(compiled, 'true or false', value);
  return value;
}

/** Evaluates an instant (`until`) as epoch ms: throws CelEvaluationError unless it gives a timestamp. */
export function evaluateTimestamp(compiled: CompiledCel, input: CelInput): number {
  const value = evaluateCel(compiled, input);
  const ms = value instanceof Date ? value.getTime() : NaN;
  if (!Number.isFinite(ms)) throw wrongResult(compiled, 'a timestamp', value);
  return ms;
}
