/** Turns pending diagnostics (document paths) into located ones, parsing positions only for files that need them. */
import type { Diagnostic, PendingDiagnostic } from './diagnostic.js';
import { Locator } from './locate.js';
import { friendlyPath, toPointer } from './paths.js';
import type { SourceFile } from './sources.js';

export interface ParsedFile {
  source: SourceFile;
  /** The parsed document, absent when the YAML did not parse. */
  value?: unknown;
}

export function resolveDiagnostics(pending: PendingDiagnostic[], files: ParsedFile[]): Diagnostic[] {
  const byPath = new Map(files.map((f) => [f.source.path, f]));
  const locators = new Map<string, Locator>();
  return pending.map((p) => {
    const file = byPath.get(p.file);
    let locator = locators.get(p.file);
    if (!locator && file) {
      locator = new Locator(file.source.text);
      locators.set(p.file, locator);
    }
    const span = locator?.locate(p.at, p.onKey ?? false, p.offsetInValue) ?? {
      line: 1,
      column: 1,
      endLine: 1,
      endColumn: 1,
    };
    return {
      file: p.file,
      line: span.line,
      column: span.column,
      endLine: span.endLine,
      endColumn: span.endColumn,
      severity: p.severity,
      code: p.code,
      message: p.message,
      pointer: toPointer(p.at),
      path: friendlyPath(file?.value, p.at),
      ...(p.hint !== undefined && { hint: p.hint }),
    };
  });
}
