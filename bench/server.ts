/**
 * bench/server: the tracking server on loopback, as `settle server` runs it (this process: the app,
 * the signal dispatcher and a Temporal client), with autocannon in a worker thread of this process,
 * each load beside a bare fastify route answering the same 43-byte GIF to the same request paths,
 * measured just before it in the same run (the ratio is what compares across machines).
 *
 * Two modes (BENCH_MODES, default both):
 * - `no-temporal`: no Temporal server at all. The app and the real signal dispatcher run over a
 *   Temporal client whose connection points at a closed port: the first hit of each message is
 *   queued (and its delivery fails and retries in the background), every repeat is a duplicate.
 *   Tokens are signed here for N messages. This row measures the HTTP path alone.
 * - `temporal`: the Temporal dev server and the journey worker as child processes — all on the
 *   same (2-core) box, so Temporal's work on the signals competes with the HTTP load for the CPU.
 *   1. open pixel: GET /t/o/<token> over the pixels of N real emails (each sent by a running
 *      journey waiting in `waitFor [opened, clicked]`), CONNECTIONS connections, SECONDS s;
 *   2. click redirect: one click per email at a browser's pace first (signal delivery without
 *      load), then GET /t/c/<token> over the same links under load (repeats only).
 *   Then: how fast the queued signals reached the journeys (dispatcher counters), and whether each
 *   journey holds exactly one `opened` and one `clicked` event (its `state` query) and exited.
 *
 * Beside req/s: the CPU time of the server's thread per request (autocannon runs in a worker thread),
 * which moves less than req/s when other processes load the machine.
 *
 * Goals: pixel ≥ 0.8× bare fastify with Temporal running and p99 ≤ 10 ms, ≥ 0.9× without Temporal;
 * every hit delivered as exactly one event.
 *
 * Run: npx tsx bench/server.ts  (BENCH_JOURNEYS=200, BENCH_SECONDS=10, BENCH_CONNECTIONS=100,
 * BENCH_ROUNDS=3, BENCH_MODES=no-temporal,temporal; BENCH_JSON=path writes the figures as JSON, bench/support/report.ts)
 */
import { setTimeout as delay } from 'node:timers/promises';
import { Client, Connection } from '@temporalio/client';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import { signLinkToken } from '../src/channels/tokens.js';
import { createLogger } from '../src/log/index.js';
import { createProcessMetrics, createServerMetrics, dispatcherSignals } from '../src/metrics/index.js';
import { createServerApp } from '../src/server/app.js';
import { createJourneyLookup } from '../src/server/journey-lookup.js';
import { PIXEL_GIF } from '../src/server/routes/tracking.js';
import { createSignalDispatcher, type TemporalSignalDispatcher } from '../src/server/signal-dispatcher.js';
import { stateQuery } from '../src/workflows/definitions.js';
import type { JourneyResult } from '../src/workflows/types.js';
import { SECRET } from '../test/support/journey-worker.js';
import { fmt, lpad, pad, pool } from './support/pool.js';
import { figure, writeBenchResult, type Figure } from './support/report.js';
import { PUBLIC_URL, trackedJourneys } from './support/tracked-journeys.js';

const N = Number(process.env.BENCH_JOURNEYS ?? 200);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 100);
/** Reference and load alternate this many times; the pair with the median ratio is reported. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const MODES = (process.env.BENCH_MODES ?? 'no-temporal,temporal').split(',').map((m) => m.trim());
const UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148';

interface Load {
  name: string;
  rps: number;
  /** CPU time of this process's main thread (the server: autocannon runs in a worker thread) per answered request. */
  cpuUs: number;
  p50: number;
  p99: number;
  ok: number;
  bad: number;
  errors: number;
}

async function load(name: string, url: string, paths: string[], okStatus: number): Promise<Load> {
  const cpu0 = process.threadCpuUsage();
  const r = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: SECONDS,
    workers: 1,
    headers: { 'user-agent': UA },
    requests: paths.map((path) => ({ method: 'GET' as const, path })),
  });
  const cpu = process.threadCpuUsage(cpu0);
  const ok = okStatus === 200 ? r['2xx'] : r['3xx'];
  const bad = r['2xx'] + r['3xx'] + r['4xx'] + r['5xx'] - ok;
  const cpuUs = (cpu.user + cpu.system) / Math.max(1, r['2xx'] + r['3xx'] + r['4xx'] + r['5xx']);
  return {
    name,
    rps: ok / r.duration,
    cpuUs,
    p50: r.latency.p50,
    p99: r.latency.p99,
    ok,
    bad,
    errors: r.errors + r.timeouts,
  };
}

