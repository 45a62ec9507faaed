/**
 * docs/capacity.md from a bench report (`npm run bench` → test-artifacts/bench.json): the measured
 * figures per journey (history events, Temporal Cloud actions, workflow tasks, journey days, history
 * bytes) and per worker (RSS per cached journey, idle RSS, cache size) turned into a plan for
 * 100,000 / 1 million / 10 million active debts — history shards, worker processes and memory,
 * PostgreSQL or Cassandra, storage, Temporal Cloud actions per month. Every number in the document
 * comes from here; the assumptions that are not measured are the constants below, printed in the
 * document with their reasons.
 *
 * Run: npm run capacity  (-- --report <bench.json>, default test-artifacts/bench.json;
 *      --out <file>, default docs/capacity.md; --check: exit 1 when the file differs)
 * The committed docs/capacity.md is generated from test/fixtures/bench-report.json, a report
 * measured on the project's 2-core machine; test/docs/capacity.test.ts keeps them in sync.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { BenchReport } from '../bench/all.js';
import type { Figure } from '../bench/support/report.js';

const ROOT = join(import.meta.dirname, '..');

/** What is not measured: each value with the reason it has. */
export const ASSUMPTIONS = {
  peakFactor: {
    value: 5,
    why: 'sends and their workflow tasks happen inside contact windows (about 10 hours on weekdays: 24/10 × 7/5 ≈ 3.4), with bursts when a window opens; the peak is taken as 5× the daily average',
  },
  stateTransitionsPerEvent: {
    value: 1,
    why: 'one state transition per history event, an upper bound (Temporal persists the events of one transaction together)',
  },
  transitionsPerShard: {
    value: 20,
    why: 'peak state transitions per second one history shard is asked to carry, a conservative load that leaves room for retries and replays',
  },
  minShards: {
    value: 512,
    why: 'the shard count is fixed when the cluster is created; 512 is the floor for a production cluster that may grow',
  },
  postgresMaxTransitions: {
    value: 3_000,
    why: 'peak state transitions per second one PostgreSQL primary (large instance, local SSD) is planned for; above it the persistence must scale out (Cassandra, or Temporal Cloud)',
  },
  workflowTaskCpuMs: {
    value: 3,
    why: 'worker CPU per workflow task, replay of journeys evicted from the cache included (a sleeping journey is replayed from its history when it wakes)',
  },
  workerCpuShare: {
    value: 0.7,
    why: 'share of a core a worker process is planned to use at peak (one process per core)',
  },
  minWorkers: { value: 2, why: 'two worker processes at least, so that a restart does not stop the journeys' },
  awakeSeconds: {
    value: 2,
    why: "how long a journey stays in a worker's cache while it is awake; the cache holds the journeys awake at once, not the sleeping ones",
  },
  retentionDays: { value: 30, why: 'closed journeys are kept (namespace retention) 30 days' },
  daysPerMonth: { value: 30.4, why: 'average month' },
} as const;

export const ACTIVE_DEBTS = [100_000, 1_000_000, 10_000_000] as const;

/** The measured figures the plan needs, by report key. */
const NEEDED = {
  eventsPerJourney: 'history.eventsPerJourney',
  actionsPerJourney: 'history.actionsPerJourney',
  workflowTasksPerJourney: 'history.workflowTasksPerJourney',
  journeyDays: 'history.journeyDays',
  bytesPerJourney: 'history.bytesPerJourney',
  rssPerCachedJourneyMiB: 'worker.rssPerCachedJourney',
  idleWorkerRssMiB: 'worker.idleRss',
  workerCacheSize: 'worker.cacheSize',
} as const;

export type Inputs = Record<keyof typeof NEEDED, number>;

export function figuresOf(report: BenchReport): Map<string, Figure> {
  const out = new Map<string, Figure>();
  for (const bench of Object.values(report.benches)) for (const f of bench.figures) out.set(f.key, f);
  return out;
}

export function inputsOf(report: BenchReport): Inputs {
  const figures = figuresOf(report);
  const missing = Object.values(NEEDED).filter((key) => !Number.isFinite(figures.get(key)?.value));
  if (missing.length > 0)
    throw new Error(
      `the bench report lacks ${missing.join(', ')} (run npm run bench, or BENCH_ONLY=history,worker-memory)`,
    );
  return Object.fromEntries(Object.entries(NEEDED).map(([name, key]) => [name, figures.get(key)!.value])) as Inputs;
}

export interface Plan {
  debts: number;
  journeysPerDay: number;
  eventsPerDay: number;
  transitionsPerSecondAvg: number;
  transitionsPerSecondPeak: number;
  shards: number;
  persistence: 'PostgreSQL' | 'Cassandra';
  workflowTasksPerSecondPeak: number;
  workers: number;
  cachePerWorker: number;
  workerRssMiB: number;
  workersRssGiB: number;
  storageGiB: number;
  actionsPerMonth: number;
}

const A = (name: keyof typeof ASSUMPTIONS): number => ASSUMPTIONS[name].value;

