/**
 * bench/cli: wall time of the installed `settle` command (bin/settle.js on the compiled dist/), as a
 * process, beside `node -e 0` measured in the same rounds (the floor any Node command pays). Median
 * of 5 runs each, runs interleaved so machine noise spreads evenly:
 *   settle --help                              target ≤ 0.3 s
 *   settle validate  (the example journeys/)    target ≤ 0.6 s
 *   settle validate  (500 generated journeys)   target ≤ 1.5 s
 * Builds dist/ first (npm run build) unless --no-build. Run: npm run bench:cli
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { generateProject } from './generate.js';

const ROOT = join(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin', 'settle.js');
const RUNS = 5;

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

function generated(journeys: number): { dir: string; files: number } {
  const dir = mkdtempSync(join(tmpdir(), 'settle-bench-cli-'));
  const files = generateProject(journeys);
  for (const f of files) {
    const p = join(dir, f.path);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, f.text);
  }
  return { dir, files: files.length };
}

function timeOnce(c: Case): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, c.args, { cwd: c.cwd, encoding: 'utf8' });
  const s = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`${c.name} exited ${r.status}:\n${r.stderr}`);
  return s;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function main(): void {
  if (!process.argv.includes('--no-build')) build();
  const project = generated(500);
  try {
    const floor: Case = { name: 'node -e 0', args: ['-e', '0'], cwd: ROOT };
    const cases: Case[] = [
      { name: 'settle --help', args: [BIN, '--help'], cwd: ROOT, targetS: 0.3 },
      { name: 'settle validate (journeys/)', args: [BIN, 'validate', 'journeys'], cwd: ROOT, targetS: 0.6 },
      {
        name: `settle validate (500 journeys, ${project.files} files)`,
        args: [BIN, 'validate', 'journeys'],
        cwd: project.dir,
        targetS: 1.5,
      },
    ];
    const all = [floor, ...cases];
    for (const c of all) timeOnce(c); // warm the file system cache
    const times = new Map<Case, number[]>(all.map((c) => [c, []]));
    for (let i = 0; i < RUNS; i++) for (const c of all) times.get(c)!.push(timeOnce(c));
    const nodeS = median(times.get(floor)!);
    console.log(`bench/cli — Node ${process.version}, median of ${RUNS} runs, wall time of the process`);
    console.log(`${'command'.padEnd(52)}${'time'.padStart(9)}${'node -e 0'.padStart(11)}${'target'.padStart(9)}`);
    let over = 0;
    for (const c of cases) {
      const s = median(times.get(c)!);
      const ok = c.targetS === undefined || s <= c.targetS;
      if (!ok) over += 1;
      console.log(
        `${c.name.padEnd(52)}${`${s.toFixed(3)} s`.padStart(9)}${`${nodeS.toFixed(3)} s`.padStart(11)}${`≤ ${c.targetS} s`.padStart(9)}  ${ok ? 'ok' : 'OVER'}`,
      );
    }
    if (over > 0) process.exitCode = 1;
  } finally {
    rmSync(project.dir, { recursive: true, force: true });
  }
}

main();
