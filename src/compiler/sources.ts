/** Finds and reads the YAML sources of a project: files as given, directories recursively. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

export interface SourceFile {
  /** Path as shown in diagnostics (relative to the working directory, forward slashes). */
  path: string;
  text: string;
}

const YAML_FILE = /\.ya?ml$/i;

function display(p: string, cwd: string): string {
  const rel = relative(cwd, p);
  return (rel.startsWith('..') ? p : rel).split(sep).join('/');
}

function walk(dir: string, out: string[]): void {
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
  for (const e of entries) {
    if (e.name.startsWith('.') || e.name === 'node_modules') continue;
    const full = join(dir, e.name);
    if (e.isDirectory()) walk(full, out);
    else if (YAML_FILE.test(e.name)) out.push(full);
  }
}

/** Lists YAML files under the given paths (files are taken as they are, whatever their extension). */
export function listSourcePaths(paths: string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    if (statSync(p).isDirectory()) walk(p, out);
    else out.push(p);
  }
  return [...new Set(out)];
}

export function readSources(paths: string[], cwd = process.cwd()): SourceFile[] {
  return listSourcePaths(paths).map((p) => ({ path: display(p, cwd), text: readFileSync(p, 'utf8') }));
}
