/**
 * bench/enroll: enrollment throughput on a real Temporal dev server (child process, SQLite with
 * the fast pragmas of tests). `enrollPortfolio` — validation, segment routing, keyed hashes, the
 * plan reference in the input, idempotency policies — against bare `client.workflow.start` calls
 * of an empty workflow, with the same concurrency, in the same run. No worker runs: only starts
 * are measured. Target: enroll ≥ 0.9× raw.
 *
 * Fairness: the kinds take turns in small slices (BENCH_SLICE starts each), in an order that
 * rotates and reverses from slice to slice, on one server. A server that slows down as it fills
 * up, or a neighbour that loads the machine for a while, then costs every kind alike. One
 * `enrollPortfolio` call runs across all its slices (its row stream pauses between them), as a
 * real enrollment would. The server's CPU time (/proc) and this process's CPU time per start are
 * printed too: they depend less on what else the machine is doing than the wall clock.
 *
 * The kinds between the two extremes say where the time goes: `startJourney` on pre-routed
 * records (no validation or routing), and — the way Settle started journeys before the plan store
 * (src/temporal/plan-store.ts) — raw starts carrying the plan by value, raw starts carrying the
 * journey's search attributes, and both with the idempotency policies ("by value"). The
 * client-side pipeline alone is timed with a stub client, and the input's size is taken apart.
 *
 * The journey's first workflow task then does what the start no longer does (upsert the search
 * attributes, load the plan: one local activity, cached per worker); that is server work too,
 * but after enrollment, and it is the same first task in which the journey used to schedule its
 * first activity anyway.
 *
 * Run: npx tsx bench/enroll.ts  (BENCH_N=2000 starts per kind, BENCH_CONCURRENCY=32, BENCH_SLICE=200;
 * BENCH_TEMPORAL=postgres on the production server on PostgreSQL, =both on each: bench/support/temporal-target.ts)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { Client, Connection, WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { compilePaths } from '../src/compiler/index.js';
import { demoPortfolio } from '../src/dev/portfolio.js';
import { enrollPortfolio } from '../src/enrollment/enroll.js';
import type { PortfolioRow } from '../src/project/record.js';
import { createRouter } from '../src/routing/route.js';
import { journeyInput, searchAttributes, startJourney, type StartRequest } from '../src/enrollment/start.js';
import type { EnrollmentData } from '../src/ir/index.js';
import type { JourneyInput } from '../src/workflows/types.js';
import { publishPlan } from '../src/temporal/plan-store.js';
import { workflowIdFor } from '../src/ids/workflow-ids.js';
import { WORKFLOW_TYPE } from '../src/workflows/types.js';
import { ROOT } from '../test/support/journeys.js';
import { emptyWorkflow } from './support/empty-workflow.js';
import { fmt, lpad, pad, pool } from './support/pool.js';
import { figure, writeBenchResult } from './support/report.js';
import { benchTemporalKind, runSideBySide, startBenchTemporal } from './support/temporal-target.js';

const N = Number(process.env.BENCH_N ?? 2_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const SLICE = Number(process.env.BENCH_SLICE ?? 200);
const TASK_QUEUE = 'bench-enroll'; // nobody polls it
const SECRET = 'bench-secret-0123456789abcdef0123456789';
const NOW = Date.parse('2026-11-23T10:00:00Z');
const TARGET = 0.9;

const compiled = compilePaths([join(ROOT, 'journeys')]);
if (compiled.diagnostics.some((d) => d.severity === 'error')) throw new Error('journeys/ does not compile');
const plans = compiled.plans;
const router = createRouter(compiled.project, plans, {});

let seed = 0;
/** A fresh generated portfolio (unique debt ids) and its routed start requests. */
function portfolio(n: number): { records: EnrollmentData[]; requests: StartRequest[] } {
  seed += 1;
  const records = demoPortfolio(n, NOW, seed, `B${seed}`);
  const requests = records.map((record) => {
    const route = router.route(record, NOW);
    if ('unmatched' in route) throw new Error(`${record.debtId} matches no segment`);
    return { taskQueue: TASK_QUEUE, plan: plans.get(route.journey)!, record, secret: SECRET, nowMs: NOW };
  });
  return { records, requests };
}

