/**
 * bench/simulate: debts of the demo portfolio through the example journeys over 60 simulated days
 * with the example behaviour model (examples/simulate/behaviour.yaml), once on one worker and once
 * on every core (`--workers`), each run in its own process (so its peak RSS is its own). Prints
 * debt-journeys per second per core, the scaling factor (N workers against one), peak memory, and
 * beside them the fixed CPU calibration loop (bench/support/calibrate.ts) measured in the same
 * run: debt-journeys per calibration unit is what compares across machines. Checks that every run
 * gives the same summary. Goals (issue 20): ≥ 25,000 debt-journeys/s per core, ≥ 1.8× with 2
 * cores, peak RSS ≤ 300 MB.
 *
 * The runs use the simulator compiled as `npm run build` does (into a scratch directory), as
 * `settle simulate` runs it; `--src` runs the TypeScript sources through tsx instead (each worker
 * thread then loads tsx too). `npm run bench:simulate -- 20000` simulates another count (default
 * 100,000); `--workers 1,2,4` other worker counts (default 1 and the cores).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Compiler from '../src/compiler/index.js';
import type * as Portfolio from '../src/dev/portfolio.js';
import type { PortfolioRow } from '../src/project/record.js';
import type * as BehaviourModule from '../src/simulate/behaviour.js';
import type * as Simulate from '../src/simulate/simulate.js';
import { calibrationRate, calibrationReference } from './support/calibrate.js';
import { figure, writeBenchResult, type Figure } from './support/report.js';

const ROOT = join(import.meta.dirname, '..');
const START = Date.parse('2026-11-23T09:00:00Z');
const DAYS = 60;

interface ChildResult {
  workers: number;
  debts: number;
  seconds: number;
  cpuSeconds: number;
  maxRssMb: number;
  messages: number;
  deferrals: number;
  paid: number;
  summaryHash: string;
}

type Modules = [typeof Compiler, typeof Portfolio, typeof BehaviourModule, typeof Simulate];

/** The simulator's modules: compiled ones from `build` (as bin/settle.js runs them), else the sources. */
async function modules(build: string | undefined): Promise<Modules> {
  const at = (path: string) =>
    build === undefined ? `../src/${path}.js` : pathToFileURL(join(build, 'dist', `${path}.js`)).href;
  return (await Promise.all(
    ['compiler/index', 'dev/portfolio', 'simulate/behaviour', 'simulate/simulate'].map((p) => import(at(p))),
  )) as Modules;
}

/**
 * One run, in this process: `--child COUNT WORKERS [BUILD]` prints its ChildResult as JSON. With
 * BUILD (a package copy holding dist/), the compiled simulator, as `settle simulate` runs it.
 */
async function child(count: number, workers: number, build: string | undefined): Promise<void> {
  const [{ compilePaths }, { demoPortfolio }, { loadBehaviour }, { simulatePortfolio }] = await modules(build);
  const compiled = compilePaths([join(ROOT, 'journeys')]);
  const behaviour = loadBehaviour(join(ROOT, 'examples', 'simulate', 'behaviour.yaml'));
  const records = demoPortfolio(count, START, 7, 'BENCH');
  async function* rows(): AsyncGenerator<PortfolioRow> {
    for (const [i, record] of records.entries()) yield { line: i + 2, record };
  }
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const { summary } = await simulatePortfolio({
    plans: compiled.plans,
    project: compiled.project,
    rows: rows(),
    startMs: START,
    days: DAYS,
    seed: 1,
    behaviour,
    keepDebts: false,
    workers,
  });
  const seconds = (performance.now() - t0) / 1000;
  // CPU time of the process, every thread (user + system), GC included.
  const cpu = process.cpuUsage(cpu0);
  const result: ChildResult = {
    workers,
    debts: summary.debts,
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    messages: summary.sends.total,
    deferrals: Object.values(summary.deferrals).reduce((a, b) => a + b, 0),
    paid: summary.funnel.paid,
    summaryHash: createHash('sha256').update(JSON.stringify(summary)).digest('hex').slice(0, 16),
  };
  console.log(JSON.stringify(result));
}

/**
 * The simulator compiled as `npm run build` does, into a scratch package copy (package.json and
 * node_modules linked): the repository's dist/ may be stale, and is left alone.
 */
