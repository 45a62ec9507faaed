/** Finds and reads the YAML sources of a project: files as given, directories recursively. */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

export interface SourceFile {
  /** Path as shown in diagnostics (relative to the working directory, forward slashes). */
  path: string;
  text: string;
}

const YAML_FILE = /\.ya?ml$/i;

/** The file that marks a project's folder (the Attributes document). */
export const PROJECT_MARKER = 'attributes.yaml';

/**
 * The project a file or folder belongs to: the nearest folder, starting at the file's own folder
 * (a folder: itself) and going up, that holds an `attributes.yaml`; failing that, the file's own
 * folder. A file given on the command line is compiled with the rest of that project, so its
 * references to templates, policies and attributes resolve as they will at deploy time.
 */
export function projectRootFor(path: string): string {
  const abs = resolve(path);
  const start = existsSync(abs) && statSync(abs).isDirectory() ? abs : dirname(abs);
  for (let dir = start; ;) {
    if (existsSync(join(dir, PROJECT_MARKER))) return dir;
    const up = dirname(dir);
    if (up === dir) return start;
    dir = up;
  }
}

/** How diagnostics and hints show a path: relative to the working directory, forward slashes. */
export function displayPath(p: string, cwd = process.cwd()): string {
  return display(resolve(cwd, p), cwd);
}

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

/**
 * The YAML files of the project whose folder is `root`, recursively, without those of nested
 * projects (folders below it holding their own attributes.yaml), which are listed in `nested`.
 */
export function projectSourcePaths(root: string): { files: string[]; nested: string[] } {
  const files: string[] = [];
  const nested: string[] = [];
  const visit = (dir: string) => {
    const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      if (e.name.startsWith('.') || e.name === 'node_modules') continue;
      const full = join(dir, e.name);
      if (!e.isDirectory()) {
        if (YAML_FILE.test(e.name)) files.push(full);
      } else if (existsSync(join(full, PROJECT_MARKER))) nested.push(full);
      else visit(full);
    }
  };
  visit(resolve(root));
  return { files, nested };
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
