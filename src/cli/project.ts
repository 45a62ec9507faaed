/** Loads and compiles the journeys directory for commands that work on one journey or template. */
import { existsSync, statSync } from 'node:fs';
import { relative, sep } from 'node:path';
import { compileSources, formatDiagnosticsText, readSources, type CompileResult } from '../compiler/index.js';
import { CliError, EXIT, resolvePath, type Io } from './io.js';

export function loadProject(dirArg: string, io: Io, extraArgs: string[] = []): CompileResult {
  const dir = resolvePath(io, dirArg);
  const extra = extraArgs.map((p) => resolvePath(io, p));
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new CliError(`${dirArg}: no journeys directory here (use --dir to point at one)`, EXIT.usage);
  }
  const inside = (f: string) => !relative(dir, f).startsWith('..');
  return compileSources(readSources([dir, ...extra.filter((f) => !inside(f))], io.cwd));
}

/** Prints the errors that concern `files` and fails, so a command never works on a broken plan. */
export function failOnErrors(result: CompileResult, files: Set<string>, io: Io, what: string): void {
  const relevant = result.diagnostics.filter((d) => d.severity === 'error' && files.has(d.file));
  if (relevant.length === 0) return;
  const text = new Map(result.files.map((f) => [f.source.path, f.source.text]));
  io.err(formatDiagnosticsText(relevant, files.size, { color: io.color, sources: text }));
  throw new CliError(`${what} does not compile: fix the errors above`, EXIT.invalid);
}

export function displayPath(p: string, io: Io): string {
  return relative(io.cwd, resolvePath(io, p)).split(sep).join('/');
}