export function planFor(inputs: Inputs, debts: number): Plan {
  const journeysPerDay = debts / inputs.journeyDays;
  const eventsPerDay = journeysPerDay * inputs.eventsPerJourney;
  const transitionsPerSecondAvg = (eventsPerDay * A('stateTransitionsPerEvent')) / 86_400;
  const transitionsPerSecondPeak = transitionsPerSecondAvg * A('peakFactor');
  const shards = Math.max(
    A('minShards'),
    2 ** Math.ceil(Math.log2(Math.max(1, transitionsPerSecondPeak / A('transitionsPerShard')))),
  );
  const workflowTasksPerSecondPeak = ((journeysPerDay * inputs.workflowTasksPerJourney) / 86_400) * A('peakFactor');
  const tasksPerWorker = (1000 / A('workflowTaskCpuMs')) * A('workerCpuShare');
  const workers = Math.max(A('minWorkers'), Math.ceil(workflowTasksPerSecondPeak / tasksPerWorker));
  const cachePerWorker = Math.max(
    inputs.workerCacheSize,
    Math.ceil((workflowTasksPerSecondPeak / workers) * A('awakeSeconds')),
  );
  const workerRssMiB = inputs.idleWorkerRssMiB + cachePerWorker * inputs.rssPerCachedJourneyMiB;
  const retained = debts + journeysPerDay * A('retentionDays');
  return {
    debts,
    journeysPerDay,
    eventsPerDay,
    transitionsPerSecondAvg,
    transitionsPerSecondPeak,
    shards,
    persistence: transitionsPerSecondPeak <= A('postgresMaxTransitions') ? 'PostgreSQL' : 'Cassandra',
    workflowTasksPerSecondPeak,
    workers,
    cachePerWorker,
    workerRssMiB,
    workersRssGiB: (workers * workerRssMiB) / 1024,
    storageGiB: (retained * inputs.bytesPerJourney) / 2 ** 30,
    actionsPerMonth: journeysPerDay * A('daysPerMonth') * inputs.actionsPerJourney,
  };
}

const n0 = (n: number) => Math.round(n).toLocaleString('en-US');
const n1 = (n: number) => n.toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const n2 = (n: number) => n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
/** 1.5 million, 10 million, 2.25 billion: at most three significant digits. */
const big = (n: number) => {
  const short = (x: number) => x.toLocaleString('en-US', { maximumSignificantDigits: 3 });
  return n >= 1e9 ? `${short(n / 1e9)} billion` : n >= 1e6 ? `${short(n / 1e6)} million` : n0(n);
};

/** The plan assumes a worker's RSS flat once its cache is full; the report says whether it was. */
function growthNote(figures: Map<string, Figure>): string[] {
  const after = figures.get('worker.growthAfterFullPer1k');
  if (after === undefined) return [];
  return [
    `Once the measured worker's cache was full its RSS still grew by ${n1(after.value)} MiB per 1,000 more sleeping journeys` +
      ` (\`worker.growthAfterFullPer1k\`). The plan below assumes it stays flat, as a bounded cache should: until a report shows that,` +
      ' restart workers on a memory limit, or add that growth × sleeping journeys per worker to its RSS.',
    '',
  ];
}