/** One kind of start: runs its next slice of `n` starts and resolves when they all completed. */
interface Kind {
  name: string;
  slice(n: number): Promise<void>;
  finish?(): Promise<void>;
}

/** A kind that starts its items with a bounded pool, slice by slice. */
function pooled<T>(name: string, items: T[], start: (item: T) => Promise<unknown>): Kind {
  let next = 0;
  return {
    name,
    slice: async (n) => {
      const part = items.slice(next, next + n);
      next += n;
      await pool(part, CONCURRENCY, start);
    },
  };
}

/**
 * enrollPortfolio over the whole portfolio in one call: its row stream hands out one slice at a
 * time and waits for the next turn; a slice ends when enrollPortfolio reports all its rows done.
 */
function enrollKind(records: EnrollmentData[], client: Client): Kind {
  let released = 0;
  let gate: (() => void) | undefined;
  let sliceEnd = 0;
  let sliceDone: (() => void) | undefined;
  let failed: unknown;
  async function* rows(): AsyncGenerator<PortfolioRow> {
    for (const [i, record] of records.entries()) {
      while (i >= released) await new Promise<void>((r) => (gate = r));
      yield { line: i + 2, record };
    }
  }
  const run = enrollPortfolio({
    client,
    taskQueue: TASK_QUEUE,
    plans,
    project: compiled.project,
    rows: rows(),
    secret: SECRET,
    nowMs: NOW,
    concurrency: CONCURRENCY,
    onProgress: (p) => {
      if (p.done >= sliceEnd) sliceDone?.();
    },
  }).then(
    (summary) => {
      if (summary.started !== records.length)
        throw new Error(`enrollPortfolio started ${summary.started} of ${records.length}`);
    },
    (e: unknown) => {
      failed = e;
      sliceDone?.();
    },
  );
  return {
    name: 'enrollPortfolio',
    slice: async (n) => {
      sliceEnd = Math.min(records.length, released + n);
      const done = new Promise<void>((r) => (sliceDone = r));
      released = sliceEnd;
      gate?.();
      await done;
      if (failed) throw failed;
    },
    finish: () => run,
  };
}

interface Tally {
  n: number;
  ms: number;
  serverCpuMs: number;
  clientCpuMs: number;
}

/** Runs every kind for `n` starts in turns of `slice`; returns each kind's totals. */
async function interleave(
  kinds: Kind[],
  n: number,
  slice: number,
  serverCpuMs: () => number,
): Promise<Map<string, Tally>> {
  const tally = new Map(kinds.map((k) => [k.name, { n: 0, ms: 0, serverCpuMs: 0, clientCpuMs: 0 }]));
  for (let s = 0; s * slice < n; s++) {
    const size = Math.min(slice, n - s * slice);
    const rotated = kinds.map((_, i) => kinds[(i + s) % kinds.length]!);
    for (const kind of s % 2 === 0 ? rotated : rotated.reverse()) {
      const s0 = serverCpuMs();
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      await kind.slice(size);
      const t = tally.get(kind.name)!;
      t.ms += performance.now() - t0;
      const c = process.cpuUsage(c0);
      t.clientCpuMs += (c.user + c.system) / 1000;
      t.serverCpuMs += serverCpuMs() - s0;
      t.n += size;
    }
  }
  for (const k of kinds) await k.finish?.();
  return tally;
}

const perSecond = (t: Tally) => (t.n / t.ms) * 1000;

/** The input as Settle sent it before the plan store: the whole plan by value. */
function byValueInput(req: StartRequest): JourneyInput {
  const { planRef: _ref, ...rest } = journeyInput(req);
  return { ...rest, plan: req.plan };
}

