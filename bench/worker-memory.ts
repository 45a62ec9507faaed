/**
 * bench/worker-memory: the resident memory of a journey worker as sleeping journeys pile up. A
 * Temporal dev server (child process, fast SQLite), a local SMTP sink and the production worker
 * entry point (`node --import tsx src/cli/main.ts worker`, its own process, so its RSS is its own)
 * with default settings. Journeys whose first step is `wait: 30d` are started in stages up to
 * BENCH_JOURNEYS (10,000); at 0, when the workflow cache is full (the size the worker logs at
 * start), 1k, 2.5k, 5k, 10k, 15k, 20k… once the worker has processed every first workflow task
 * (counted by the SettleStep search attribute the journey sets when it starts waiting), the
 * worker's VmRSS (/proc/<pid>/status) is sampled. Prints RSS, growth per 1k journeys between
 * samples, the peak, RSS per cached journey and the growth per 1k journeys while the cache fills
 * and once it is full (flat is the goal: sleeping journeys outside the cache cost nothing).
 *
 * Run: npx tsx bench/worker-memory.ts  (BENCH_JOURNEYS=20000 for the long run, BENCH_STAGES=a,b,c
 * instead of the default stages, BENCH_CONCURRENCY=32, BENCH_MAX_CACHED=N passes
 * --max-cached-workflows N to the worker, BENCH_BUDGET_S=480, BENCH_TRACE_GC=1 runs the worker with
 * --trace-gc and adds its JS heap, live after the last full GC and committed, to each sample: RSS
 * minus the heap is native memory, the SDK's core and the V8 contexts)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { Client, Connection } from '@temporalio/client';
import { startSmtpSink } from '../src/dev/smtp-sink.js';
import { demoPortfolio } from '../src/dev/portfolio.js';
import { journeyInput, startJourney } from '../src/enrollment/start.js';
import { planFromYaml, ROOT } from '../test/support/journeys.js';
import { startDevServerProcess } from '../test/support/temporal.js';
import { fmt, lpad, pool } from './support/pool.js';
import { cpuMs, rssMiB } from './support/proc.js';
import { figure, writeBenchResult, type Figure } from './support/report.js';

const JOURNEYS = Number(process.env.BENCH_JOURNEYS ?? 10_000);
/** Goals of issue 20: RSS per cached journey, growth with the defaults for 10,000 journeys. */
const GOAL_MIB_PER_CACHED = 0.4;
const GOAL_GROWTH_MB = 150;

/** The stages: the full cache, then 1k, 2.5k, 5k, 10k and every 5k after, up to JOURNEYS. */
function stagesFor(cache: number): number[] {
  if (process.env.BENCH_STAGES) return process.env.BENCH_STAGES.split(',').map(Number);
  const marks = [1_000, 2_500, 5_000];
  for (let n = 10_000; n < JOURNEYS; n += 5_000) marks.push(n);
  return [...new Set([cache, ...marks, JOURNEYS])].filter((n) => n > 0 && n <= JOURNEYS).sort((a, b) => a - b);
}
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const MAX_CACHED = process.env.BENCH_MAX_CACHED;
const TRACE_GC = process.env.BENCH_TRACE_GC === '1';
const BUDGET_MS = Number(process.env.BENCH_BUDGET_S ?? 480) * 1000;
const TASK_QUEUE = 'bench-worker-memory';
const SECRET = 'bench-secret-0123456789abcdef0123456789';
const STEP = 'long-wait';

const plan = planFromYaml(`
apiVersion: settle/v1
kind: Journey
metadata:
  name: sleepy
  version: 1
  description: Sleeps for a month, then one reminder
spec:
  policy: eu-default
  goal: paid
  steps:
    - id: ${STEP}
      type: wait
      duration: 30d
    - id: reminder
      type: send
      channel: email
      template: overdue-friendly
      paymentLink: true
    - id: done
      type: exit
      outcome: escalated
`);

const began = performance.now();
const dir = mkdtempSync(join(tmpdir(), 'settle-bench-worker-memory-'));
const server = await startDevServerProcess({ dbFilename: join(dir, 'temporal.db') });
const smtp = await startSmtpSink();
const connection = await Connection.connect({ address: server.address });
const client = new Client({ connection });

