/**
 * bench/server: the tracking server on loopback, as `settle server` runs it (this process: the app,
 * the signal dispatcher and a Temporal client), with autocannon in a worker thread of this
 * process and the Temporal dev server and the journey worker as child processes — all on the same
 * (2-core) box, so Temporal's work on the signals competes with the HTTP load for the CPU.
 *
 * 1. reference: a bare fastify route answering the same 43-byte GIF;
 * 2. open pixel: GET /t/o/<token> over the pixels of N real emails (each sent by a running
 *    journey waiting in `waitFor [opened, clicked]`), 100 connections, ~10 s;
 * 3. click redirect: one click per email at a browser's pace first (signal delivery without
 *    load), then GET /t/c/<token> over the same links under load (repeats only).
 * Every hit verifies its HMAC token, classifies the hit and hands a signal to the dispatcher:
 * the first hit of each (message, event) is queued, every repeat is counted as a duplicate.
 * Then: how fast the queued signals reached the journeys (dispatcher counters), and whether each
 * journey holds exactly one `opened` and one `clicked` event (its `state` query) and exited.
 * Targets: ≥ 5,000 pixel req/s, p99 < 20 ms, every hit delivered as exactly one event.
 *
 * Run: npx tsx bench/server.ts  (BENCH_JOURNEYS=200, BENCH_SECONDS=10, BENCH_CONNECTIONS=100)
 */
import { setTimeout as delay } from 'node:timers/promises';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import { createLogger } from '../src/log/index.js';
import { createServerApp } from '../src/server/app.js';
import { createJourneyLookup } from '../src/server/journey-lookup.js';
import { PIXEL_GIF } from '../src/server/routes/tracking.js';
import { createSignalDispatcher } from '../src/server/signal-dispatcher.js';
import { stateQuery } from '../src/workflows/definitions.js';
import type { JourneyResult } from '../src/workflows/types.js';
import { SECRET } from '../test/support/journey-worker.js';
import { fmt, lpad, pad, pool } from './support/pool.js';
import { PUBLIC_URL, trackedJourneys } from './support/tracked-journeys.js';

const N = Number(process.env.BENCH_JOURNEYS ?? 200);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 100);
const UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148';

interface Load {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  ok: number;
  bad: number;
  errors: number;
}

async function load(name: string, url: string, paths: string[], okStatus: number): Promise<Load> {
  const r = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: SECONDS,
    workers: 1,
    headers: { 'user-agent': UA },
    requests: paths.map((path) => ({ method: 'GET' as const, path })),
  });
  const ok = okStatus === 200 ? r['2xx'] : r['3xx'];
  const bad = r['2xx'] + r['3xx'] + r['4xx'] + r['5xx'] - ok;
  return { name, rps: ok / r.duration, p50: r.latency.p50, p99: r.latency.p99, ok, bad, errors: r.errors + r.timeouts };
}

async function bareReference(): Promise<Load> {
  const bare = Fastify({ logger: false });
  bare.get('/gif', (_req, reply) => reply.type('image/gif').header('cache-control', 'no-store').send(PIXEL_GIF));
  const url = await bare.listen({ host: '127.0.0.1', port: 0 });
  try {
    return await load('bare fastify GIF (reference)', url, ['/gif'], 200);
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

async function main(): Promise<void> {
  console.log(`bench/server: ${N} journeys, ${CONNECTIONS} connections, ${SECONDS} s per load`);
  const journeys = await trackedJourneys(N, `BENCH-${Date.now().toString(36).toUpperCase()}`);
  console.log(`setup: ${N} journeys enrolled and their emails received in ${fmt(journeys.setupMs / 1000, 1)} s`);
  // Measured with Temporal and the worker running too, as the tracking routes are.
  const reference = await bareReference();
  const dispatcher = createSignalDispatcher(journeys.client);
  const app = createServerApp({
    secret: SECRET,
    publicUrl: PUBLIC_URL,
    dispatcher,
    lookup: createJourneyLookup(journeys.client),
    ready: async () => true,
    metrics: async () => '',
    log: createLogger({ service: 'settle-server', level: 'warn' }),
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  await delay(2_100); // the newest email's links leave the 2 s machine-hit window

  // Opens: the first hit of every pixel comes inside the load, so their signals compete with it.
  const t0 = Date.now();
  const opensDelivered = deliveredBy(dispatcher.stats, N);
  const pixel = await load('open pixel   GET /t/o/<token>', url, journeys.pixels, 200);
  const opensAt = await opensDelivered;
  // Clicks: one hit per link first, at a browser's pace (16 at a time), then the load (repeats only).
  const t1 = Date.now();
  const clicksDelivered = deliveredBy(dispatcher.stats, 2 * N);
  await pool(journeys.clicks, 16, async (path) => {
    const res = await fetch(`${url}${path}`, { headers: { 'user-agent': UA }, redirect: 'manual' });
    if (res.status !== 302) throw new Error(`click answered ${res.status}`);
  });
  const clicksAt = await clicksDelivered;
  const click = await load('click        GET /t/c/<token>', url, journeys.clicks, 302);

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

  console.log('');
  console.log(
    `${pad('load', 34)}${lpad('req/s', 10)}${lpad('p50 ms', 9)}${lpad('p99 ms', 9)}${lpad('answered', 11)}${lpad('other', 7)}${lpad('errors', 8)}`,
  );
  for (const l of [reference, pixel, click]) {
    console.log(
      `${pad(l.name, 34)}${lpad(fmt(l.rps), 10)}${lpad(fmt(l.p50, 1), 9)}${lpad(fmt(l.p99, 1), 9)}${lpad(fmt(l.ok), 11)}${lpad(l.bad, 7)}${lpad(l.errors, 8)}`,
    );
  }
  const hits = s.queued + s.duplicate;
  const rate = (n: number, from: number, to: number | undefined) =>
    to === undefined
      ? 'not all delivered'
      : `${fmt(n / ((to - from) / 1000), 0)} signals/s (${n} in ${fmt((to - from) / 1000, 2)} s from the first hit)`;
  console.log('');
  console.log(
    `valid human hits: ${fmt(hits)} → signals queued ${s.queued}, repeats not signalled ${fmt(s.duplicate)}, queue full ${s.full}, delivered ${s.delivered}, failed ${s.failed}, journey gone ${s.notFound}, retries ${s.retried}`,
  );
  console.log(`opens → journeys, first hits inside the ${SECONDS} s pixel load: ${rate(N, t0, opensAt)}`);
  console.log(`clicks → journeys, ${N} first hits without load:            ${rate(N, t1, clicksAt)}`);
  console.log(
    `journeys with exactly one opened and one clicked event: ${exact}/${N}; exited on the click route: ${routed}/${N}`,
  );
  const pass = pixel.rps >= 5_000 && pixel.p99 < 20 && exact === N && s.queued === 2 * N && s.delivered === 2 * N;
  console.log(`targets (≥ 5,000 pixel req/s, p99 < 20 ms, every hit exactly one event): ${pass ? 'met' : 'NOT met'}`);
}

await main();
