/**
 * `npm run bench`: every bench of bench/ with small sizes (the environment variables each already
 * takes), one after the other, in under 10 minutes on a 2-core machine, and ONE JSON report:
 * test-artifacts/bench.json (git-ignored). Each bench writes its figures — each beside the
 * reference it measured in the same run (bare fastify, raw `workflow.start`, a bare `yaml` parse,
 * `node -e 0`, the CPU calibration loop) — to the file named by BENCH_JSON (bench/support/report.ts);
 * a bench that does not (yet) is kept with the tail of its output and the figures read from it.
 * The report also holds the calibration loop's rate at the start and the end of the run, and the
 * machine's load: figures from a busy machine say so.
 *
 * scripts/capacity.ts turns the report into docs/capacity.md.
 *
 * Run: npm run bench  (BENCH_ONLY=server,history runs a subset; BENCH_REPORT=path writes elsewhere;
 * BENCH_BUDGET_S=590 is the whole run's budget, each bench also has its own timeout; BENCH_NO_BUILD=1 lets
 * bench/cli time the dist/ as it is instead of rebuilding it)
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { calibrationRate } from './support/calibrate.js';
import { machine, type BenchFile, type Figure } from './support/report.js';

const ROOT = join(import.meta.dirname, '..');
const REPORT = process.env.BENCH_REPORT ?? join(ROOT, 'test-artifacts', 'bench.json');
const PARTS = join(dirname(REPORT), 'bench-parts');
const BUDGET_MS = Number(process.env.BENCH_BUDGET_S ?? 590) * 1000;
const ONLY = process.env.BENCH_ONLY?.split(',').map((s) => s.trim());

export interface BenchSpec {
  name: string;
  /** Small sizes: the environment variables (and arguments) the bench already takes. */
  env?: Record<string, string>;
  args?: string[];
  timeoutS: number;
  /** Figures read from the output of a bench that does not write BENCH_JSON. */
  fromOutput?: (out: string) => Figure[];
}

const num = (s: string | undefined) => (s === undefined ? NaN : Number(s.replace(/,/g, '')));

/** Fastest first, the Temporal ones last. */
export const BENCHES: BenchSpec[] = [
  { name: 'policy', env: { BENCH_SECONDS: '1' }, timeoutS: 60 },
  { name: 'compile', env: { BENCH_COMPILE_JOURNEYS: '100', BENCH_COMPILE_SIZES: '100,400' }, timeoutS: 120 },
  {
    name: 'simulate',
    args: ['2000'],
    timeoutS: 120,
    fromOutput: (out) => {
      const perCpu = num(/([\d,]+) debt-journeys\/s per CPU second/.exec(out)?.[1]);
      const rss = num(/peak memory \(max RSS\): (\d+) MB/.exec(out)?.[1]);
      return [
        { key: 'simulate.perCpuSecond', label: 'debt-journeys per CPU second', value: perCpu, unit: '/CPU s' },
        { key: 'simulate.peakRss', label: 'peak RSS', value: rss, unit: 'MB' },
      ].filter((f) => Number.isFinite(f.value));
    },
  },
  {
    name: 'cli',
    env: { BENCH_CLI_RUNS: '3', BENCH_CLI_JOURNEYS: '100' },
    args: process.env.BENCH_NO_BUILD ? ['--no-build'] : [],
    timeoutS: 150,
  },
  { name: 'server', env: { BENCH_JOURNEYS: '30', BENCH_SECONDS: '2', BENCH_ROUNDS: '3' }, timeoutS: 200 },
  {
    name: 'history',
    timeoutS: 150,
    fromOutput: (out) => {
      const m = /both paths: (\d+) vs (\d+) events → ratio/.exec(out);
      if (!m) return [];
      const [journey, hand] = [num(m[1]), num(m[2])];
      return [
        {
          key: 'history.eventsPerJourney',
          label: 'history events per journey (both paths, average)',
          value: journey / 2,
          unit: 'events',
          reference: { name: 'hand-written workflow, same paths', value: hand / 2, unit: 'events' },
          ratio: journey / hand,
        },
      ];
    },
  },
  { name: 'enroll', env: { BENCH_N: '200', BENCH_SLICE: '50' }, timeoutS: 150 },
  {
    name: 'worker-memory',
    env: { BENCH_JOURNEYS: '500', BENCH_BUDGET_S: '120' },
    timeoutS: 170,
    fromOutput: (out) => {
      const m = /RSS (\d+) MiB idle → (\d+) MiB with ([\d,]+) sleeping journeys/.exec(out);
      if (!m) return [];
      const [idle, full, journeys] = [num(m[1]), num(m[2]), num(m[3])];
      return [
        {
          key: 'worker.rssPerJourney',
          label: 'worker RSS growth per sleeping journey',
          value: (full - idle) / Math.max(1, journeys),
          unit: 'MiB',
          reference: { name: 'idle worker RSS', value: idle, unit: 'MiB' },
          ratio: (full - idle) / Math.max(1, journeys) / idle,
        },
      ];
    },
  },
];

