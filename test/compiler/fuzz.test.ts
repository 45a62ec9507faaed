/**
 * Property test of the compiler: random mutations of the valid example projects (journeys/ and
 * the corpus base) never make it throw, and whatever it reports is well-formed, located data.
 * A crash found here becomes a fix in src/compiler and a case in test/corpus/invalid.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileSources, readSources, type CompileResult } from '../../src/compiler/index.js';
import type { PlanStep } from '../../src/ir/index.js';
import { BASE, yamlFiles, type Source } from '../corpus/corpus.js';
import {
  applyAll,
  expressionPiece,
  index,
  mutate,
  mutation,
  projectMutations,
  scalar,
  specialString,
} from './mutations.js';

const ROOT = join(import.meta.dirname, '..', '..');
const JOURNEYS: Source[] = readSources([join(ROOT, 'journeys')], ROOT);
const BASE_FILES: Source[] = yamlFiles(BASE).map((rel) => ({
  path: `base/${rel}`,
  text: readFileSync(join(BASE, rel), 'utf8'),
}));

const CODE = /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/;
/** `FUZZ_SCALE=20 npx vitest run test/compiler/fuzz.test.ts` for a longer hunt (2,600 runs by default). */
const SCALE = Math.max(1, Number(process.env.FUZZ_SCALE ?? 1) || 1);
/**
 * A fixed seed: the suite compiles the same mutants on every run, so a failure is reproducible and
 * never a flake. `FUZZ_SEED=<n>` explores other mutants (fast-check prints the seed and path of a failure).
 */
const DEFAULT_SEED = 20_260_523;
const SEED = Number(process.env.FUZZ_SEED ?? DEFAULT_SEED) || DEFAULT_SEED;
const runs = (n: number) => ({ numRuns: n * SCALE, seed: SEED });

// --- invariants ------------------------------------------------------------------------------

/** Plain checks (not `expect`): they run for every diagnostic of thousands of compilations. */
function check(condition: boolean, message: string): void {
  if (!condition) throw new Error(message);
}

function checkInvariants(sources: Source[], result: CompileResult, hasJourney: boolean): void {
  const byPath = new Map(sources.map((s) => [s.path, s.text]));
  if (hasJourney) {
    check(
      result.diagnostics.length > 0 || result.plans.size > 0,
      'a project with a journey gave neither diagnostics nor plans',
    );
  }
  for (const d of result.diagnostics) {
    const where = `${d.file}:${d.line}:${d.column} ${d.code} (${d.message})`;
    const text = byPath.get(d.file);
    check(text !== undefined, `${where}: unknown file`);
    const lines = text!.split('\n');
    check(Number.isInteger(d.line) && d.line >= 1 && d.line <= lines.length + 1, `${where}: line out of range`);
    check(Number.isInteger(d.column) && d.column >= 1, `${where}: column out of range`);
    check(d.column <= (lines[d.line - 1] ?? '').length + 1, `${where}: column past the end of its line`);
    check(CODE.test(d.code), `${where}: code is not SCREAMING_SNAKE`);
    check(d.severity === 'error' || d.severity === 'warning', `${where}: severity ${String(d.severity)}`);
    check(typeof d.message === 'string' && d.message.trim() !== '', `${where}: empty message`);
    check(typeof d.path === 'string' && typeof d.pointer === 'string', `${where}: path and pointer`);
  }
  JSON.stringify(result.diagnostics);

  // A plan comes only from a journey without errors, and it is closed: every route names a step.
  const errorFiles = new Set(result.diagnostics.filter((d) => d.severity === 'error').map((d) => d.file));
  for (const [name, plan] of result.plans) {
    const file = result.project.journeys.get(name)?.file;
    check(file !== undefined && !errorFiles.has(file), `plan ${name} despite errors in ${String(file)}`);
    const ids = new Set(plan.steps.map((s) => s.id));
    check(ids.has(plan.start), `plan ${name}: start ${plan.start} is not a step`);
    for (const step of plan.steps) {
      for (const target of targets(step)) check(ids.has(target), `plan ${name}: ${step.id} → ${target} is not a step`);
    }
    JSON.stringify(plan);
  }
}

