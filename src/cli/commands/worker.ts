/**
 * settle worker: runs a Temporal worker for journeys until SIGINT/SIGTERM. Configuration is read
 * and checked once (every problem at once, exit 2); logs are JSON lines on stderr. On a signal the
 * worker stops polling and lets in-flight activities finish within SETTLE_SHUTDOWN_GRACE; what
 * does not finish is cancelled and retried by the next worker (activities are idempotent).
 */
import { loadConfigFor } from '../../config/roles.js';
import { createLogger } from '../../log/index.js';
import { activityLog, activityLogInterceptor } from '../../log/temporal.js';
import { startHealthFile } from '../../temporal/worker-health.js';
import { handleShutdownSignals, step, watchdog } from '../../lifecycle/shutdown.js';
import { SHUTDOWN_FORCE_MARGIN_MS, workflowCacheSize } from '../../temporal/journey-worker.js';
import {
  CLEANUP_STEP_MS,
  createWorkerProcess,
  installWorkerRuntime,
  workerMetricsEndpoint,
} from '../../app/worker-process.js';
import { EXIT, type Io } from '../io.js';
import { parseCommand } from '../spec.js';

export async function worker(
  argv: string[],
  _io: Io,
  vars: Record<string, string | undefined> = process.env,
): Promise<number> {
  const { opts: values } = parseCommand<{ maxCachedWorkflows?: string }>('worker', argv);
  const config = loadConfigFor('worker', vars);
  const log = createLogger({ service: 'settle-worker', level: config.logLevel });
  // A taken SDK metrics port: run without them rather than not at all.
  installWorkerRuntime(config, log, (e) =>
    log.warn({ err: e.message }, 'Temporal SDK metrics not exported (TEMPORAL_METRICS_ADDR)'),
  );
  const max = values.maxCachedWorkflows !== undefined ? Number(values.maxCachedWorkflows) : undefined;
  const cache = workflowCacheSize(max !== undefined && Number.isFinite(max) ? max : undefined);
  const p = await createWorkerProcess(config, {
    activityLog: activityLog(log),
    worker: {
      maxCachedWorkflows: cache.maxCachedWorkflows,
      ...(config.workflowBundle !== undefined && { workflowBundlePath: config.workflowBundle }),
      activityInterceptors: [activityLogInterceptor(log)],
    },
  });
  const w = p.worker;
  const metricsServer = await workerMetricsEndpoint(config, p.metrics, (err) =>
    log.warn({ err }, 'worker metrics not served (SETTLE_WORKER_METRICS_ADDR)'),
  );
  for (const n of p.channels.notes) log.info(n);
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
      p.stop();
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
      ...(await p.close(say)),
    ];
    cancelWatchdog();
    // Something abandoned above must not keep the process alive.
    if (!clean || outcomes.some((x) => x !== 'done')) setTimeout(() => process.exit(), 1_000).unref();
  }
  return EXIT.ok;
}
