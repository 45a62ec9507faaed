/**
 * `settle dev`: everything on one machine — the Temporal dev server on a SQLite file under
 * .settle/, a worker, the HTTP server, an SMTP sink writing .eml files and an SMS sink under
 * .settle/outbox/ — and, with --demo, a synthetic portfolio whose debtors open, click and pay.
 *
 * Stopping (on --for's deadline, counted from the start, or on the first SIGINT/SIGTERM) is bounded:
 * activities waiting on the debtor ledger give up at once (the stopping worker no longer runs the
 * ledger's workflow tasks, so they could never be answered), the others have SETTLE_SHUTDOWN_GRACE
 * to finish, and every clean-up step has a deadline within one overall budget (stopBudgetMs). A
 * second signal exits at once.
 *
 * Progress lines for the person at the terminal go to `log` (stderr); the HTTP server's and the
 * Temporal SDK's lines are JSON through the process logger (src/log, `service: settle-dev`, stderr):
 * warnings and errors, and the SDK's errors only, unless SETTLE_LOG_LEVEL asks for more. stdout
 * stays for the summary (`--json`).
 */
import { randomBytes } from 'node:crypto';
import { seedOf } from '../core/random.js';
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { DestinationStream } from 'pino';
import type { OutcomeInput } from '../workflows/contract.js';
import { LocalSmsSink } from '../channels/index.js';
import { startSmtpSink } from '../dev/smtp-sink.js';
import type { CompileResult } from '../compiler/index.js';
import type { Config } from '../config/env.js';
import { createLogger, type Logger } from '../log/index.js';
import { activityLog } from '../log/temporal.js';
import { createHttpServer } from './server-process.js';
import { createWorkerProcess, installWorkerRuntime, workerMetricsEndpoint } from './worker-process.js';
import { startDevServerProcess } from '../dev/dev-server.js';
import { keyFromSecret } from '../config/encryption.js';
import { journeyEnvVars } from '../config/journey-env.js';
import { withDataConverter } from '../temporal/codec.js';
import { handleShutdownSignals, step, watchdog, type ShutdownReason } from '../lifecycle/shutdown.js';
import { DemoDebtors } from '../dev/demo.js';
import { emailMessageId } from '../activities/index.js';
import { startDevStripe } from '../dev/dev-stripe.js';
import { countInFlight, observeSends } from '../dev/observe.js';

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
  /** Where the JSON log lines go (tests); default stderr. */
  logStream?: DestinationStream;
  /** Environment for `env:NAME` webhook URLs (and SETTLE_LOG_LEVEL). */
  env: Record<string, string | undefined>;
}

export interface DevSummary {
  wallMs: number;
  /** What stopped the run: the --for deadline, a signal, or the worker failing. */
  stoppedBy: ShutdownReason;
  /** How long the stop took (drain and clean-up). */
  stopMs: number;
  timeScale: number;
  journeys: {
    started: number;
    alreadyEnrolled: number;
    unmatched: number;
    completed: Record<string, number>;
    running: number;
    /**
     * Each journey's runs: started there (enrolled or handed over) and how they ended. A debt
     * handed over counts in each journey it ran in.
     */
    byJourney: Record<string, { started: number; ended: Record<string, number> }>;
  };
  messages: Record<string, number>;
  events: Record<string, number>;
  outbox: string;
  temporal: { address: string; ui?: string };
}

/** A random secret kept in the state dir (mode 600), made on first use. */
function stateSecret(stateDir: string, name: string): string {
  const file = join(stateDir, name);
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}

function devSecret(config: Config, stateDir: string): string {
  return config.secret ?? stateSecret(stateDir, 'secret');
}

/**
 * Payload encryption in dev as in production: keys from the environment, else derived from the
 * dev secret; the codec endpoint with SETTLE_CODEC_TOKEN or a token kept in the state dir.
 */
function devEncryption(
  config: Config,
  secret: string,
  stateDir: string,
  uiOrigin: string | undefined,
): Partial<Config> {
  if (!config.payloadEncryption) return {};
  const keys = config.temporal.encryptionKeys ?? [keyFromSecret(secret)];
  const token = config.codec?.token ?? stateSecret(stateDir, 'codec-token');
  const origins = [...(config.codec?.origins ?? []), ...(uiOrigin ? [uiOrigin] : [])];
  return { temporal: { ...config.temporal, encryptionKeys: keys }, codec: { token, origins } };
}

function safeJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}

/**
 * The process logger: warnings and errors by default (the HTTP server's request lines would drown
 * the progress lines); SETTLE_LOG_LEVEL, when set, decides.
 */