function build(): string {
  const dir = mkdtempSync(join(tmpdir(), 'settle-bench-sim-'));
  cpSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  spawnSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', join(dir, 'dist')], {
    encoding: 'utf8',
  });
  // tsc writes the JS even when a file elsewhere in the tree has a type error.
  if (!existsSync(join(dir, 'dist', 'simulate', 'worker.js'))) throw new Error('tsc did not build the simulator');
  return dir;
}

function runChild(count: number, workers: number, dir: string | undefined): ChildResult {
  const r = spawnSync(
    process.execPath,
    [
      ...process.execArgv,
      import.meta.filename,
      '--child',
      String(count),
      String(workers),
      ...(dir === undefined ? [] : [dir]),
    ],
    { encoding: 'utf8', maxBuffer: 1 << 24 },
  );
  if (r.status !== 0) throw new Error(`simulate run with ${workers} worker(s) failed:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as ChildResult;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--child') return child(Number(args[1]), Number(args[2]), args[3]);
  const w = args.indexOf('--workers');
  const workerCounts =
    w >= 0 ? args[w + 1]!.split(',').map(Number) : [...new Set([1, availableParallelism()])].sort((a, b) => a - b);
  const count = Number(args.find((a, i) => /^\d+$/.test(a) && args[i - 1] !== '--workers') ?? 100_000);

  const fromSources = args.includes('--src');
  const dir = fromSources ? undefined : build();
  const before = calibrationRate();
  const runs = workerCounts.map((n) => runChild(count, n, dir));
  const after = calibrationRate();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  const calibration = calibrationReference((before + after) / 2);
  const base = runs.find((r) => r.workers === 1) ?? runs[0]!;
  const baseRate = base.debts / base.seconds;

  console.log(
    `simulate: ${base.debts.toLocaleString('en-US')} debt-journeys over ${DAYS} days; ${base.messages} messages, ${base.deferrals} deferrals, ${base.paid} paid`,
  );
  console.log(
    `  ${fromSources ? 'TypeScript sources through tsx (--src)' : 'compiled JS (dist/, as bin/settle.js runs it)'}`,
  );
  console.log(
    `  CPU calibration loop (same run): ${fmt(before / 1000)}k rounds/CPU s before, ${fmt(after / 1000)}k after`,
  );
  const figures: Figure[] = [];
  for (const r of runs) {
    const rate = r.debts / r.seconds;
    const perCore = rate / r.workers;
    const perCpu = r.debts / r.cpuSeconds;
    const scaling = rate / baseRate;
    console.log(
      `  ${r.workers} worker${r.workers === 1 ? ' ' : 's'}: ${fmt(rate)} debt-journeys/s in ${r.seconds.toFixed(1)} s, ` +
        `${fmt(perCore)}/s per core (${(perCore / calibration.value).toFixed(2)} per calibration unit), ` +
        `${fmt(perCpu)} per CPU second, ×${scaling.toFixed(2)} one worker, peak RSS ${r.maxRssMb.toFixed(0)} MB` +
        (r.summaryHash === base.summaryHash ? '' : '  SUMMARY DIFFERS from one worker'),
    );
    const k = `simulate.workers${r.workers}`;
    figures.push(
      figure(`${k}.perCore`, `debt-journeys/s per core, ${r.workers} worker(s)`, perCore, '1/s', calibration, {
        text: '≥ 25,000/s per core',
        met: perCore >= 25_000,
      }),
      figure(
        `${k}.perCpuSecond`,
        `debt-journeys per CPU second, ${r.workers} worker(s)`,
        perCpu,
        '1/CPU s',
        calibration,
      ),
      figure(`${k}.peakRss`, `peak RSS, ${r.workers} worker(s)`, r.maxRssMb, 'MB', undefined, {
        text: '≤ 300 MB',
        met: r.maxRssMb <= 300,
      }),
    );
    if (r.workers > 1)
      figures.push(
        figure(`${k}.scaling`, `throughput with ${r.workers} workers / one worker`, scaling, '×', undefined, {
          text: `≥ ${(0.9 * r.workers).toFixed(1)}×`,
          met: scaling >= 0.9 * r.workers,
        }),
      );
  }
  const same = runs.every((r) => r.summaryHash === base.summaryHash);
  console.log(`  same summary with every worker count: ${same ? 'yes' : 'NO'}`);
  const written = writeBenchResult({
    bench: 'simulate',
    params: { debts: count, days: DAYS, workers: workerCounts.join(','), compiled: !fromSources },
    figures,
    details: { runs, calibration: { before, after }, sameSummary: same },
  });
  if (written) console.log(`  report: ${written}`);
  if (!same) process.exitCode = 1;
}

await main();