function targets(step: PlanStep): string[] {
  switch (step.kind) {
    case 'send':
      return [step.next, step.onFailure, step.onBlocked].filter((t): t is string => t !== undefined);
    case 'wait':
      return [step.next];
    case 'waitFor':
      return [step.next, step.onTimeout, ...Object.values(step.on)].filter((t): t is string => t !== undefined);
    case 'branch':
      return [step.default, ...step.cases.map((c) => c.next)];
    case 'split':
      return step.variants.map((v) => v.next);
    case 'webhook':
      return [step.next, step.onFailure].filter((t): t is string => t !== undefined);
    case 'exit':
      return [];
    case 'trackPlan':
      return [step.next, step.onBroken];
  }
}

function compileChecked(sources: Source[]): CompileResult {
  let result: CompileResult;
  try {
    result = compileSources(sources);
  } catch (e) {
    throw new Error(`the compiler threw: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  }
  checkInvariants(
    sources,
    result,
    sources.some((s) => /^kind:\s*Journey\s*$/m.test(s.text)),
  );
  return result;
}

// --- properties ------------------------------------------------------------------------------

describe('compiler fuzz', () => {
  it('the seeds compile cleanly (the mutations start from valid projects)', () => {
    expect(compileSources(BASE_FILES).diagnostics).toEqual([]);
    expect(compileSources(JOURNEYS).diagnostics).toEqual([]);
  });

  it(
    'mutated corpus base: never throws, reports located diagnostics, deterministically (1 run in 4 compiles twice)',
    () => {
      fc.assert(
        fc.property(projectMutations, fc.nat({ max: 3 }), (edits, coin) => {
          const sources = applyAll(BASE_FILES, edits);
          const first = compileChecked(sources);
          if (coin !== 0) return;
          const again = compileSources(sources);
          check(
            JSON.stringify(again.diagnostics) === JSON.stringify(first.diagnostics),
            'diagnostics differ between two runs',
          );
          check([...again.plans.keys()].join() === [...first.plans.keys()].join(), 'plans differ between two runs');
        }),
        runs(800),
      );
    },
    60_000 * SCALE,
  );

  it(
    'mutated journeys/ project (300 mutants, hostile pieces included): never throws, reports located diagnostics',
    () => {
      const codes = new Set<string>();
      fc.assert(
        fc.property(projectMutations, (edits) => {
          for (const d of compileChecked(applyAll(JOURNEYS, edits)).diagnostics) codes.add(d.code);
        }),
        runs(300),
      );
      // The hostile pieces reach their refusals (with the fixed seed: another seed may miss one).
      if (SEED === DEFAULT_SEED) {
        for (const code of ['NESTING_TOO_DEEP', 'ALIAS_EXPANSION', 'CONTROL_CHARACTER']) expect(codes).toContain(code);
      }
    },
    60_000 * SCALE,
  );

  it(
    'one heavily mutated file on its own: never throws',
    () => {
      const seeds = [...BASE_FILES, ...JOURNEYS];
      fc.assert(
        fc.property(index, fc.array(mutation, { minLength: 1, maxLength: 12 }), (i, mutations) => {
          const seed = seeds[i % seeds.length]!;
          const text = mutations.reduce(mutate, seed.text);
          compileChecked([{ path: seed.path, text }]);
        }),
        runs(1200),
      );
    },
    60_000 * SCALE,
  );

  it(
    'random text in any file: never throws',
    () => {
      fc.assert(
        fc.property(
          fc.oneof(
            fc.string({ maxLength: 200 }),
            fc.array(fc.oneof(specialString, scalar, expressionPiece), { maxLength: 30 }).map((a) => a.join('')),
          ),
          (text) => {
            compileChecked([...BASE_FILES, { path: 'random.yaml', text }]);
          },
        ),
        runs(300),
      );
    },
    60_000 * SCALE,
  );
});
