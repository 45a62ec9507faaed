/** Diagnostics are data with a location (docs/language.md#reading-errors): every problem at once, never a stack trace. */
export type Severity = 'error' | 'warning';

export interface Diagnostic {
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  endLine?: number;
  endColumn?: number;
  severity: Severity;
  /** Stable SCREAMING_SNAKE code. */
  code: string;
  message: string;
  /** JSON pointer into the document, e.g. /spec/steps/2/timeout. */
  pointer: string;
  /** Friendly path naming steps by id, e.g. steps[watch-email].timeout. */
  path: string;
  /** How to fix it. */
  hint?: string;
}

/** A diagnostic before its line/column are resolved from the pointer (positions are computed lazily). */
export interface PendingDiagnostic {
  file: string;
  severity: Severity;
  code: string;
  message: string;
  /** Path segments into the document. */
  at: (string | number)[];
  /** Point at the key of a map entry rather than its value (unknown keys, duplicate ids). */
  onKey?: boolean;
  /** Character offset inside the scalar value at `at` (CEL and Liquid errors). */
  offsetInValue?: number;
  hint?: string;
}

export function sortDiagnostics(list: Diagnostic[]): Diagnostic[] {
  return list.sort(
    (a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || a.code.localeCompare(b.code),
  );
}
