/**
 * The journey worker: journeyWorkflow (bundled once per process, or prebuilt for production) and
 * the activities, on one task queue. Shutdown drains in-flight activities within a grace period
 * (SETTLE_SHUTDOWN_GRACE): then the SDK cancels those still running, and shortly after it gives up
 * on the drain altogether (shutdownForceTime), so `worker.run()` always settles.
 */
import { readdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  bundleWorkflowCode,
  NativeConnection,
  Worker,
  type ActivityInterceptorsFactory,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import type { DataConverter } from '@temporalio/common';
import type { Activities } from '../workflows/contract.js';
import type { TemporalConfig } from '../config/env.js';
import { connectionOptions, TemporalUnavailableError } from './connection.js';

/** The workflows entry next to this file: index.ts under tsx, index.js in the build. */
const EXT = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
export const WORKFLOWS_PATH = fileURLToPath(new URL(`../workflows/index.${EXT}`, import.meta.url));

const SRC = fileURLToPath(new URL('..', import.meta.url));

/** The modules of a folder of src (recursively), as paths the bundler resolves. */
function modulesUnder(dir: string): string[] {
  return readdirSync(join(SRC, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith(`.${EXT}`) && !f.endsWith('.d.ts') && !f.endsWith('.test.ts'))
    .map((f) => join(SRC, dir, f));
}

/**
 * Modules loaded once per worker and shared by every workflow it runs (the SDK's
 * `preloadModules`, reusable V8 context). Without it, each cached workflow evaluates its own copy
 * of every module it imports: the CEL library, the policy engine and their memo tables, per
 * journey. Only pure code belongs here, whose module state is deterministic memoisation or
 * synchronous scratch space (src/core, src/ir, the CEL library), and the plan cache that is meant
 * to be shared (src/workflows/shared-plans). Never anything that imports @temporalio/workflow or
 * keeps a workflow's own state: it would leak from one journey into another. The SDK freezes the
 * exports of these modules.
 */
export function sharedWorkflowModules(): string[] {
  return [
    join(SRC, 'workflows', `sandbox-date.${EXT}`),
    '@marcbachmann/cel-js',
    ...modulesUnder('core'),
    ...modulesUnder('ir'),
    join(SRC, 'workflows', `shared-plans.${EXT}`),
  ];
}

function bundleOptions() {
  return { workflowsPath: WORKFLOWS_PATH, logger: quietLogger, preloadModules: sharedWorkflowModules() };
}

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;

/** The workflow bundle, built once per process (webpack takes a few seconds). */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode(bundleOptions());
  return bundle;
}

/**
 * Bundles the workflow code ahead of time into `path` (the container image does this at build
 * time; SETTLE_WORKFLOW_BUNDLE then points the worker at it, so it starts without webpack).
 */
export async function writeWorkflowBundle(path: string): Promise<void> {
  const { code } = await bundleWorkflowCode(bundleOptions());
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
  /** Max workflows kept in memory (sleeping journeys need none); DEFAULT_MAX_CACHED_WORKFLOWS when absent. */
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

/**
 * Resident memory of one journey in the workflow cache, measured by bench/worker-memory (MiB).
 * Mostly the SDK's own per-workflow state; the modules and plans are shared (sharedWorkflowModules).
 */
export const MIB_PER_CACHED_JOURNEY = 0.4;

/**
 * The default workflow cache, in journeys. Sizing rule: the cache holds the journeys that are
 * awake at once, not the sleeping ones. A journey is awake between the workflow tasks of a step
 * (an activity in flight, a short timer): about a second. A sleeping journey is evicted and, when
 * its timer fires, replayed from its history (a few ms for a journey's hundred-odd events). So
 * size it as workflow tasks per second × seconds awake: 250 covers 250 workflow tasks a second,
 * more than one Temporal dev server sustains, for about 100 MiB (250 × MIB_PER_CACHED_JOURNEY)
 * above an idle worker, however many journeys sleep. The SDK's own default grows with the V8 heap
 * limit (about 2,400 journeys, 1.5 GiB, for a 4 GiB heap), so it is never left to it.
 */
export const DEFAULT_MAX_CACHED_WORKFLOWS = 250;

/** The cache size a worker runs with, and why (`settle worker` logs both at start). */
export function workflowCacheSize(requested?: number): { maxCachedWorkflows: number; why: string } {
  const size = requested ?? DEFAULT_MAX_CACHED_WORKFLOWS;
  const mib = Math.round(size * MIB_PER_CACHED_JOURNEY);
  return requested === undefined
    ? {
        maxCachedWorkflows: size,
        why: `default: the journeys awake at once (workflow tasks per second × about 1 s awake), not the sleeping ones; about ${mib} MiB at ${MIB_PER_CACHED_JOURNEY} MiB per cached journey; --max-cached-workflows to change`,
      }
    : {
        maxCachedWorkflows: size,
        why: `--max-cached-workflows ${size}: about ${mib} MiB at ${MIB_PER_CACHED_JOURNEY} MiB per cached journey`,
      };
}

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
    maxCachedWorkflows: o.maxCachedWorkflows ?? DEFAULT_MAX_CACHED_WORKFLOWS,
    ...shutdownTimes(o.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS),
    ...(o.activityInterceptors && { interceptors: { activity: o.activityInterceptors } }),
    ...(o.dataConverter && { dataConverter: o.dataConverter }),
  });
}
