/**
 * settle worker: runs a Temporal worker for journeys until SIGINT/SIGTERM. Configuration is read
 * and checked once (every problem at once, exit 2); logs are JSON lines on stderr. On a signal the
 * worker stops polling and lets in-flight activities finish within SETTLE_SHUTDOWN_GRACE; what
 * does not finish is cancelled and retried by the next worker (activities are idempotent).
 */
import { loadConfigFor } from '../../config/roles.js';
import { createLogger, type Logger } from '../../log/index.js';
import { activityLog, activityLogInterceptor } from '../../log/temporal.js';
import {
  contactRuleMetrics,
  createProcessMetrics,
  instrumentActivities,
  startMetricsServer,
  temporalTelemetry,
} from '../../metrics/index.js';
import { activitiesFromConfig } from '../../app/worker-wiring.js';
import { startHealthFile } from '../../temporal/worker-health.js';
import { handleShutdownSignals, step, watchdog } from '../../lifecycle/shutdown.js';
import { installRuntime as installTemporalRuntime } from '../../temporal/runtime.js';
import { withDataConverter } from '../../temporal/codec.js';
import {
  connectWorker,
  createJourneyWorker,
  SHUTDOWN_FORCE_MARGIN_MS,
  stopWorker,
  workflowCacheSize,
} from '../../temporal/worker.js';
import { EXIT, type Io } from '../io.js';
import { parseCommand } from '../spec.js';

/**
 * Routes the SDK's own logs through pino and exports its metrics on TEMPORAL_METRICS_ADDR; a no-op
 * when the runtime exists already (tests, `settle dev`).
 */
function installRuntime(log: Logger, metricsAddr: { host: string; port: number }): void {
  // The SDK's own signal handlers stay off: this command handles SIGINT/SIGTERM (one bounded stop).
  installTemporalRuntime(log, { telemetryOptions: temporalTelemetry(metricsAddr) }, (e) =>
    // The SDK metrics port is taken: run without them rather than not at all.
    log.warn({ err: e.message }, 'Temporal SDK metrics not exported (TEMPORAL_METRICS_ADDR)'),
  );
}

/** Clean-up after the drain (metrics server, SMTP pool, Temporal connection): each step at most this long. */
const CLEANUP_STEP_MS = 2_000;

/** The worker's /metrics; a taken port is logged, not fatal (the worker's job is journeys). */
async function metricsEndpoint(
  registry: Parameters<typeof startMetricsServer>[0],
  addr: { host: string; port: number },
  log: Logger,
) {
  try {
    return await startMetricsServer(registry, addr);
  } catch (e) {
    log.warn({ err: (e as Error).message }, 'worker metrics not served (SETTLE_WORKER_METRICS_ADDR)');
    return undefined;
  }
}

export async function worker(
  argv: string[],
  _io: Io,
  vars: Record<string, string | undefined> = process.env,
): Promise<number> {
  const { opts: values } = parseCommand<{ maxCachedWorkflows?: string }>('worker', argv);
  const config = loadConfigFor('worker', vars);
  const log = createLogger({ service: 'settle-worker', level: config.logLevel });
  installRuntime(log, config.temporalMetricsAddr);
  // This process's registry: business metrics counted around the activities, on SETTLE_WORKER_METRICS_ADDR.
  const metrics = createProcessMetrics();
  // Aborted when the stop begins: activities waiting on the debtor ledger give up then (see reserve-contact.ts).
  const stopping = new AbortController();
  const wiring = activitiesFromConfig(config, {
    contactRules: contactRuleMetrics(metrics.metrics),
    stopping: stopping.signal,
    log: activityLog(log),
  });
  const metricsServer = await metricsEndpoint(metrics.registry, config.workerMetricsAddr, log);
  const connection = await connectWorker(config.temporal);
  const max = values.maxCachedWorkflows !== undefined ? Number(values.maxCachedWorkflows) : undefined;
  const cache = workflowCacheSize(max !== undefined && Number.isFinite(max) ? max : undefined);
  const w = await createJourneyWorker({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    activities: instrumentActivities(wiring.activities, metrics.metrics),
    maxCachedWorkflows: cache.maxCachedWorkflows,
    shutdownGraceMs: config.shutdownGraceMs,
    ...(config.workflowBundle !== undefined && { workflowBundlePath: config.workflowBundle }),
    activityInterceptors: [activityLogInterceptor(log)],
    ...withDataConverter(config.temporal),
  });
  for (const n of wiring.notes) log.info(n);
  log.info(cache, `workflow cache: ${cache.maxCachedWorkflows} journeys (${cache.why})`);
  const { address, namespace, taskQueue } = config.temporal;
  log.info(
    {
      temporal: address, // not `address`: a redacted field (a debtor's postal address)
      namespace,
      taskQueue,
      bundle: config.workflowBundle ?? 'built at start-up',
      metrics: metricsServer ? `${metricsServer.url}/metrics` : 'not served',
      shutdownGraceMs: config.shutdownGraceMs,
    },
    'worker ready',
  );
  // The first SIGINT/SIGTERM drains (bounded by the grace period); a second one exits at once.
  const signals = handleShutdownSignals({
    write: (line) => log.warn(line.trim()),
    onFirst: (signal) => {
      log.info(
        { signal, shutdownGraceMs: config.shutdownGraceMs },
        'worker stopping: no new tasks, draining in-flight activities',
      );
      stopping.abort();
      stopWorker(w);
    },
  });
  const stopHealth =
    config.workerHealthFile !== undefined ? startHealthFile(w, config.workerHealthFile) : () => undefined;
  const running = w.run();
  // The SDK cancels activities at the grace period and gives up on them SHUTDOWN_FORCE_MARGIN_MS later (run() rejects).
  const drainMs = config.shutdownGraceMs + SHUTDOWN_FORCE_MARGIN_MS + 1_000;
  const cleanupMs = 3 * CLEANUP_STEP_MS;
  let cancelWatchdog = () => undefined as void;
  void signals.requested.then(() => {
    // The last resort if a deadline below did not hold: exit rather than hang.
    cancelWatchdog = watchdog(drainMs + cleanupMs + 2_000, 'worker: stopping overran its deadline: exiting now');
  });
  const say = (line: string) => log.warn(line);
  let clean = true;
  // Once a signal came, the drain gets drainMs at most: then what is in flight is abandoned.
  const overdue = signals.requested.then(
    () => new Promise<'overdue'>((resolve) => setTimeout(() => resolve('overdue'), drainMs).unref()),
  );
  try {
    if ((await Promise.race([running, overdue])) === 'overdue') {
      log.warn({ drainMs }, 'worker stopped without draining every activity: they are retried by the next worker');
      clean = false;
    } else log.info('worker stopped');
  } catch (e) {
    if (signals.reason === undefined) throw e;
    // After a signal: the drain ran out of time (GracefulShutdownPeriodExpiredError) — work in flight is retried.
    log.warn({ err: (e as Error).message }, 'worker stopped without draining every activity');
    clean = false;
  } finally {
    stopHealth();
    signals.dispose();
    const outcomes = [
      await step('worker metrics close', CLEANUP_STEP_MS, () => metricsServer?.close(), say),
      await step('SMTP channel close', CLEANUP_STEP_MS, () => wiring.close(), say),
      await step('Temporal connection close', CLEANUP_STEP_MS, () => connection.close(), say),
    ];
    cancelWatchdog();
    // Something abandoned above must not keep the process alive.
    if (!clean || outcomes.some((x) => x !== 'done')) setTimeout(() => process.exit(), 1_000).unref();
  }
  return EXIT.ok;
}
