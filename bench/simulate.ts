/**
 * bench/simulate: debts through the example journeys over 60 simulated days with the example
 * behaviour model (examples/simulate/behaviour.yaml), in one process — so one core. Prints
 * debt-journeys per second and peak memory (max RSS). Target (issue 8): ≥ 10,000 debt-journeys/s
 * per core, on the wall clock and per CPU second (the latter does not count other load on the
 * machine). `npm run bench:simulate -- 20000` simulates another count (default 100,000).
 */
import { join } from 'node:path';
import { compilePaths } from '../src/compiler/index.js';
import { demoPortfolio } from '../src/dev/portfolio.js';
import type { PortfolioRow } from '../src/enrollment/read.js';
import { loadBehaviour } from '../src/simulate/behaviour.js';
import { simulatePortfolio } from '../src/simulate/simulate.js';

const ROOT = join(import.meta.dirname, '..');
const COUNT = Number(process.argv[2] ?? 100_000);
const START = Date.parse('2026-11-23T09:00:00Z');

const compiled = compilePaths([join(ROOT, 'journeys')]);
const behaviour = loadBehaviour(join(ROOT, 'examples', 'simulate', 'behaviour.yaml'));
const records = demoPortfolio(COUNT, START, 7, 'BENCH');

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
  days: 60,
  seed: 1,
  behaviour,
  keepDebts: false,
});
const seconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
// CPU time of the process (user + system): what one core spent, whatever else the machine runs.
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
const maxRssMb = process.resourceUsage().maxRSS / 1024;
console.log(
  `simulate: ${summary.debts} debt-journeys (${summary.unmatched} unmatched, ${summary.invalid.length} invalid) over 60 days in ${seconds.toFixed(1)} s`,
);
console.log(
  `  ${Math.round(summary.debts / seconds).toLocaleString('en-US')} debt-journeys/s on one core (wall clock; target ≥ 10,000)`,
);
console.log(
  `  ${Math.round(summary.debts / cpuSeconds).toLocaleString('en-US')} debt-journeys/s per CPU second (${cpuSeconds.toFixed(1)} s of CPU, GC included)`,
);
console.log(
  `  ${summary.sends.total} messages, ${Object.values(summary.deferrals).reduce((a, b) => a + b, 0)} deferrals, ${summary.funnel.paid} paid`,
);
console.log(`  peak memory (max RSS): ${maxRssMb.toFixed(0)} MB`);
