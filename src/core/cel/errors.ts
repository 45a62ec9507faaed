/**
 * Errors of CEL at run time. A plan's expressions were checked when it was compiled, so what
 * remains is data: a field the record lacks, a value of the wrong type, a division by zero.
 * The message names the expression and the field so an operator can act on it.
 * Workflow-safe: pure.
 */
import type { CelCheckFailure } from './diagnose.js';

export class CelEvaluationError extends Error {
  override readonly name = 'CelEvaluationError';
  /** Stable reason: a cel-js code (no_such_key, division_by_zero, …), invalid_input or wrong_result_type. */
  readonly code: string;
  /** The expression, when one was being evaluated. */
  readonly source?: string;
  /** 0-based offset in `source` of the failing part, when known. */
  readonly offset?: number;

  constructor(message: string, options: { code: string; source?: string; offset?: number; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = options.code;
    if (options.source !== undefined) this.source = options.source;
    if (options.offset !== undefined) this.offset = options.offset;
  }
}

/** compileCel was given an expression that does not check (plans are checked at compile time). */
export class CelCompileError extends Error {
  override readonly name = 'CelCompileError';
  readonly source: string;
  readonly failure: CelCheckFailure;

  constructor(source: string, failure: CelCheckFailure) {
    super(
      `invalid expression ${JSON.stringify(source)}: ${failure.message}${failure.hint ? ` (${failure.hint})` : ''}`,
    );
    this.source = source;
    this.failure = failure;
  }
}