/**
 * The reference: bare fastify (no logger, no plugins) answering the same GIF to the same requests —
 * the same `/t/o/<token>` paths, so the request parsing and the load generator's work are the same —
 * with a handler that does nothing else.
 */
async function bareReference(paths: string[]): Promise<Load> {
  const bare = Fastify({ logger: false, routerOptions: { maxParamLength: 4096 } });
  bare.get('/t/o/:token', (_req, reply) =>
    reply.type('image/gif').header('cache-control', 'no-store, private').send(PIXEL_GIF),
  );
  const url = await bare.listen({ host: '127.0.0.1', port: 0 });
  try {
    return await load('bare fastify GIF, same paths (reference)', url, paths, 200);
  } finally {
    await bare.close();
  }
}

/** Polls the dispatcher until `delivered` reaches `target`; returns when it did (ms since epoch). */
async function deliveredBy(
  stats: () => { delivered: number },
  target: number,
  timeoutMs = 300_000,
): Promise<number | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (stats().delivered >= target) return Date.now();
    await delay(20);
  }
  return undefined;
}

/** The app as `settle server` wires it (src/app/server-wiring.ts): hit metrics, the counted dispatcher, a logger. */
function serverApp(client: Client, dispatcher: TemporalSignalDispatcher) {
  const metrics = createProcessMetrics({ signals: dispatcherSignals(() => dispatcher.stats()) });
  const counted = createServerMetrics(metrics.metrics);
  return createServerApp({
    secret: SECRET,
    publicUrl: PUBLIC_URL,
    dispatcher: counted.dispatcher(dispatcher),
    lookup: createJourneyLookup(client),
    ready: async () => true,
    metrics: metrics.text,
    hits: counted.hits,
    onWebhookResponse: counted.webhookResponse,
    log: createLogger({ service: 'settle-server', level: 'info' }),
  });
}

function table(loads: Load[]): void {
  console.log(
    `${pad('load', 44)}${lpad('req/s', 10)}${lpad('CPU µs/req', 12)}${lpad('p50 ms', 9)}${lpad('p99 ms', 9)}${lpad('answered', 11)}${lpad('other', 7)}${lpad('errors', 8)}`,
  );
  for (const l of loads) {
    console.log(
      `${pad(l.name, 44)}${lpad(fmt(l.rps), 10)}${lpad(fmt(l.cpuUs, 1), 12)}${lpad(fmt(l.p50, 1), 9)}${lpad(fmt(l.p99, 1), 9)}${lpad(fmt(l.ok), 11)}${lpad(l.bad, 7)}${lpad(l.errors, 8)}`,
    );
  }
}

/** ROUNDS of (bare reference, load) back to back; the pair whose ratio is the median. */
async function pairs(
  paths: string[],
  run: () => Promise<Load>,
): Promise<{ reference: Load; load: Load; ratios: number[] }> {
  const all: { reference: Load; load: Load; ratio: number }[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const reference = await bareReference(paths);
    const measured = await run();
    all.push({ reference, load: measured, ratio: measured.rps / reference.rps });
  }
  const ratios = all.map((p) => p.ratio);
  const median = [...all].sort((a, b) => a.ratio - b.ratio)[Math.floor(all.length / 2)]!;
  return { reference: median.reference, load: median.load, ratios };
}

const ref = (l: Load) => ({ name: l.name, value: l.rps, unit: 'req/s' });

