/**
 * Golden tests of the compiler's diagnostics: every case of test/corpus/invalid makes one
 * mistake in the base project, and the compiler must report exactly the expected diagnostics
 * (file, line, column, code), order aside. `UPDATE_GOLDEN=1 npx vitest run test/compiler` rewrites
 * expected.txt: review every change by eye, the position must be that of the offending node.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compilePaths, compileSources } from '../../src/compiler/index.js';
import { baseSources, caseNames, caseSources, goldenLine, INVALID, parseGolden } from '../corpus/corpus.js';

const UPDATE = process.env.UPDATE_GOLDEN === '1';
const CODE = /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/;

describe('valid projects', () => {
  it('the corpus base compiles without any diagnostic', () => {
    const result = compileSources(baseSources());
    expect(result.diagnostics.map(goldenLine)).toEqual([]);
    expect([...result.plans.keys()]).toEqual(['reminders']);
  });

  it('the example project journeys/ compiles without any diagnostic', () => {
    const result = compilePaths([join(import.meta.dirname, '..', '..', 'journeys')]);
    expect(result.diagnostics.map(goldenLine)).toEqual([]);
    expect([...result.plans.keys()].sort()).toEqual(['late-stage', 'pre-due-reminder', 'soft-collection']);
  });
});

describe('invalid corpus', () => {
  const names = caseNames();

  it('holds at least 45 cases', () => {
    expect(names.length).toBeGreaterThanOrEqual(45);
  });

  it.each(names)('%s', (name) => {
    const dir = join(INVALID, name);
    const sources = caseSources(dir);
    const result = compileSources(sources);
    const actual = result.diagnostics.map(goldenLine).sort();
    for (const d of result.diagnostics) {
      expect(d.code).toMatch(CODE);
      expect(d.message.trim()).not.toBe('');
      expect(['error', 'warning']).toContain(d.severity);
      expect(sources.some((s) => s.path === d.file)).toBe(true);
    }
    const golden = join(dir, 'expected.txt');
    if (UPDATE) {
      const kept = existsSync(golden)
        ? readFileSync(golden, 'utf8')
            .split('\n')
            .filter((l) => l.startsWith('#'))
        : [];
      writeFileSync(golden, [...kept, ...actual].join('\n') + '\n');
    }
    expect(existsSync(golden), `${name} has no expected.txt (run with UPDATE_GOLDEN=1, then review it)`).toBe(true);
    const expected = parseGolden(readFileSync(golden, 'utf8')).sort();
    expect(expected.length, `${name}: a case must expect at least one diagnostic`).toBeGreaterThan(0);
    expect(actual).toEqual(expected);
  });
});
