/**
 * `settle dev`: everything on one machine — the Temporal dev server on a SQLite file under
 * .settle/, a worker, the HTTP server, an SMTP sink writing .eml files and an SMS sink under
 * .settle/outbox/ — and, with --demo, a synthetic portfolio whose debtors open, click and pay.
 */
import { randomBytes } from 'node:crypto';
import { seedOf } from './random.js';
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import type { OutcomeInput } from '../activities/types.js';
import { LocalSmsSink, startSmtpSink } from '../channels/index.js';
import type { CompileResult } from '../compiler/index.js';
import type { Config } from '../config/env.js';
import { createServerApp } from '../server/app.js';
import { serverDepsFromConfig } from '../server/from-config.js';
import { activitiesFromConfig } from '../temporal/activities-from-config.js';
import { startDevServerProcess } from '../temporal/dev-server.js';
import { connectWorker, createJourneyWorker } from '../temporal/worker.js';
import { DemoDebtors } from './demo.js';
import { emailMessageId } from '../activities/index.js';
import { startDevStripe } from './dev-stripe.js';
import { observeSends } from './observe.js';
import {
  contactRuleMetrics,
  createProcessMetrics,
  instrumentActivities,
  startMetricsServer,
  temporalTelemetry,
  type MetricsServer,
} from '../metrics/index.js';

export interface DevOptions {
  stateDir: string;
  demo: boolean;
  /** Stop after this much wall time (run until SIGINT when absent). */
  forMs?: number;
  timeScale: number;
  debts: number;
  seed: number;
  ui: boolean;
  log: (line: string) => void;
  /** Environment for `env:NAME` webhook URLs. */
  env: Record<string, string | undefined>;
}

export interface DevSummary {
  wallMs: number;
  timeScale: number;
  journeys: {
    started: number;
    alreadyEnrolled: number;
    unmatched: number;
    completed: Record<string, number>;
    running: number;
  };
  messages: Record<string, number>;
  events: Record<string, number>;
  outbox: string;
  temporal: { address: string; ui?: string };
}

function devSecret(config: Config, stateDir: string): string {
  if (config.secret) return config.secret;
  const file = join(stateDir, 'secret');
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}

/** Environment variables the compiled journeys' webhooks read (`url: env:NAME`). */
function webhookEnvNames(compiled: CompileResult): string[] {
  const names = new Set<string>();
  for (const plan of compiled.plans.values())
    for (const s of plan.steps) if (s.kind === 'webhook' && 'env' in s.url) names.add(s.url.env);
  return [...names];
}

function safeJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}

function quietRuntime(metricsAddr: Config['temporalMetricsAddr']): void {
  // Activity failures the journeys route on (bounces, refused webhooks) are part of the demo, not noise.
  const logger = new DefaultLogger('ERROR');
  try {
    // Temporal's SDK metrics on TEMPORAL_METRICS_ADDR, as the worker exports them in production.
    Runtime.install({ logger, telemetryOptions: temporalTelemetry(metricsAddr) });
  } catch {
    try {
      Runtime.install({ logger });
    } catch {
      // installed already (tests)
    }
  }
}

/** The worker's /metrics on SETTLE_WORKER_METRICS_ADDR; dev keeps running without it when the port is taken. */
async function workerMetricsEndpoint(
  config: Config,
  registry: Parameters<typeof startMetricsServer>[0],
  log: (line: string) => void,
): Promise<MetricsServer | undefined> {
  try {
    const server = await startMetricsServer(registry, config.workerMetricsAddr);
    log(
      `worker metrics on ${server.url}/metrics (Temporal SDK metrics on ${config.temporalMetricsAddr.host}:${config.temporalMetricsAddr.port})`,
    );
    return server;
  } catch (e) {
    log(`worker metrics not served: ${(e as Error).message} (set SETTLE_WORKER_METRICS_ADDR)`);
    return undefined;
  }
}

/** What a demo SMS segment costs when TWILIO_PRICE_PER_SEGMENT is not set (Twilio's price in France, roughly). */
export const DEV_SMS_PRICE = { amount: 0.07, currency: 'EUR' };

