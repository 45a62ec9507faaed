/**
 * Loads and compiles projects for the commands: the journeys directory (or --dir) for commands that
 * work on one journey or template, and the project of each file or folder given as an argument.
 */
import { existsSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import {
  compileSources,
  formatDiagnosticsText,
  listSourcePaths,
  readSources,
  type CompileOptions,
  type CompileResult,
  type Diagnostic,
  type SourceFile,
} from '../compiler/index.js';
import { sortDiagnostics } from '../compiler/diagnostic.js';
import { displayPath as shownPath, PROJECT_MARKER, projectRootFor, projectSourcePaths } from '../compiler/sources.js';
import { CliError, EXIT, resolvePath, type Io } from './io.js';

export function loadProject(dirArg: string, io: Io, extraArgs: string[] = []): CompileResult {
  const dir = resolvePath(io, dirArg);
  const extra = extraArgs.map((p) => resolvePath(io, p));
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new CliError(`${dirArg}: no journeys directory here (use --dir to point at one)`, EXIT.usage);
  }
  const inside = (f: string) => !relative(dir, f).startsWith('..');
  return compileSources(readSources([dir, ...extra.filter((f) => !inside(f))], io.cwd), {
    root: shownPath(dir, io.cwd),
  });
}

/** Compiles the project a file or folder belongs to (see projectRootFor), with the file in it. */
export function loadProjectOf(pathArg: string, io: Io): CompileResult {
  const path = resolvePath(io, pathArg);
  if (!existsSync(path)) throw new CliError(`${pathArg}: no such file`, EXIT.usage);
  return compileProject(projectRootFor(path), [path], io);
}

function compileProject(root: string, extra: string[], io: Io, options: CompileOptions = {}): CompileResult {
  const files = [...new Set([...projectSourcePaths(root).files, ...extra])];
  return compileSources(readSources(files, io.cwd), { ...options, root: shownPath(root, io.cwd) });
}

export interface ArgumentsResult {
  /** The files the arguments name (folders expanded), as read. */
  sources: SourceFile[];
  /** The diagnostics of those files, each compiled with the rest of its own project. */
  diagnostics: Diagnostic[];
}

/**
 * Compiles files and folders given on the command line, each against its own project: the
 * nearest folder holding an attributes.yaml (else the argument's folder), and for a folder
 * argument also the projects nested in it. Each project is compiled once, on its own; the
 * diagnostics of the named files are reported together.
 */
export function compileArguments(args: string[], io: Io, options: CompileOptions = {}): ArgumentsResult {
  const byRoot = new Map<string, Set<string>>();
  for (const arg of args) {
    const abs = resolvePath(io, arg);
    const argRoot = projectRootFor(abs);
    for (const file of listSourcePaths([abs])) {
      const own = projectRootFor(file);
      const root = existsSync(join(own, PROJECT_MARKER)) ? own : argRoot;
      byRoot.set(root, (byRoot.get(root) ?? new Set()).add(file));
    }
  }
  const sources: SourceFile[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const [root, targets] of byRoot) {
    const result = compileProject(root, [...targets], io, options);
    const shown = new Set([...targets].map((f) => shownPath(f, io.cwd)));
    sources.push(...result.files.map((f) => f.source).filter((s) => shown.has(s.path)));
    diagnostics.push(...result.diagnostics.filter((d) => shown.has(d.file)));
  }
  return { sources, diagnostics: sortDiagnostics(diagnostics) };
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

/** Journeys to look at: the one named, else every journey of the project. */
export function journeyNames(io: Io, journey: string | undefined, dir: string | undefined): string[] {
  if (journey !== undefined) return [journey];
  return [...loadProject(dir ?? 'journeys', io).project.journeys.keys()].sort();
}