/** The HTTP path alone: tokens signed here, a dispatcher whose Temporal client never reaches a server. */
async function withoutTemporal(figures: Figure[]): Promise<Record<string, unknown>> {
  console.log(`\n--- no Temporal: dispatcher over a client connected to nothing (127.0.0.1:1) ---`);
  const issued = Date.now() - 60_000;
  const pixels = Array.from(
    { length: N },
    (_, i) =>
      `/t/o/${signLinkToken(SECRET, { p: 'o', w: `settle/BENCH-${i}/soft`, s: 'first-email', c: 'email', k: `settle/BENCH-${i}/soft/first-email/1` }, undefined, issued)}`,
  );
  const connection = await Connection.connect({ address: '127.0.0.1:1', connectTimeout: 100 }).catch(() => undefined);
  // Connection.connect fails against a closed port; a lazy one is never dialled until a signal is sent.
  const lazy = connection ?? Connection.lazy({ address: '127.0.0.1:1' });
  const client = new Client({ connection: lazy });
  // Signals to nowhere: retried in the background for longer than the run, so each first hit is queued once.
  const dispatcher = createSignalDispatcher(client, { retryBudgetMs: 600_000, callTimeoutMs: 500 });
  const app = serverApp(client, dispatcher);
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  const {
    reference,
    load: pixel,
    ratios,
  } = await pairs(pixels, () => load('open pixel GET /t/o/<token>, no Temporal', url, pixels, 200));
  const s = dispatcher.stats();
  await app.close();
  await dispatcher.flush(100);
  await lazy.close().catch(() => undefined);
  table([reference, pixel]);
  const ratio = pixel.rps / reference.rps;
  console.log(
    `ratio ${ratio.toFixed(2)}× bare fastify (median of ${ROUNDS}: ${ratios.map((r) => r.toFixed(2)).join(', ')}; goal ≥ 0.9×: ${ratio >= 0.9 ? 'met' : 'NOT met'}); CPU per request ${(pixel.cpuUs / reference.cpuUs).toFixed(2)}× bare; first hits queued ${s.queued}, repeats ${fmt(s.duplicate)}`,
  );
  figures.push(
    figure('pixel.noTemporal.rps', 'open pixel, no Temporal', pixel.rps, 'req/s', ref(reference), {
      text: '≥ 0.9× bare fastify',
      met: ratio >= 0.9,
    }),
    figure('pixel.noTemporal.cpuPerRequest', 'open pixel, server CPU per request, no Temporal', pixel.cpuUs, 'µs', {
      name: 'bare fastify CPU per request',
      value: reference.cpuUs,
      unit: 'µs',
    }),
    figure('pixel.noTemporal.p50', 'open pixel p50, no Temporal', pixel.p50, 'ms', {
      name: 'bare fastify p50',
      value: reference.p50,
      unit: 'ms',
    }),
    figure('pixel.noTemporal.p99', 'open pixel p99, no Temporal', pixel.p99, 'ms', {
      name: 'bare fastify p99',
      value: reference.p99,
      unit: 'ms',
    }),
  );
  return { reference, pixel, ratios, dispatcher: s };
}

