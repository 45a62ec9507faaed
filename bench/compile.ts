/**
 * bench/compile: validate + compile throughput of generated projects on one core (one thread),
 * read from disk as `settle validate` does. Prints files/s for 1,000 journeys of 20 steps and how
 * the time grows from 100 to 1,000 to 10,000 files, beside a bare `yaml` parse (parseDocument) of the
 * same files in the same run: the ratio compares across machines. Run: npm run bench:compile
 * (BENCH_COMPILE_JOURNEYS=1000, BENCH_COMPILE_SIZES=100,1000,10000; BENCH_JSON=path writes the figures
 * as JSON, bench/support/report.ts)
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseDocument } from 'yaml';
import { compileSources, readSources } from '../src/compiler/index.js';
import { writeGeneratedProject } from './generate.js';
import { figure, writeBenchResult } from './support/report.js';

const JOURNEYS = Number(process.env.BENCH_COMPILE_JOURNEYS ?? 1000);
const SIZES = (process.env.BENCH_COMPILE_SIZES ?? '100,1000,10000').split(',').map(Number);

function measure(journeys: number, runs: number): { files: number; ms: number; errors: number; yamlMs: number } {
  const { dir, files } = writeGeneratedProject(journeys);
  try {
    let best = Infinity;
    let errors = 0;
    // Reference: read the same files and parse each with the bare `yaml` package, nothing else.
    let yamlMs = Infinity;
    for (let r = 0; r < runs; r++) {
      const t0 = performance.now();
      for (const source of readSources([join(dir, 'journeys')], dir)) parseDocument(source.text);
      yamlMs = Math.min(yamlMs, performance.now() - t0);
    }
    for (let r = 0; r < runs; r++) {
      const t0 = performance.now();
      const result = compileSources(readSources([join(dir, 'journeys')], dir));
      const ms = performance.now() - t0;
      errors = result.diagnostics.filter((d) => d.severity === 'error').length;
      if (result.plans.size !== journeys) throw new Error(`expected ${journeys} plans, got ${result.plans.size}`);
      best = Math.min(best, ms);
    }
    return { files, ms: best, errors, yamlMs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// Warm up the JIT and ajv's compiled validators on a small project first.
measure(25, 2);

const main = measure(JOURNEYS, 3);
const filesPerS = (main.files / main.ms) * 1000;
const yamlPerS = (main.files / main.yamlMs) * 1000;
console.log(
  `${JOURNEYS.toLocaleString('en-US')} journeys × 20 steps: ${main.files} files in ${main.ms.toFixed(0)} ms → ${Math.round(filesPerS)} files/s (one core, ${main.errors} errors); bare yaml parse of the same files ${Math.round(yamlPerS)} files/s → ${(filesPerS / yamlPerS).toFixed(2)}× bare yaml`,
);

console.log('\nGrowth (validate + compile, best of runs):');
console.log('files     ms       files/s   µs/file');
const sizes = SIZES;
const rows = sizes.map((n) => {
  const journeys = Math.max(1, Math.round((n - 2) / 4));
  const r = measure(journeys, n >= 10000 ? 1 : 3);
  console.log(
    `${String(r.files).padEnd(9)} ${r.ms.toFixed(0).padEnd(8)} ${String(Math.round((r.files / r.ms) * 1000)).padEnd(9)} ${((r.ms * 1000) / r.files).toFixed(0)}`,
  );
  return r;
});
const per = rows.map((r) => r.ms / r.files);
console.log(
  `\ntime per file relative to 100 files: ${per.map((p) => (p / per[0]!).toFixed(2)).join(' : ')} (1.00 everywhere = linear)`,
);
writeBenchResult({
  bench: 'compile',
  params: { journeys: JOURNEYS, sizes: SIZES.join(',') },
  figures: [
    figure('compile.filesPerSecond', 'validate + compile, one core', filesPerS, 'files/s', {
      name: 'bare yaml parseDocument of the same files',
      value: yamlPerS,
      unit: 'files/s',
    }),
    figure('compile.growth', 'time per file at the largest size relative to the smallest', per.at(-1)! / per[0]!, '×'),
  ],
  details: { rows },
});