/** The demo's unknown mailboxes: a fixed 3% of addresses for a seed. */
export function demoMailboxRefusal(seed: number): (rcpt: string) => { code: number; message: string } | undefined {
  return (rcpt) =>
    seedOf(rcpt, seed) % 100 < 3 ? { code: 550, message: '5.1.1 mailbox unavailable (demo)' } : undefined;
}

export async function runDev(config: Config, compiled: CompileResult, o: DevOptions): Promise<DevSummary> {
  const t0 = Date.now();
  const outbox = join(o.stateDir, 'outbox');
  mkdirSync(outbox, { recursive: true });
  quietRuntime(config.temporalMetricsAddr);
  const port = Number(config.temporal.address.split(':').pop());
  const server = await startDevServerProcess({
    dbFilename: join(o.stateDir, 'temporal.db'),
    port,
    fastSqlite: true,
    ...(o.ui && { uiPort: port + 1000 }),
  });
  o.log(
    `temporal dev server on ${server.address}${o.ui ? ` (UI http://127.0.0.1:${port + 1000})` : ''}, data in ${join(o.stateDir, 'temporal.db')}`,
  );
  // In the demo, about 3% of the debtors' mailboxes do not exist: the SMTP sink refuses them with
  // 550, so hard bounces take the real path (activity failure, onFailure, bounce metrics).
  const smtp = await startSmtpSink({ outboxDir: outbox, ...(o.demo && { reject: demoMailboxRefusal(o.seed) }) });
  // The local SMS sink bills like Twilio in France unless TWILIO_PRICE_PER_SEGMENT says otherwise: the KPI board's cost of recovery.
  const sms = new LocalSmsSink({ outboxDir: outbox, costPerSegment: config.twilio.pricePerSegment ?? DEV_SMS_PRICE });
  o.log(`SMTP sink on ${smtp.url}, messages in ${outbox}/`);
  const secret = devSecret(config, o.stateDir);
  const devConfig: Config = {
    ...config,
    secret,
    smtp: { ...config.smtp, url: smtp.url },
    temporal: { ...config.temporal, address: server.address },
  };

  const completed: Record<string, number> = {};
  const messages: Record<string, number> = {};
  const outcomes = { record: (x: OutcomeInput) => void (completed[x.outcome] = (completed[x.outcome] ?? 0) + 1) };
  // Journey webhooks (env:ESCALATION_URL…) default to a local inbox: .settle/outbox/webhooks.jsonl.
  const base = `http://${config.httpAddr.host}:${config.httpAddr.port}/dev/webhooks`;
  const env = { ...o.env };
  for (const name of webhookEnvNames(compiled)) env[name] ??= `${base}/${name.toLowerCase()}`;
  // The worker's registry (activities, contact rules; journeyStarted counts the starts); the HTTP server has its own (serverDepsFromConfig).
  const workerMetrics = createProcessMetrics();
  const wiring = activitiesFromConfig(devConfig, {
    sms,
    outcomes,
    outboxDir: outbox,
    env,
    contactRules: contactRuleMetrics(workerMetrics.metrics),
  });
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection, namespace: config.temporal.namespace });
  // Payments (dev-stripe.ts): stripe-mock unless STRIPE_SECRET_KEY is set; demo debtors pay through
  // the landing page, Checkout and a signed webhook to this server (demo-web.ts).
  const devStripe = await startDevStripe(config, o.log);
  let httpUrl = `http://${config.httpAddr.host}:${config.httpAddr.port}`;
  const demoWeb = devStripe && {
    baseUrl: () => httpUrl,
    webhookSecret: devStripe.webhookSecret,
    ledger: devStripe.ledger,
    // Opens and clicks of emails follow the pixel and links of the message the SMTP sink received.
    emailFor: (key: string) => smtp.messages().find((m) => m.messageId === emailMessageId(key))?.raw,
  };
  const demo = o.demo
    ? new DemoDebtors({
        client,
        taskQueue: config.temporal.taskQueue,
        plans: compiled.plans,
        project: compiled.project,
        secret,
        debts: o.debts,
        seed: o.seed,
        timeScale: o.timeScale,
        nowMs: Date.now(),
        ...(demoWeb && { web: demoWeb }),
      })
    : undefined;
  const activities = observeSends(
    instrumentActivities(wiring.activities, workerMetrics.metrics),
    (input, duplicate) => {
      if (!duplicate) messages[input.channel] = (messages[input.channel] ?? 0) + 1;
      demo?.onSent(input, duplicate);
    },
  );
  const nativeConnection = await connectWorker(devConfig.temporal);
  const worker = await createJourneyWorker({
    connection: nativeConnection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    activities,
  });
  const running = worker.run();
  const metricsServer = await workerMetricsEndpoint(config, workerMetrics.registry, o.log);
  const web = serverDepsFromConfig(
    devConfig,
    secret,
    { client, connection },
    {
      log: { level: 'warn', stream: process.stderr }, // stderr: stdout carries the --json summary
      // Journey time runs fast: a debtor opens "minutes later" within milliseconds, so the machine-open
      // window (hits within seconds of sending) shrinks by the same factor.
      tracking: { machineWindowMs: 2_000 / o.timeScale },
      ...(devStripe && { checkout: devStripe.checkout, stripe: { webhookSecret: devStripe.webhookSecret } }),
      devWebhookInbox: (path, body) =>
        appendFileSync(
          join(outbox, 'webhooks.jsonl'),
          `${JSON.stringify({ path, at: new Date().toISOString(), body: safeJson(body) })}\n`,
        ),
    },
  );
  const serverReady = web.deps.ready;
  const http = createServerApp({
    ...web.deps,
    ready: async () => worker.getState() === 'RUNNING' && (await serverReady()),
  });
  await http.listen({ host: config.httpAddr.host, port: config.httpAddr.port });
  const httpPort = (http.server.address() as { port: number } | null)?.port ?? config.httpAddr.port;
  httpUrl = `http://${config.httpAddr.host}:${httpPort}`;
  o.log(
    `worker on task queue ${config.temporal.taskQueue}; HTTP http://${config.httpAddr.host}:${httpPort} (tracking, /p/ landing page, webhooks, /healthz, /readyz, /metrics)`,
  );

  let enrolled = { started: 0, alreadyEnrolled: 0, unmatched: 0 };
  if (demo) {
    const s = await demo.enroll();
    enrolled = { started: s.started, alreadyEnrolled: s.alreadyEnrolled, unmatched: s.unmatched };
    o.log(
      `demo: ${s.started} journeys started (${Object.entries(s.byJourney)
        .map(([j, n]) => `${j} ${n}`)
        .join(', ')}); 1 journey day = ${(86_400 / o.timeScale).toFixed(1)} s`,
    );
  }

  const ticker = setInterval(() => {
    const done = Object.values(completed).reduce((a, b) => a + b, 0);
    const sent = Object.values(messages).reduce((a, b) => a + b, 0);
    o.log(`… ${Math.round((Date.now() - t0) / 1000)} s: ${sent} messages sent, ${done} journeys completed`);
  }, 15_000);
  await new Promise<void>((resolve) => {
    const timer = o.forMs !== undefined ? setTimeout(resolve, o.forMs) : undefined;
    const onSignal = () => {
      if (timer) clearTimeout(timer);
      resolve();
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  });

  clearInterval(ticker);
  demo?.stop();
  if (demo && devStripe)
    o.log(
      `demo: over HTTP (pixel, tracked links, landing page, Stripe webhook): ${
        Object.entries(demo.webEventsByType)
          .map(([t, n]) => `${t} ${n}`)
          .join(', ') || 'nothing yet'
      }`,
    );
  worker.shutdown();
  await running;
  await http.close();
  await metricsServer?.close();
  await devStripe?.close();
  await web.dispatcher.flush(5_000);
  await wiring.close();
  await smtp.close();
  await connection.close();
  await nativeConnection.close();
  await server.stop();
  const done = Object.values(completed).reduce((a, b) => a + b, 0);
  return {
    wallMs: Date.now() - t0,
    timeScale: o.timeScale,
    journeys: { ...enrolled, completed, running: Math.max(0, enrolled.started - done) },
    messages,
    events: demo?.eventsByType ?? {},
    outbox,
    temporal: { address: server.address, ...(o.ui && { ui: `http://127.0.0.1:${port + 1000}` }) },
  };
}