async function withTemporal(figures: Figure[]): Promise<Record<string, unknown>> {
  console.log(`\n--- Temporal running: dev server and journey worker as child processes ---`);
  const journeys = await trackedJourneys(N, `BENCH-${Date.now().toString(36).toUpperCase()}`);
  console.log(`setup: ${N} journeys enrolled and their emails received in ${fmt(journeys.setupMs / 1000, 1)} s`);
  const dispatcher = createSignalDispatcher(journeys.client);
  const app = serverApp(journeys.client, dispatcher);
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  await delay(2_100); // the newest email's links leave the 2 s machine-hit window

  // References measured with Temporal and the worker running too, as the tracking routes are.
  // Opens: the first hit of every pixel comes inside the first load, so their signals compete with it.
  const t0 = Date.now();
  const opensDelivered = deliveredBy(dispatcher.stats, N);
  const {
    reference,
    load: pixel,
    ratios,
  } = await pairs(journeys.pixels, () => load('open pixel GET /t/o/<token>', url, journeys.pixels, 200));
  // Each pixel once more at a browser's pace: a load too slow to reach every pixel still opens them all.
  await pool(journeys.pixels, 16, async (path) => {
    const res = await fetch(`${url}${path}`, { headers: { 'user-agent': UA } });
    if (res.status !== 200) throw new Error(`pixel answered ${res.status}`);
  });
  const opensAt = await opensDelivered;
  // Clicks: one hit per link first, at a browser's pace (16 at a time), then the load (repeats only).
  const t1 = Date.now();
  const clicksDelivered = deliveredBy(dispatcher.stats, 2 * N);
  await pool(journeys.clicks, 16, async (path) => {
    const res = await fetch(`${url}${path}`, { headers: { 'user-agent': UA }, redirect: 'manual' });
    if (res.status !== 302) throw new Error(`click answered ${res.status}`);
  });
  const clicksAt = await clicksDelivered;
  const click = await load('click GET /t/c/<token>', url, journeys.clicks, 302);

  // Each journey: exactly one opened and one clicked event, and the route taken on the click.
  let exact = 0;
  let routed = 0;
  await pool(journeys.workflowIds, 16, async (id) => {
    const handle = journeys.client.workflow.getHandle(id);
    const result = (await handle.result()) as JourneyResult;
    const events = (await handle.query(stateQuery)).events.map((e) => e.type);
    if (events.filter((e) => e === 'opened').length === 1 && events.filter((e) => e === 'clicked').length === 1)
      exact += 1;
    if (result.outcome === 'clicked') routed += 1;
  });
  const s = dispatcher.stats();
  await app.close();
  await dispatcher.flush();
  await journeys.close();

  table([reference, pixel, click]);
  const hits = s.queued + s.duplicate;
  const rate = (n: number, from: number, to: number | undefined) =>
    to === undefined
      ? 'not all delivered'
      : `${fmt(n / ((to - from) / 1000), 0)} signals/s (${n} in ${fmt((to - from) / 1000, 2)} s from the first hit)`;
  const ratio = pixel.rps / reference.rps;
  const exactOnce = exact === N && s.queued === 2 * N && s.delivered === 2 * N;
  console.log(
    `valid human hits: ${fmt(hits)} → signals queued ${s.queued}, repeats not signalled ${fmt(s.duplicate)}, queue full ${s.full}, delivered ${s.delivered}, failed ${s.failed}, journey gone ${s.notFound}, retries ${s.retried}`,
  );
  console.log(`opens → journeys, first hits inside the ${SECONDS} s pixel load: ${rate(N, t0, opensAt)}`);
  console.log(`clicks → journeys, ${N} first hits without load:            ${rate(N, t1, clicksAt)}`);
  console.log(
    `journeys with exactly one opened and one clicked event: ${exact}/${N}; exited on the click route: ${routed}/${N}`,
  );
  console.log(
    `ratio ${ratio.toFixed(2)}× bare fastify (median of ${ROUNDS}: ${ratios.map((r) => r.toFixed(2)).join(', ')}; goal ≥ 0.8×: ${ratio >= 0.8 ? 'met' : 'NOT met'}), CPU per request ${(pixel.cpuUs / reference.cpuUs).toFixed(2)}× bare, p99 ${fmt(pixel.p99, 1)} ms (goal ≤ 10 ms: ${pixel.p99 <= 10 ? 'met' : 'NOT met'}), every hit exactly one event: ${exactOnce ? 'yes' : 'NO'}`,
  );
  figures.push(
    figure('pixel.temporal.rps', 'open pixel, Temporal running', pixel.rps, 'req/s', ref(reference), {
      text: '≥ 0.8× bare fastify',
      met: ratio >= 0.8,
    }),
    figure('pixel.temporal.cpuPerRequest', 'open pixel, server CPU per request, Temporal running', pixel.cpuUs, 'µs', {
      name: 'bare fastify CPU per request',
      value: reference.cpuUs,
      unit: 'µs',
    }),
    figure('pixel.temporal.p50', 'open pixel p50, Temporal running', pixel.p50, 'ms', {
      name: 'bare fastify p50',
      value: reference.p50,
      unit: 'ms',
    }),
    figure(
      'pixel.temporal.p99',
      'open pixel p99, Temporal running',
      pixel.p99,
      'ms',
      { name: 'bare fastify p99', value: reference.p99, unit: 'ms' },
      { text: '≤ 10 ms', met: pixel.p99 <= 10 },
    ),
    figure('click.temporal.rps', 'click redirect, Temporal running', click.rps, 'req/s', ref(reference)),
    figure(
      'events.exactlyOnce',
      'journeys with exactly one opened and one clicked event',
      exact,
      'journeys',
      {
        name: 'journeys',
        value: N,
        unit: 'journeys',
      },
      { text: 'all', met: exactOnce },
    ),
  );
  return { reference, pixel, ratios, click, dispatcher: s, exact, routed };
}

async function main(): Promise<void> {
  console.log(
    `bench/server: ${N} messages, ${CONNECTIONS} connections, ${SECONDS} s per load, modes ${MODES.join(', ')}`,
  );
  const figures: Figure[] = [];
  const details: Record<string, unknown> = {};
  if (MODES.includes('no-temporal')) details.noTemporal = await withoutTemporal(figures);
  if (MODES.includes('temporal')) details.temporal = await withTemporal(figures);
  writeBenchResult({
    bench: 'server',
    params: { journeys: N, seconds: SECONDS, connections: CONNECTIONS, rounds: ROUNDS, modes: MODES.join(',') },
    figures,
    details,
  });
}

// A ref'd timer for the whole run: between autocannon's worker and the servers, Node may otherwise
// find nothing keeping the event loop alive while a load is being collected.
const keepAlive = setInterval(() => undefined, 1_000);
await main();
clearInterval(keepAlive);
