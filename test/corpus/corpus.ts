/**
 * The compiler corpus (test/corpus): a small valid project in `base/`, and under `invalid/` one
 * directory per case, each holding the files that differ from the base (same relative path: the
 * case's file replaces the base one; a new path adds a file) and `expected.txt`, the golden list
 * of diagnostics as `file:line:column  CODE`, one per line (`#` starts a comment). Case files
 * are named by their path inside the case, base files as `base/<path>`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { Diagnostic } from '../../src/compiler/index.js';

export const CORPUS = import.meta.dirname;
export const BASE = join(CORPUS, 'base');
export const INVALID = join(CORPUS, 'invalid');

export interface Source {
  path: string;
  text: string;
}

/** YAML files under `dir`, as sorted paths relative to it with forward slashes. */
export function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const full = join(d, e.name);
      if (e.isDirectory()) walk(full);
      else if (/\.ya?ml$/.test(e.name)) out.push(relative(dir, full).split(sep).join('/'));
    }
  };
  walk(dir);
  return out.sort();
}

export function baseSources(): Source[] {
  return yamlFiles(BASE).map((rel) => ({ path: `base/${rel}`, text: readFileSync(join(BASE, rel), 'utf8') }));
}

/** Base ∪ case: a case file replaces the base file of the same relative path (in place), others are added. */
export function caseSources(caseDir: string): Source[] {
  const files = new Map<string, Source>();
  for (const s of baseSources()) files.set(s.path.slice('base/'.length), s);
  for (const rel of yamlFiles(caseDir)) files.set(rel, { path: rel, text: readFileSync(join(caseDir, rel), 'utf8') });
  return [...files.values()];
}

export function caseNames(): string[] {
  return readdirSync(INVALID, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

/** `file:line:column  CODE`, the golden form of a diagnostic. */
export function goldenLine(d: Pick<Diagnostic, 'file' | 'line' | 'column' | 'code'>): string {
  return `${d.file}:${d.line}:${d.column}  ${d.code}`;
}

export function parseGolden(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => l.replace(/\s+/g, '  '));
}
