/**
 * The Settle compiler (pure Node-side): YAML sources → located diagnostics and compiled plans.
 * Entry points: `compileSources` for text already in memory (tests, git revisions) and
 * `compilePaths` for files and directories on disk.
 */
import { compileSources, type CompileResult } from './compile.js';
import { readSources } from './sources.js';

export { compileSources, type CompileOptions, type CompileResult } from './compile.js';
export type { Diagnostic, Severity } from './diagnostic.js';
export { formatDiagnostic, formatDiagnosticsText, summarise, codeFrame } from './diagnostic-format.js';
export { readSources, listSourcePaths, type SourceFile } from './sources.js';
export { canonicalJson } from '../core/canonical-json.js';
export { planHash } from './lower.js';

export function compilePaths(paths: string[]): CompileResult {
  return compileSources(readSources(paths));
}