/** The client-side work of enrollPortfolio alone, with a client whose start returns at once. */
async function pipelineAlone(records: EnrollmentData[]): Promise<number> {
  // A client that starts anything and knows nothing: no routing table held (gRPC NOT_FOUND), no
  // journeys of the older id.
  const stub = {
    workflow: {
      start: async () => undefined,
      getHandle: () => ({
        describe: async () => {
          throw Object.assign(new Error('not found'), { code: 5 });
        },
      }),
      count: async () => ({ count: 0 }),
    },
  } as unknown as Client;
  const once = async () => {
    const t0 = performance.now();
    const rows = (async function* () {
      for (const [i, record] of records.entries()) yield { line: i + 2, record };
    })();
    await enrollPortfolio({
      client: stub,
      taskQueue: TASK_QUEUE,
      plans,
      project: compiled.project,
      rows,
      secret: SECRET,
      nowMs: NOW,
      concurrency: CONCURRENCY,
    });
    return performance.now() - t0;
  };
  await once();
  return Math.min(await once(), await once());
}

function inputSizes(requests: StartRequest[]): void {
  const size = (v: unknown) => defaultPayloadConverter.toPayload(v)?.data?.length ?? 0;
  const byJourney = new Map<string, { count: number; ref: number; value: number; templates: number }>();
  for (const req of requests) {
    const j = req.plan.journey;
    const e = byJourney.get(j);
    if (e) e.count += 1;
    else
      byJourney.set(j, {
        count: 1,
        ref: size(journeyInput(req)),
        value: size(byValueInput(req)),
        templates: JSON.stringify(req.plan.templates).length,
      });
  }
  let ref = 0;
  let value = 0;
  for (const [j, e] of byJourney) {
    ref += e.ref * e.count;
    value += e.value * e.count;
    console.log(
      `  ${pad(j, 17)} ${lpad(fmt(e.ref), 6)} bytes by reference; by value ${lpad(fmt(e.value), 7)} bytes, of which templates ${lpad(fmt(e.templates), 6)}; ${fmt(e.count)} of ${fmt(requests.length)} records`,
    );
  }
  console.log(
    `  mean input per start: ${fmt(ref / requests.length)} bytes by reference, ${fmt(value / requests.length)} by value (the empty workflow's: none)`,
  );
}