function devLogger(config: Config, o: DevOptions): { log: Logger; explicit: boolean } {
  const explicit = o.env.SETTLE_LOG_LEVEL !== undefined && o.env.SETTLE_LOG_LEVEL !== '';
  const level = explicit ? config.logLevel : 'warn';
  return {
    log: createLogger({ service: 'settle-dev', level, ...(o.logStream !== undefined && { stream: o.logStream }) }),
    explicit,
  };
}

/** Clean-up after the worker drained: at most this long in all (each step has its own share). */
export const DEV_CLEANUP_BUDGET_MS = 4_000;

/** How long past the grace period the drain may take before it is abandoned (the SDK cancelled the activities at the grace period). */
export const DEV_DRAIN_MARGIN_MS = 500;

/**
 * The longest a stop of `settle dev` takes: the worker's drain (the grace period, SETTLE_SHUTDOWN_GRACE,
 * and a margin) and the clean-up. With the default grace (10 s) that is 14 s; the --for deadline
 * counts from the start, so `settle dev --for D` prints its summary within D plus this.
 */
export function stopBudgetMs(graceMs: number): number {
  return graceMs + DEV_DRAIN_MARGIN_MS + DEV_CLEANUP_BUDGET_MS;
}

/** After its summary, a process that still has handles open (an abandoned clean-up step) exits after this. */
const LINGER_MS = 2_000;

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
  const { log, explicit } = devLogger(config, o);
  // Activity failures the journeys route on (bounces, refused webhooks) are part of the demo, not
  // noise: the SDK's errors only, unless SETTLE_LOG_LEVEL is set.
  installWorkerRuntime(config, explicit ? log : log.child({}, { level: 'error' }));
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
  const encryption = devEncryption(config, secret, o.stateDir, o.ui ? `http://127.0.0.1:${port + 1000}` : undefined);
  const devConfig: Config = {
    ...config,
    ...encryption,
    secret,
    smtp: { ...config.smtp, url: smtp.url },
    temporal: { ...config.temporal, ...encryption.temporal, address: server.address },
  };

  const completed: Record<string, number> = {};
  const messages: Record<string, number> = {};
  const byJourney: Record<string, { started: number; ended: Record<string, number> }> = {};
  const leg = (journey: string) => (byJourney[journey] ??= { started: 0, ended: {} });
  const outcomes = {
    record: (x: OutcomeInput) => {
      completed[x.outcome] = (completed[x.outcome] ?? 0) + 1;
      const ended = leg(x.journey).ended;
      ended[x.outcome] = (ended[x.outcome] ?? 0) + 1;
    },
    started: (x: { journey: string }) => void (leg(x.journey).started += 1),
  };
  // Journey webhooks (env:ESCALATION_URL…) default to a local inbox: .settle/outbox/webhooks.jsonl.
  const base = `http://${config.httpAddr.host}:${config.httpAddr.port}/dev/webhooks`;
  const env = { ...o.env };
  for (const { name } of journeyEnvVars(compiled.plans.values())) env[name] ??= `${base}/${name.toLowerCase()}`;
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({
    connection,
    namespace: config.temporal.namespace,
    ...withDataConverter(devConfig.temporal),
  });
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
  // The worker as `settle worker` runs it, with the local sinks and the demo watching its sends.
  let inFlight: () => unknown = () => ({});
  const w = await createWorkerProcess(devConfig, {
    wiring: { sms, outcomes, outboxDir: outbox, env },
    // The activities' own lines (email refused…) only on request: the demo's bounces are not news.
    ...(explicit && { activityLog: activityLog(log) }),
    wrap: (counted) => {
      const tracked = countInFlight(counted);
      inFlight = tracked.inFlight;
      return observeSends(tracked.activities, (input, duplicate) => {
        if (!duplicate) messages[input.channel] = (messages[input.channel] ?? 0) + 1;
        demo?.onSent(input, duplicate);
      });
    },
  });
  const worker = w.worker;
  // The first SIGINT/SIGTERM (or the --for deadline, or the worker failing) stops the run; a second signal exits at once.
  const signals = handleShutdownSignals({ onFirst: (r) => o.log(`stopping (${r})…`) });
  const running = worker.run().catch((e: unknown) => {
    o.log(`worker failed: ${(e as Error).message}`);
    signals.trigger('failure');
  });
  const metricsServer = await workerMetricsEndpoint(config, w.metrics, (err) =>
    o.log(`worker metrics not served: ${err} (set SETTLE_WORKER_METRICS_ADDR)`),
  );
  if (metricsServer)
    o.log(
      `worker metrics on ${metricsServer.url}/metrics (Temporal SDK metrics on ${config.temporalMetricsAddr.host}:${config.temporalMetricsAddr.port})`,
    );
  // The HTTP server as `settle server` runs it, ready only while this worker runs too.
  const http = createHttpServer(
    devConfig,
    secret,
    { client, connection },
    {
      log, // stderr: stdout carries the --json summary
      dispatcherOptions: { log: { warn: (meta, message) => log.warn(meta, message) } },
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
    (serverReady) => async () => worker.getState() === 'RUNNING' && (await serverReady()),
  );
  httpUrl = await http.listen();
  o.log(
    `worker on task queue ${config.temporal.taskQueue}; HTTP ${httpUrl} (tracking, /p/ landing page, webhooks, /healthz, /readyz, /metrics)`,
  );
  if (devConfig.codec)
    o.log(
      `payloads encrypted (key ${devConfig.temporal.encryptionKeys?.[0]?.id}); decoded views: temporal workflow show -w ID --address ${server.address} --codec-endpoint ${httpUrl}/codec --codec-auth "Bearer ${config.codec ? '$SETTLE_CODEC_TOKEN' : `$(cat ${join(o.stateDir, 'codec-token')})`}"`,
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
  // --for counts from the start: a slow start-up (bundling on a loaded machine) does not push the end back.
  const timer =
    o.forMs !== undefined
      ? setTimeout(() => signals.trigger('timer'), Math.max(0, t0 + o.forMs - Date.now()))
      : undefined;
  const stoppedBy = await signals.requested;

  const stopStart = Date.now();
  const graceMs = config.shutdownGraceMs;
  const budgetMs = stopBudgetMs(graceMs);
  // The last resort if a step's deadline did not hold: exit rather than hang.
  const cancelWatchdog = watchdog(
    budgetMs + 3_000,
    `settle dev: stopping took more than ${Math.round((budgetMs + 3_000) / 1000)} s: exiting without a summary`,
  );
  clearTimeout(timer);
  clearInterval(ticker);
  demo?.stop();
  w.stop();
  if (demo && devStripe)
    o.log(
      `demo: over HTTP (pixel, tracked links, landing page, Stripe webhook): ${
        Object.entries(demo.webEventsByType)
          .map(([t, n]) => `${t} ${n}`)
          .join(', ') || 'nothing yet'
      }`,
    );
  // In-flight sends finish within the grace period; then the SDK cancels what is left (retried on the next run).
  const drain = await step('worker drain', graceMs + DEV_DRAIN_MARGIN_MS, () => running, o.log);
  if (drain !== 'done') o.log(`shutdown: activities still running: ${JSON.stringify(inFlight())}`);
  // DEV_CLEANUP_BUDGET_MS in phases: HTTP (close 1 s, then the queued tracking and webhook signals
  // to Temporal while it runs, 1 s) beside the sidecars, then the connections (1 s), then Temporal.
  // Requests still answering (a landing page waiting on Temporal) are cut: the demo's debtors are gone.
  const [web] = await Promise.all([
    http.drain({ closeMs: 1_000, flushMs: 900, marginMs: 100, say: o.log }),
    step('worker metrics close', 1_000, () => metricsServer?.close(), o.log),
    step('stripe-mock stop', 1_000, () => devStripe?.close(), o.log),
  ]);
  await Promise.all([
    w.close(o.log, 1_000),
    step('SMTP sink close', 1_000, () => smtp.close(), o.log),
    // The client's retries run on timers that throw once its channel is closed: it is closed only
    // when nothing can still be using it (else the process exit ends it).
    web.closed === 'done' && web.flushed === 'done'
      ? step('Temporal client close', 1_000, () => connection.close(), o.log)
      : undefined,
  ]);
  if ((await step('Temporal dev server stop', 500, () => server.stop(), o.log)) !== 'done')
    await step('Temporal dev server kill', 500, () => server.stop('SIGKILL'), o.log);
  signals.dispose();
  cancelWatchdog();
  // Whatever was abandoned above must not keep the process alive once the summary is out.
  setTimeout(() => process.exit(), LINGER_MS).unref();
  // Journeys still running: every run started (enrolled or handed over) that has not ended.
  const legsStarted = Object.values(byJourney).reduce((a, j) => a + j.started, 0);
  const legsEnded = Object.values(completed).reduce((a, b) => a + b, 0);
  const stillRunning = Math.max(0, Math.max(legsStarted, enrolled.started) - legsEnded);
  return {
    wallMs: Date.now() - t0,
    stoppedBy,
    stopMs: Date.now() - stopStart,
    timeScale: o.timeScale,
    journeys: { ...enrolled, completed, running: stillRunning, byJourney },
    messages,
    events: demo?.eventsByType ?? {},
    outbox,
    temporal: { address: server.address, ...(o.ui && { ui: `http://127.0.0.1:${port + 1000}` }) },
  };
}