const worker = spawn(
  process.execPath,
  [
    ...(TRACE_GC ? ['--trace-gc'] : []),
    '--import',
    'tsx',
    join(ROOT, 'src', 'cli', 'main.ts'),
    'worker',
    ...(MAX_CACHED ? ['--max-cached-workflows', MAX_CACHED] : []),
  ],
  {
    cwd: ROOT,
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: server.address,
      SMTP_URL: smtp.url,
      SETTLE_SECRET: SECRET,
      TEMPORAL_TASK_QUEUE: TASK_QUEUE,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  },
);
let workerLog = '';
let cacheLine: string | undefined;
/** From --trace-gc (BENCH_TRACE_GC=1): JS heap live after the last full GC, and committed at the last GC (MB). */
const gc = { live: NaN, committed: NaN };
let partial = '';
function onLine(line: string) {
  if (cacheLine === undefined && line.includes('"maxCachedWorkflows"')) cacheLine = line;
  const m = /(Scavenge|Mark-Compact|Mark-Compact \(reduce\))\S*\s+[\d.]+ \([\d.]+\) -> ([\d.]+) \(([\d.]+)\) MB/.exec(
    line,
  );
  if (!m) return;
  if (m[1]!.startsWith('Mark-Compact')) gc.live = Number(m[2]);
  gc.committed = Number(m[3]);
}
const workerExit = new Promise<number | null>((resolve) => worker.once('exit', (code) => resolve(code)));
const ready = new Promise<void>((resolve, reject) => {
  const onData = (chunk: Buffer) => {
    const text = chunk.toString();
    const lines = (partial + text).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) onLine(line);
    workerLog = (workerLog + text).slice(-20_000);
    if (workerLog.includes('worker ready')) resolve();
  };
  worker.stdout!.on('data', onData);
  worker.stderr!.on('data', onData);
  void workerExit.then((code) => reject(new Error(`worker exited (${code}) before it was ready:\n${workerLog}`)));
});

let peak = 0;
const sampler = setInterval(() => {
  try {
    peak = Math.max(peak, rssMiB(worker.pid!));
  } catch {
    // the worker is gone; the main flow reports it
  }
}, 250);

const processed = async () =>
  (await client.workflow.count(`TaskQueue = '${TASK_QUEUE}' AND SettleStep = '${STEP}'`)).count;

/** Waits until the worker has processed the first task of `n` journeys; false when the budget ran out. */
async function settled(n: number): Promise<boolean> {
  for (;;) {
    if ((await processed()) >= n) return true;
    if (performance.now() - began > BUDGET_MS) return false;
    if (worker.exitCode !== null) throw new Error(`worker exited:\n${workerLog}`);
    await delay(500);
  }
}

