/**
 * The journey worker: journeyWorkflow (bundled once per process, or prebuilt for production) and
 * the activities, on one task queue. Shutdown drains in-flight activities within a grace period
 * (SETTLE_SHUTDOWN_GRACE): then the SDK cancels those still running, and shortly after it gives up
 * on the drain altogether (shutdownForceTime), so `worker.run()` always settles.
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import {
  bundleWorkflowCode,
  NativeConnection,
  Worker,
  type ActivityInterceptorsFactory,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import type { DataConverter } from '@temporalio/common';
import type { Activities } from '../activities/types.js';
import type { TemporalConfig } from '../config/env.js';
import { connectionOptions, TemporalUnavailableError } from './connection.js';

/** The workflows entry next to this file: index.ts under tsx, index.js in the build. */
const EXT = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
export const WORKFLOWS_PATH = fileURLToPath(new URL(`../workflows/index.${EXT}`, import.meta.url));

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;

/** The workflow bundle, built once per process (webpack takes a few seconds). */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietLogger });
  return bundle;
}

/**
 * Bundles the workflow code ahead of time into `path` (the container image does this at build
 * time; SETTLE_WORKFLOW_BUNDLE then points the worker at it, so it starts without webpack).
 */
export async function writeWorkflowBundle(path: string): Promise<void> {
  const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietLogger });
  await writeFile(path, code);
}

const quietLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (m: string) => process.stderr.write(`[bundler] ${m}\n`),
  error: (m: string) => process.stderr.write(`[bundler] ${m}\n`),
};

export async function connectWorker(t: TemporalConfig): Promise<NativeConnection> {
  try {
    return await NativeConnection.connect(connectionOptions(t));
  } catch (e) {
    throw new TemporalUnavailableError(
      `cannot reach Temporal at ${t.address} (${(e as Error).message}) — start one with \`settle dev\` or set TEMPORAL_ADDRESS`,
    );
  }
}

export interface JourneyWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activities: Activities;
  /** Max workflows kept in memory (sleeping journeys need none). */
  maxCachedWorkflows?: number;
  /** How long in-flight activities may finish after shutdown starts (default 10 s). */
  shutdownGraceMs?: number;
  /** A bundle written by writeWorkflowBundle (production); bundled in-process when absent (dev, tests). */
  workflowBundlePath?: string;
  /** Activity interceptors, e.g. the activity log lines of src/log. */
  activityInterceptors?: ActivityInterceptorsFactory[];
  /** The payload codec of the deployment (dataConverterFor): the worker's client uses it too (plan loads). */
  dataConverter?: DataConverter;
}

export const DEFAULT_SHUTDOWN_GRACE_MS = 10_000;

/** After the grace period the SDK cancels activities; this much later it stops waiting for them. */
export const SHUTDOWN_FORCE_MARGIN_MS = 2_000;

/** The SDK's two shutdown durations for a grace period. */
export function shutdownTimes(graceMs: number): { shutdownGraceTime: number; shutdownForceTime: number } {
  return { shutdownGraceTime: graceMs, shutdownForceTime: graceMs + SHUTDOWN_FORCE_MARGIN_MS };
}

/**
 * Asks a worker to stop polling and drain. Idempotent: a worker that is not RUNNING (stopping
 * already, stopped, failed or never started) is left alone, since the SDK throws on a second
 * shutdown(). Returns whether this call started the stop.
 */
export function stopWorker(worker: Pick<Worker, 'getState' | 'shutdown'>): boolean {
  if (worker.getState() !== 'RUNNING') return false;
  worker.shutdown();
  return true;
}

export async function createJourneyWorker(o: JourneyWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: o.connection,
    namespace: o.namespace,
    taskQueue: o.taskQueue,
    workflowBundle: o.workflowBundlePath !== undefined ? { codePath: o.workflowBundlePath } : await workflowBundle(),
    activities: o.activities as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>,
    ...(o.maxCachedWorkflows !== undefined && { maxCachedWorkflows: o.maxCachedWorkflows }),
    ...shutdownTimes(o.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS),
    ...(o.activityInterceptors && { interceptors: { activity: o.activityInterceptors } }),
    ...(o.dataConverter && { dataConverter: o.dataConverter }),
  });
}
