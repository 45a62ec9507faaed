/**
 * A journey worker as a process runs it: the SDK runtime (logs through pino, SDK metrics on
 * TEMPORAL_METRICS_ADDR), the activities from the configuration counted into this process's
 * registry, the worker on its task queue, its /metrics, and one bounded stop. `settle worker` and
 * `settle dev` both build on it; they differ only in what they add around it.
 */
import type { ActivityLog } from '../activities/deps.js';
import type { Config } from '../config/env.js';
import { step, type StepOutcome } from '../lifecycle/shutdown.js';
import type { Logger } from '../log/index.js';
import {
  contactRuleMetrics,
  createProcessMetrics,
  instrumentActivities,
  startMetricsServer,
  temporalTelemetry,
  type MetricsServer,
  type ProcessMetrics,
} from '../metrics/index.js';
import { withDataConverter } from '../temporal/codec.js';
import { installRuntime } from '../temporal/runtime.js';
import {
  connectWorker,
  createJourneyWorker,
  stopWorker,
  type JourneyWorkerOptions,
} from '../temporal/journey-worker.js';
import type { Activities } from '../workflows/contract.js';
import { activitiesFromConfig, type ActivityWiring, type WorkerChannels } from './worker-wiring.js';

/** Clean-up after the drain (metrics server, SMTP pool, Temporal connection): each step at most this long by default. */
export const CLEANUP_STEP_MS = 2_000;

/**
 * Installs the SDK's runtime once per process: its logs through `log`, its metrics on
 * TEMPORAL_METRICS_ADDR; the SDK's own signal handlers stay off (the process handles
 * SIGINT/SIGTERM: one bounded stop). A taken metrics port is reported and the worker runs without
 * them; a no-op when a runtime exists already (tests).
 */
export function installWorkerRuntime(config: Config, log: Logger, onTelemetryError?: (e: Error) => void): void {
  installRuntime(log, { telemetryOptions: temporalTelemetry(config.temporalMetricsAddr) }, onTelemetryError);
}

export interface WorkerProcessOptions {
  /** What the activities get beyond the configuration (dev: local sinks, outcomes, env). */
  wiring?: Omit<ActivityWiring, 'contactRules' | 'stopping' | 'log'>;
  /** The activities' own lines (email sent, webhook failed…); none when absent. */
  activityLog?: ActivityLog;
  /** Wraps the counted activities (dev: watches sends and what is in flight). */
  wrap?: (activities: Activities) => Activities;
  /** The worker's options beyond connection, queue, activities, grace and codec. */
  worker?: Pick<JourneyWorkerOptions, 'maxCachedWorkflows' | 'workflowBundlePath' | 'activityInterceptors'>;
}

export interface WorkerProcess {
  worker: Awaited<ReturnType<typeof createJourneyWorker>>;
  /** This process's registry: business metrics counted around the activities. */
  metrics: ProcessMetrics;
  channels: WorkerChannels;
  /** The activities the worker runs (counted, then wrapped). */
  activities: Activities;
  /** Stops polling; activities waiting on the debtor ledger give up at once (see reserve-contact.ts). */
  stop(): void;
  /** Closes the SMTP pool and the Temporal connection, each within `stepMs`. */
  close(say: (line: string) => void, stepMs?: number): Promise<StepOutcome[]>;
}

export async function createWorkerProcess(config: Config, o: WorkerProcessOptions = {}): Promise<WorkerProcess> {
  const metrics = createProcessMetrics();
  // Aborted when the stop begins: activities waiting on the debtor ledger give up then.
  const stopping = new AbortController();
  const channels = activitiesFromConfig(config, {
    ...o.wiring,
    contactRules: contactRuleMetrics(metrics.metrics),
    stopping: stopping.signal,
    ...(o.activityLog && { log: o.activityLog }),
  });
  const counted = instrumentActivities(channels.activities, metrics.metrics);
  const activities = o.wrap ? o.wrap(counted) : counted;
  const connection = await connectWorker(config.temporal);
  const worker = await createJourneyWorker({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    activities,
    shutdownGraceMs: config.shutdownGraceMs,
    ...o.worker,
    ...withDataConverter(config.temporal),
  });
  return {
    worker,
    metrics,
    channels,
    activities,
    stop: () => {
      stopping.abort();
      stopWorker(worker);
    },
    close: (say, stepMs = CLEANUP_STEP_MS) =>
      Promise.all([
        step('SMTP channel close', stepMs, () => channels.close(), say),
        step('Temporal worker connection close', stepMs, () => connection.close(), say),
      ]),
  };
}

/** The worker's /metrics on SETTLE_WORKER_METRICS_ADDR; a taken port is reported, not fatal (the worker's job is journeys). */
export async function workerMetricsEndpoint(
  config: Config,
  metrics: ProcessMetrics,
  onError: (message: string) => void,
): Promise<MetricsServer | undefined> {
  try {
    return await startMetricsServer(metrics.registry, config.workerMetricsAddr);
  } catch (e) {
    onError((e as Error).message);
    return undefined;
  }
}
