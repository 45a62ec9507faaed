/**
 * bench/cli: wall time of the installed `settle` command (bin/settle.js on the compiled dist/), as a
 * process, beside `node -e 0` measured in the same rounds (the floor any Node command pays). Median
 * of 5 runs each, runs interleaved so machine noise spreads evenly:
 *   settle --help                              target ≤ 0.3 s
 *   settle validate  (the example journeys/)    target ≤ 0.6 s
 *   settle validate  (500 generated journeys)   target ≤ 1.5 s
 * Where /usr/bin/time exists, the CPU time (user + system) of each process is printed too: on a
 * shared machine it moves much less than the wall time. Builds dist/ first (npm run build) unless
 * --no-build. Run: npm run bench:cli  (BENCH_CLI_RUNS=5, BENCH_CLI_JOURNEYS=500; BENCH_JSON=path writes the
 * figures as JSON, each beside `node -e 0` of the same rounds: bench/support/report.ts)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { writeGeneratedProject } from './generate.js';
import { figure, writeBenchResult, type Figure } from './support/report.js';

const ROOT = join(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin', 'settle.js');
const RUNS = Number(process.env.BENCH_CLI_RUNS ?? 5);
const JOURNEYS = Number(process.env.BENCH_CLI_JOURNEYS ?? 500);
const TIME = '/usr/bin/time';
const withCpu = existsSync(TIME);

interface Case {
  name: string;
  args: string[];
  cwd: string;
  targetS?: number;
}

function build(): void {
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json')], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`npm run build failed:\n${r.stdout}${r.stderr}`);
}

interface Sample {
  wallS: number;
  cpuS?: number;
}

function timeOnce(c: Case): Sample {
  const [cmd, args] = withCpu ? [TIME, ['-f', 'cpu %U %S', process.execPath, ...c.args]] : [process.execPath, c.args];
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { cwd: c.cwd, encoding: 'utf8' });
  const wallS = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`${c.name} exited ${r.status}:\n${r.stderr}`);
  const m = /^cpu ([\d.]+) ([\d.]+)$/m.exec(r.stderr);
  return { wallS, ...(m && { cpuS: Number(m[1]) + Number(m[2]) }) };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function main(): void {
  if (!process.argv.includes('--no-build')) build();
  const project = writeGeneratedProject(JOURNEYS, 'settle-bench-cli-');
  try {
    const floor: Case = { name: 'node -e 0', args: ['-e', '0'], cwd: ROOT };
    const cases: Case[] = [
      { name: 'settle --help', args: [BIN, '--help'], cwd: ROOT, targetS: 0.3 },
      { name: 'settle validate (journeys/)', args: [BIN, 'validate', 'journeys'], cwd: ROOT, targetS: 0.6 },
      {
        name: `settle validate (${JOURNEYS} journeys, ${project.files} files)`,
        args: [BIN, 'validate', 'journeys'],
        cwd: project.dir,
        targetS: 1.5,
      },
    ];
    const all = [floor, ...cases];
    for (const c of all) timeOnce(c); // warm the file system cache
    const samples = new Map<Case, Sample[]>(all.map((c) => [c, []]));
    for (let i = 0; i < RUNS; i++) for (const c of all) samples.get(c)!.push(timeOnce(c));
    const wall = (c: Case) => median(samples.get(c)!.map((x) => x.wallS));
    const cpu = (c: Case) => (withCpu ? `${median(samples.get(c)!.map((x) => x.cpuS ?? NaN)).toFixed(2)} s` : '-');
    console.log(`bench/cli — Node ${process.version}, median of ${RUNS} runs, wall time of the process`);
    console.log(
      `${'command'.padEnd(52)}${'time'.padStart(9)}${'node -e 0'.padStart(11)}${'target'.padStart(9)}${'cpu'.padStart(12)}${'node cpu'.padStart(10)}`,
    );
    let over = 0;
    const figures: Figure[] = [];
    const reference = { name: 'node -e 0 (same rounds)', value: wall(floor), unit: 's' };
    for (const [i, c] of cases.entries()) {
      const s = wall(c);
      const ok = c.targetS === undefined || s <= c.targetS;
      if (!ok) over += 1;
      figures.push(
        figure(
          `cli.${['help', 'validateExamples', 'validateGenerated'][i] ?? i}`,
          c.name,
          s,
          's',
          reference,
          ...(c.targetS === undefined ? [] : [{ text: `≤ ${c.targetS} s`, met: ok }]),
        ),
      );
      console.log(
        `${c.name.padEnd(52)}${`${s.toFixed(3)} s`.padStart(9)}${`${wall(floor).toFixed(3)} s`.padStart(11)}${`≤ ${c.targetS} s`.padStart(9)}${`${ok ? 'ok' : 'OVER'}`.padStart(6)}${cpu(c).padStart(8)}${cpu(floor).padStart(10)}`,
      );
    }
    writeBenchResult({ bench: 'cli', params: { runs: RUNS, journeys: JOURNEYS }, figures });
    if (over > 0) process.exitCode = 1;
  } finally {
    rmSync(project.dir, { recursive: true, force: true });
  }
}

main();