export function renderCapacity(report: BenchReport, reportPath: string): string {
  const inputs = inputsOf(report);
  const figures = figuresOf(report);
  const plans = ACTIVE_DEBTS.map((d) => planFor(inputs, d));
  const head = (cells: string[]) => `| ${cells.join(' | ')} |\n|${cells.map(() => '---').join('|')}|`;
  const row = (cells: string[]) => `| ${cells.join(' | ')} |`;
  const col = (f: (p: Plan) => string) => plans.map(f);
  const measured = (name: keyof Inputs, label: string, unit: string, fmt: (n: number) => string) => {
    const f = figures.get(NEEDED[name])!;
    const ref = f.reference ? `${fmt(f.reference.value)} ${f.reference.unit} (${f.reference.name})` : '—';
    return row([label, `${fmt(inputs[name])} ${unit}`, ref, `\`${NEEDED[name]}\``]);
  };
  const lines = [
    '# Capacity plan',
    '',
    '<!-- Generated by scripts/capacity.ts (npm run capacity) from a bench report; do not edit by hand. -->',
    '',
    `Generated by \`npm run capacity -- --report ${reportPath}\` from the figures that \`npm run bench\``,
    `measured on ${report.at.slice(0, 10)} (${report.machine.cpus} CPUs, ${report.machine.model}, Node ${report.machine.node}, load average ${n1(report.loadavg.start)} → ${n1(report.loadavg.end)}).`,
    'Every number below is computed by the script from those figures and the assumptions listed at the end;',
    're-run `npm run bench` and `npm run capacity` to plan from your own measurements.',
    '',
    '## Measured, per journey and per worker',
    '',
    head(['figure', 'measured', 'reference in the same run', 'report key']),
    measured('eventsPerJourney', 'history events per journey', 'events', n1),
    measured('actionsPerJourney', 'Temporal Cloud actions per journey (estimate)', 'actions', n1),
    measured('workflowTasksPerJourney', 'workflow tasks per journey', 'tasks', n1),
    measured('journeyDays', 'journey length', 'days', n1),
    measured('bytesPerJourney', 'history size per journey', 'bytes', n0),
    measured('rssPerCachedJourneyMiB', 'worker RSS per cached journey', 'MiB', n2),
    measured('idleWorkerRssMiB', 'idle worker RSS', 'MiB', n0),
    measured('workerCacheSize', 'default workflow cache of the measured worker', 'journeys', n0),
    '',
    `Derived: ${n2(inputs.eventsPerJourney / inputs.journeyDays)} history events (state transitions, at most) and ${n2(inputs.actionsPerJourney / inputs.journeyDays)} actions per active debt per day.`,
    '',
    ...growthNote(figures),
    '## Plan',
    '',
    head(['', ...plans.map((p) => `${big(p.debts)} active debts`)]),
    row(['journeys started per day', ...col((p) => n0(p.journeysPerDay))]),
    row(['history events per day', ...col((p) => big(p.eventsPerDay))]),
    row(['state transitions per second, average', ...col((p) => n0(p.transitionsPerSecondAvg))]),
    row(['state transitions per second, peak', ...col((p) => n0(p.transitionsPerSecondPeak))]),
    row(['history shards (`numHistoryShards`)', ...col((p) => n0(p.shards))]),
    row(['persistence', ...col((p) => p.persistence)]),
    row([
      `history storage (running + ${ASSUMPTIONS.retentionDays.value} days retention)`,
      ...col((p) => `${n1(p.storageGiB)} GiB`),
    ]),
    row(['workflow tasks per second, peak', ...col((p) => n0(p.workflowTasksPerSecondPeak))]),
    row(['worker processes (one core each)', ...col((p) => n0(p.workers))]),
    row(['workflow cache per worker', ...col((p) => `${n0(p.cachePerWorker)} journeys`)]),
    row(['RSS per worker', ...col((p) => `${n0(p.workerRssMiB)} MiB`)]),
    row(['RSS of all workers', ...col((p) => `${n1(p.workersRssGiB)} GiB`)]),
    row(['Temporal Cloud actions per month', ...col((p) => big(p.actionsPerMonth))]),
    '',
    '## How each line is computed',
    '',
    '- journeys started per day = active debts ÷ journey length (each active debt is in one journey at a time).',
    '- history events per day = journeys per day × events per journey; state transitions = events × ' +
      `${A('stateTransitionsPerEvent')}; peak = average × ${A('peakFactor')}.`,
    `- shards = peak state transitions ÷ ${A('transitionsPerShard')} per shard, rounded up to a power of two, at least ${A('minShards')}.`,
    `- persistence: PostgreSQL while the peak stays ≤ ${n0(A('postgresMaxTransitions'))} state transitions/s, else Cassandra (or Temporal Cloud).`,
    '- storage = (active debts + journeys closed within the retention) × history bytes per journey (payloads encrypted, as measured).',
    `- worker processes = peak workflow tasks/s × ${A('workflowTaskCpuMs')} ms ÷ (${A('workerCpuShare')} of a core), at least ${A('minWorkers')};` +
      ` cache per worker = the measured default, or the journeys awake at once (tasks/s per worker × ${A('awakeSeconds')} s) when larger;` +
      ' RSS per worker = idle RSS + cache × RSS per cached journey. Sleeping journeys cost no worker memory: they are evicted and replayed when they wake.',
    `- Temporal Cloud actions per month = journeys per day × ${A('daysPerMonth')} × actions per journey (the journeys' signals — opens, clicks, payments — are in the measured histories).`,
    '',
    '## Assumptions (not measured)',
    '',
    head(['name', 'value', 'why']),
    ...Object.entries(ASSUMPTIONS).map(([name, a]) => row([`\`${name}\``, String(a.value), a.why])),
    '',
    'Change them in scripts/capacity.ts and regenerate; the measured figures come only from the bench report.',
    '',
  ];
  return lines.join('\n');
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function main(): void {
  const reportPath = arg('--report') ?? join(ROOT, 'test-artifacts', 'bench.json');
  const out = arg('--out') ?? join(ROOT, 'docs', 'capacity.md');
  const report = JSON.parse(readFileSync(reportPath, 'utf8')) as BenchReport;
  const text = renderCapacity(report, relative(ROOT, reportPath));
  if (process.argv.includes('--check')) {
    const current = readFileSync(out, 'utf8');
    if (current !== text) {
      console.error(
        `${relative(ROOT, out)} is out of date: npm run capacity -- --report ${relative(ROOT, reportPath)}`,
      );
      process.exitCode = 1;
    }
    return;
  }
  writeFileSync(out, text);
  console.log(`wrote ${relative(ROOT, out)} from ${relative(ROOT, reportPath)}`);
}

if (process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'))) main();
