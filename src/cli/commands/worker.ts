/**
 * settle worker: runs a Temporal worker for journeys until SIGINT/SIGTERM. Configuration is read
 * and checked once (every problem at once, exit 2); logs are JSON lines on stderr. On a signal the
 * worker stops polling and lets in-flight activities finish within SETTLE_SHUTDOWN_GRACE; what
 * does not finish is cancelled and retried by the next worker (activities are idempotent).
 */
import { Runtime } from '@temporalio/worker';
import { loadConfigFor } from '../../config/roles.js';
import { createLogger, type Logger } from '../../log/index.js';
import { activityLogInterceptor, temporalLogger } from '../../log/temporal.js';
import {
  contactRuleMetrics,
  createProcessMetrics,
  instrumentActivities,
  startMetricsServer,
  temporalTelemetry,
} from '../../metrics/index.js';
import { activitiesFromConfig } from '../../temporal/activities-from-config.js';
import { startHealthFile } from '../../temporal/worker-health.js';
import { connectWorker, createJourneyWorker } from '../../temporal/worker.js';
import { EXIT, type Io } from '../io.js';
import { parseCommand } from '../spec.js';

/**
 * Routes the SDK's own logs through pino and exports its metrics on TEMPORAL_METRICS_ADDR; a no-op
 * when the runtime exists already (tests, `settle dev`).
 */
function installRuntime(log: Logger, metricsAddr: { host: string; port: number }): void {
  try {
    Runtime.install({ logger: temporalLogger(log), telemetryOptions: temporalTelemetry(metricsAddr) });
  } catch (e) {
    try {
      // The SDK metrics port is taken: run without them rather than not at all.
      Runtime.install({ logger: temporalLogger(log) });
      log.warn({ err: (e as Error).message }, 'Temporal SDK metrics not exported (TEMPORAL_METRICS_ADDR)');
    } catch {
      // already installed in this process
    }
  }
}

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
  const log = createLogger({ level: config.logLevel, base: { service: 'settle-worker' } });
  installRuntime(log, config.temporalMetricsAddr);
  // This process's registry: business metrics counted around the activities, on SETTLE_WORKER_METRICS_ADDR.
  const metrics = createProcessMetrics();
  const wiring = activitiesFromConfig(config, { contactRules: contactRuleMetrics(metrics.metrics) });
  const metricsServer = await metricsEndpoint(metrics.registry, config.workerMetricsAddr, log);
  const connection = await connectWorker(config.temporal);
  const max = values.maxCachedWorkflows !== undefined ? Number(values.maxCachedWorkflows) : undefined;
  const w = await createJourneyWorker({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    activities: instrumentActivities(wiring.activities, metrics.metrics),
    ...(max !== undefined && Number.isFinite(max) && { maxCachedWorkflows: max }),
    shutdownGraceTime: `${config.shutdownGraceMs}ms`,
    ...(config.workflowBundle !== undefined && { workflowBundlePath: config.workflowBundle }),
    activityInterceptors: [activityLogInterceptor(log)],
  });
  for (const n of wiring.notes) log.info(n);
  const { address, namespace, taskQueue } = config.temporal;
  log.info(
    {
      address,
      namespace,
      taskQueue,
      bundle: config.workflowBundle ?? 'built at start-up',
      metrics: metricsServer ? `${metricsServer.url}/metrics` : 'not served',
      shutdownGraceMs: config.shutdownGraceMs,
    },
    'worker ready',
  );
  const stop = (signal: NodeJS.Signals) => {
    log.info(
      { signal, shutdownGraceMs: config.shutdownGraceMs },
      'worker stopping: no new tasks, draining in-flight activities',
    );
    w.shutdown();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const stopHealth =
    config.workerHealthFile !== undefined ? startHealthFile(w, config.workerHealthFile) : () => undefined;
  try {
    await w.run();
    log.info('worker stopped');
  } finally {
    stopHealth();
    await metricsServer?.close();
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await wiring.close();
    await connection.close();
  }
  return EXIT.ok;
}