try {
  const t0 = performance.now();
  await ready;
  // The cache size and its reason, as `settle worker` logs them at start.
  const cache = Number(/"maxCachedWorkflows":(\d+)/.exec(cacheLine ?? '')?.[1] ?? NaN);
  const why = /"why":"([^"]*)"/.exec(cacheLine ?? '')?.[1] ?? 'not logged';
  if (!Number.isFinite(cache)) throw new Error(`the worker did not log its workflow cache:\n${workerLog}`);
  const STAGES = stagesFor(cache);
  console.log(
    `Worker: settle worker in its own process (pid ${worker.pid}), ready in ${((performance.now() - t0) / 1000).toFixed(1)} s; dev server ${server.address} (SQLite, fast pragmas).`,
  );
  console.log(`Workflow cache: ${fmt(cache)} journeys (${why}).`);
  console.log(
    `Journey: wait 30d → email → exit (input ${fmt(JSON.stringify(journeyInput({ taskQueue: TASK_QUEUE, plan, record: demoPortfolio(1, Date.now())[0]!, secret: SECRET, nowMs: Date.now() })).length)} bytes); starts ${CONCURRENCY} at a time.\n`,
  );

  await delay(2_000);
  const rows: { journeys: number; rss: number; seconds: number }[] = [
    { journeys: 0, rss: rssMiB(worker.pid!), seconds: 0 },
  ];
  console.log(
    `${lpad('journeys', 9)} ${lpad('RSS MiB', 8)} ${lpad('Δ MiB / 1k', 11)} ${lpad('stage s', 8)} ${lpad('starts/s', 9)} ${lpad('worker CPU s', 13)}${TRACE_GC ? ` ${lpad('JS live MB', 11)} ${lpad('JS heap MB', 11)}` : ''}`,
  );
  console.log(
    `${lpad(0, 9)} ${lpad(rows[0]!.rss.toFixed(0), 8)} ${lpad('', 11)} ${lpad('', 8)} ${lpad('', 9)} ${lpad((cpuMs(worker.pid!) / 1000).toFixed(1), 13)}${TRACE_GC ? ` ${lpad(gc.live.toFixed(0), 11)} ${lpad(gc.committed.toFixed(0), 11)}` : ''}`,
  );
  const records = demoPortfolio(STAGES.at(-1)!, Date.now(), 7, 'MEM');
  let started = 0;
  let stopped: string | undefined;
  for (const target of STAGES) {
    const stageStart = performance.now();
    const batch = records.slice(started, target);
    const nowMs = Date.now();
    await pool(batch, CONCURRENCY, async (record) => {
      if (performance.now() - began > BUDGET_MS) return;
      await startJourney(client, { taskQueue: TASK_QUEUE, plan, record, secret: SECRET, nowMs });
      started += 1;
    });
    const done = await settled(started);
    const seconds = (performance.now() - stageStart) / 1000;
    if (!done || started < target) {
      stopped = `time budget of ${BUDGET_MS / 1000} s reached at ${fmt(started)} journeys started, ${fmt(await processed())} processed`;
      break;
    }
    await delay(2_000); // let the last tasks' garbage settle a little
    const prev = rows.at(-1)!;
    const rss = rssMiB(worker.pid!);
    rows.push({ journeys: target, rss, seconds });
    console.log(
      `${lpad(fmt(target), 9)} ${lpad(rss.toFixed(0), 8)} ${lpad((((rss - prev.rss) * 1000) / (target - prev.journeys)).toFixed(1), 11)} ${lpad(seconds.toFixed(0), 8)} ${lpad(fmt(batch.length / seconds), 9)} ${lpad((cpuMs(worker.pid!) / 1000).toFixed(1), 13)}${TRACE_GC ? ` ${lpad(gc.live.toFixed(0), 11)} ${lpad(gc.committed.toFixed(0), 11)}` : ''}`,
    );
  }
  const last = rows.at(-1)!;
  const first = rows[0]!;
  console.log(
    `\nRSS ${first.rss.toFixed(0)} MiB idle → ${last.rss.toFixed(0)} MiB with ${fmt(last.journeys)} sleeping journeys (+${(last.rss - first.rss).toFixed(0)} MiB, ${(((last.rss - first.rss) * 1000) / Math.max(1, last.journeys)).toFixed(1)} MiB per 1k on average); peak ${peak.toFixed(0)} MiB.`,
  );
  // Growth while the cache fills (idle → the stage where it is full) and once it is full (that stage → the last).
  const full = rows.find((r) => r.journeys >= cache);
  if (full && full.journeys > 0) {
    const perCached = (full.rss - first.rss) / Math.min(cache, full.journeys);
    console.log(
      `While the cache fills (0 → ${fmt(full.journeys)}): ${perCached.toFixed(2)} MiB per cached journey, ${(perCached * 1000).toFixed(0)} MiB per 1k journeys (goal ≤ ${GOAL_MIB_PER_CACHED} MiB per cached journey: ${perCached <= GOAL_MIB_PER_CACHED ? 'met' : 'NOT met'}).`,
    );
    if (last.journeys > full.journeys) {
      const after = ((last.rss - full.rss) * 1000) / (last.journeys - full.journeys);
      console.log(
        `Once it is full (${fmt(full.journeys)} → ${fmt(last.journeys)}): ${after >= 0 ? '+' : ''}${after.toFixed(1)} MiB per 1k journeys.`,
      );
    }
  }
  if (!MAX_CACHED && last.journeys >= 10_000) {
    const mb = ((last.rss - first.rss) * 2 ** 20) / 1e6;
    console.log(
      `Growth with the defaults, ${fmt(last.journeys)} sleeping journeys: +${mb.toFixed(0)} MB (goal ≤ +${GOAL_GROWTH_MB} MB for 10,000: ${mb <= GOAL_GROWTH_MB ? 'met' : 'NOT met'}).`,
    );
  }
  // Machine-readable figures (BENCH_JSON, bench/support/report.ts), each beside the idle worker's RSS.
  const idle = { name: 'idle worker RSS, same run', value: first.rss, unit: 'MiB' };
  const figures: Figure[] = [
    figure('worker.idleRss', 'idle worker RSS', first.rss, 'MiB'),
    figure('worker.cacheSize', 'workflow cache (maxCachedWorkflows)', cache, 'journeys'),
  ];
  if (full && full.journeys > 0) {
    const perCached = (full.rss - first.rss) / Math.min(cache, full.journeys);
    figures.push(
      figure('worker.rssPerCachedJourney', 'worker RSS per cached journey', perCached, 'MiB', idle, {
        text: `≤ ${GOAL_MIB_PER_CACHED} MiB`,
        met: perCached <= GOAL_MIB_PER_CACHED,
      }),
    );
    if (last.journeys > full.journeys)
      figures.push(
        figure(
          'worker.growthAfterFullPer1k',
          'RSS growth once the cache is full, per 1k journeys',
          ((last.rss - full.rss) * 1000) / (last.journeys - full.journeys),
          'MiB',
          idle,
        ),
      );
  }
  writeBenchResult({
    bench: 'worker-memory',
    params: { journeys: last.journeys, maxCached: MAX_CACHED ?? 'default' },
    figures,
    details: { rows, peak, ...(stopped && { stopped }) },
  });
  if (stopped) console.log(`Stopped early: ${stopped}.`);
  console.log(`Total ${((performance.now() - began) / 1000).toFixed(0)} s.`);
} finally {
  clearInterval(sampler);
  worker.kill('SIGTERM');
  const killer = setTimeout(() => worker.kill('SIGKILL'), 15_000);
  await workerExit;
  clearTimeout(killer);
  await connection.close();
  await server.stop();
  await smtp.close();
  rmSync(dir, { recursive: true, force: true });
}