export interface BenchOutcome {
  name: string;
  ok: boolean;
  exitCode: number | null;
  seconds: number;
  /** `json`: the bench wrote its figures; `output`: read from its output; `none`. */
  source: 'json' | 'output' | 'none';
  env: Record<string, string>;
  args: string[];
  result?: BenchFile;
  figures: Figure[];
  outputTail: string;
  error?: string;
}

export interface BenchReport {
  at: string;
  seconds: number;
  machine: BenchFile['machine'];
  /** The CPU calibration loop (bench/support/calibrate.ts), rounds per CPU second, at the start and the end. */
  calibration: { start: number; end: number };
  loadavg: { start: number; end: number };
  benches: Record<string, BenchOutcome>;
}

function runBench(spec: BenchSpec, timeoutMs: number): Promise<BenchOutcome> {
  const file = join(PARTS, `${spec.name}.json`);
  rmSync(file, { force: true });
  const env = spec.env ?? {};
  const args = spec.args ?? [];
  const t0 = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', `${spec.name}.ts`), ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env, BENCH_JSON: file },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let out = '';
    const take = (chunk: Buffer) => {
      process.stdout.write(chunk);
      out = (out + chunk.toString()).slice(-200_000);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      // The bench's process group: its Temporal dev server and worker go with it.
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      const seconds = (performance.now() - t0) / 1000;
      const result = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as BenchFile) : undefined;
      const parsed = result ? [] : (spec.fromOutput?.(out) ?? []);
      resolve({
        name: spec.name,
        // A bench that wrote its figures ran; a goal it missed (its exit code) is in the figures.
        ok: !timedOut && (code === 0 || result !== undefined),
        exitCode: code,
        seconds,
        source: result ? 'json' : parsed.length > 0 ? 'output' : 'none',
        env,
        args,
        ...(result && { result }),
        figures: result?.figures ?? parsed,
        outputTail: out.split('\n').slice(-40).join('\n'),
        ...(timedOut && { error: `timed out after ${Math.round(timeoutMs / 1000)} s` }),
        ...(!timedOut && code !== 0 && { error: `exited ${code}` }),
      });
    });
  });
}

async function main(): Promise<void> {
  mkdirSync(PARTS, { recursive: true });
  const began = performance.now();
  const calibrationStart = calibrationRate();
  const loadStart = loadavg()[0] ?? 0;
  const benches: Record<string, BenchOutcome> = {};
  for (const spec of BENCHES) {
    if (ONLY && !ONLY.includes(spec.name)) continue;
    const left = BUDGET_MS - (performance.now() - began);
    if (left < 20_000) {
      console.log(`\n### ${spec.name}: skipped, the run's budget is spent`);
      continue;
    }
    console.log(`\n### bench/${spec.name} ${JSON.stringify(spec.env ?? {})} ${(spec.args ?? []).join(' ')}`);
    benches[spec.name] = await runBench(spec, Math.min(spec.timeoutS * 1000, left));
  }
  const report: BenchReport = {
    at: new Date().toISOString(),
    seconds: (performance.now() - began) / 1000,
    machine: machine(),
    calibration: { start: calibrationStart, end: calibrationRate() },
    loadavg: { start: loadStart, end: loadavg()[0] ?? 0 },
    benches,
  };
  mkdirSync(dirname(REPORT), { recursive: true });
  writeFileSync(REPORT, JSON.stringify(report, null, 2) + '\n');
  console.log(`\n=== npm run bench: ${report.seconds.toFixed(0)} s, report ${REPORT}`);
  for (const b of Object.values(benches)) {
    console.log(`${b.ok ? 'ok  ' : 'FAIL'} ${b.name.padEnd(14)} ${b.seconds.toFixed(0).padStart(4)} s  (${b.source})`);
    for (const f of b.figures) {
      const ref = f.reference ? `  vs ${f.reference.name} ${f.reference.value.toFixed(1)} ${f.reference.unit}` : '';
      const ratio = f.ratio !== undefined ? ` → ${f.ratio.toFixed(2)}×` : '';
      const goal = f.goal ? `  [${f.goal}: ${f.met ? 'met' : 'NOT met'}]` : '';
      console.log(`       ${f.label}: ${f.value.toFixed(2)} ${f.unit}${ref}${ratio}${goal}`);
    }
  }
  if (Object.values(benches).some((b) => !b.ok)) process.exitCode = 1;
}

await main();