const target = benchTemporalKind();
if (target === 'both') {
  await runSideBySide(fileURLToPath(import.meta.url), /^(Temporal |raw client|enrollPortfolio \(real|ratio enroll)/);
  process.exit(0);
}
const dir = mkdtempSync(join(tmpdir(), 'settle-bench-enroll-'));
const server = await startBenchTemporal(target, join(dir, 'temporal.db'));
const connection = await Connection.connect({ address: server.address });
const client = new Client({ connection, namespace: server.namespace });
try {
  console.log(`${server.label}, no worker; ${fmt(N)} starts per kind, concurrency ${CONCURRENCY}, turns of ${SLICE}.`);
  console.log(
    `Journeys ${[...plans.keys()].join(', ')}; records from demoPortfolio, every one routed by the segments.\n`,
  );

  // Warm-up (connections, JIT, the server's first writes): not reported.
  {
    const warm = portfolio(200);
    const raws = Array.from({ length: 200 }, (_, i) => `bench/warm/${i}`);
    await interleave(
      [
        pooled('raw', raws, (workflowId) =>
          client.workflow.start(emptyWorkflow, { workflowId, taskQueue: TASK_QUEUE }),
        ),
        enrollKind(warm.records, client),
      ],
      200,
      100,
      server.cpuMs,
    );
  }

  const rawIds = Array.from({ length: N }, (_, i) => `bench/raw/${i}`);
  const withAttributes = portfolio(N).requests;
  const withPlan = portfolio(N).requests;
  const byValue = portfolio(N).requests;
  const direct = portfolio(N).requests;
  const enrolled = portfolio(N);
  for (const plan of plans.values()) await publishPlan(client, TASK_QUEUE, plan);
  const kinds: Kind[] = [
    pooled('raw start (empty workflow)', rawIds, (workflowId) =>
      client.workflow.start(emptyWorkflow, { workflowId, taskQueue: TASK_QUEUE }),
    ),
    pooled('before: raw + attributes', withAttributes, (req) =>
      client.workflow.start(emptyWorkflow, {
        workflowId: workflowIdFor(req.record.debtId),
        taskQueue: TASK_QUEUE,
        typedSearchAttributes: searchAttributes(journeyInput(req)),
      }),
    ),
    pooled('before: raw + plan by value', withPlan, (req) =>
      client.workflow.start(WORKFLOW_TYPE, {
        workflowId: workflowIdFor(req.record.debtId),
        taskQueue: TASK_QUEUE,
        args: [byValueInput(req)],
      }),
    ),
    pooled('before: by value + attributes', byValue, (req) =>
      client.workflow.start(WORKFLOW_TYPE, {
        workflowId: workflowIdFor(req.record.debtId),
        taskQueue: TASK_QUEUE,
        args: [byValueInput(req)],
        workflowIdConflictPolicy: WorkflowIdConflictPolicy.FAIL,
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        typedSearchAttributes: searchAttributes(journeyInput(req)),
      }),
    ),
    pooled('startJourney (pre-routed)', direct, (req) => startJourney(client, req)),
    enrollKind(enrolled.records, client),
  ];
  const t0 = performance.now();
  const tally = await interleave(kinds, N, SLICE, server.cpuMs);
  const wallS = (performance.now() - t0) / 1000;

  const raw = tally.get('raw start (empty workflow)')!;
  const enroll = tally.get('enrollPortfolio')!;
  const ratio = perSecond(enroll) / perSecond(raw);
  console.log(`raw client.workflow.start (empty workflow): ${fmt(perSecond(raw))} starts/s`);
  console.log(`enrollPortfolio (real plans and records):   ${fmt(perSecond(enroll))} starts/s`);
  console.log(`ratio enroll / raw: ${ratio.toFixed(2)}× (target ≥ ${TARGET}×: ${ratio >= TARGET ? 'met' : 'NOT met'})`);
  // Machine-readable (BENCH_JSON, bench/support/report.ts): written here, before the client-side breakdown.
  writeBenchResult({
    bench: 'enroll',
    params: { n: N, concurrency: CONCURRENCY, slice: SLICE, server: server.label },
    figures: [
      figure(
        'enroll.startsPerSecond',
        'enrollPortfolio starts/s',
        perSecond(enroll),
        'starts/s',
        { name: 'raw client.workflow.start of an empty workflow, same run', value: perSecond(raw), unit: 'starts/s' },
        { text: `≥ ${TARGET}× raw`, met: ratio >= TARGET },
      ),
    ],
  });

  console.log(`\nAll kinds (${fmt(N * kinds.length)} starts in ${wallS.toFixed(0)} s):`);
  console.log(
    `  ${pad('kind', 28)} ${lpad('starts/s', 9)} ${lpad('× raw', 6)} ${lpad('server CPU ms/start', 20)} ${lpad('client CPU ms/start', 20)}`,
  );
  for (const [name, t] of tally) {
    console.log(
      `  ${pad(name, 28)} ${lpad(fmt(perSecond(t)), 9)} ${lpad((perSecond(t) / perSecond(raw)).toFixed(2), 6)} ${lpad((t.serverCpuMs / t.n).toFixed(2), 20)} ${lpad((t.clientCpuMs / t.n).toFixed(2), 20)}`,
    );
  }

  console.log('\nClient side:');
  const localMs = await pipelineAlone(demoPortfolio(N, NOW, 999, 'LOCAL'));
  console.log(
    `  enrollPortfolio with a stub client (validate + route + hashes + input): ${fmt((N / localMs) * 1000)} rows/s, ${((localMs * 1000) / N).toFixed(0)} µs/row, one core`,
  );
  console.log('  journey input per start:');
  inputSizes(enrolled.requests);
} finally {
  await connection.close();
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
