/**
 * The plan store: compiled plans kept in Temporal itself, one holder workflow per plan
 * (journeyPlanWorkflow, id `settle-plan/<journey>/v<version>/<hash>`, the plan as its input).
 *
 * Why: a journey used to carry its whole plan (34 KB mean, mostly templates in every locale) in
 * its start request, plus four search attributes. Both cost the server at start time, and
 * enrollment ran at 0.67× raw starts. Now `settle enroll` publishes each plan once and starts
 * journeys with a PlanRef; the journey loads the plan in its first workflow task through the
 * `loadPlan` local activity (one marker event; the plan is in the history from there on, so
 * replay never reads the store). Workers cache plans by content hash, so the store is read once
 * per plan per worker process.
 *
 * Integrity: the loader recomputes the content hash of what it read and refuses a mismatch.
 */
import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy, type Client } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import type { JourneyPlan } from '../ir/index.js';
import { PLAN_WORKFLOW_TYPE, planWorkflowId } from '../workflows/definitions.js';
import type { PlanRef } from '../workflows/types.js';
import { contentHash, planRefOf } from '../ids/plan-ref.js';

const published = new WeakMap<Client, Map<string, Promise<void>>>();

/**
 * Makes sure the plan's holder runs (idempotent: an existing holder is kept). Done once per plan
 * per client in this process; a failed attempt is forgotten so the next start tries again.
 */
export function publishPlan(client: Client, taskQueue: string, plan: JourneyPlan): Promise<void> {
  const ref = planRefOf(plan);
  let byHash = published.get(client);
  if (!byHash) published.set(client, (byHash = new Map()));
  let done = byHash.get(ref.contentHash);
  if (!done) {
    done = client.workflow
      .start(PLAN_WORKFLOW_TYPE, {
        workflowId: planWorkflowId(ref),
        taskQueue,
        args: [plan],
        workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
        workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
      })
      .then(() => undefined);
    byHash.set(ref.contentHash, done);
    const map = byHash;
    done.catch(() => map.delete(ref.contentHash));
  }
  return done;
}

/**
 * The first argument a workflow was started with, read from the first event of its (latest run's)
 * history: one small page, no worker needed. Undefined when it was started without arguments.
 */
export async function startInput<T>(client: Client, workflowId: string): Promise<T | undefined> {
  const page = await client.workflowService.getWorkflowExecutionHistory({
    namespace: client.options.namespace,
    execution: { workflowId },
    maximumPageSize: 1,
  });
  const payload = page.history?.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
  if (!payload) return undefined;
  // Through the client's codecs (payload encryption), in reverse order of encoding, then its converter.
  const { payloadConverter, payloadCodecs } = client.options.loadedDataConverter;
  let decoded: Payload[] = [payload];
  for (const codec of [...payloadCodecs].reverse()) decoded = await codec.decode(decoded);
  return payloadConverter.fromPayload<T>(decoded[0]!);
}

/** The plan version a journey was started with, from its start input (plan by reference or by value); undefined when unreadable. */
export async function startInputVersion(client: Client, workflowId: string): Promise<number | undefined> {
  return (await startInputRef(client, workflowId))?.version;
}

/** The journey and plan version a journey's (latest run) was started with; undefined when unreadable. */
export async function startInputRef(
  client: Client,
  workflowId: string,
): Promise<{ journey: string; version: number } | undefined> {
  try {
    const input = await startInput<{ planRef?: PlanRef; plan?: JourneyPlan }>(client, workflowId);
    const ref = input?.planRef ?? input?.plan;
    return ref ? { journey: ref.journey, version: ref.version } : undefined;
  } catch {
    return undefined;
  }
}

/** Thrown when the store has no holder for a plan (or a holder whose content does not match). */
export class PlanNotFoundError extends Error {
  override readonly name = 'PlanNotFound';
}

const CACHE_MAX = 256;

/** Reads plans from the store, caching them by content hash (one per worker process). */
export function createPlanLoader() {
  const cache = new Map<string, Promise<JourneyPlan>>();

  async function read(client: Client, ref: PlanRef): Promise<JourneyPlan> {
    const workflowId = planWorkflowId(ref);
    let plan;
    try {
      plan = await startInput<JourneyPlan>(client, workflowId);
    } catch (e) {
      // gRPC NOT_FOUND: no holder (never published, or terminated and past retention).
      if ((e as { code?: number }).code === 5) {
        throw new PlanNotFoundError(
          `plan ${ref.journey} v${ref.version} is not in the plan store (no workflow ${workflowId}): settle enroll publishes it; enroll again, or check the namespace`,
        );
      }
      throw e;
    }
    if (!plan || contentHash(plan) !== ref.contentHash) {
      throw new PlanNotFoundError(
        `the plan store's ${workflowId} does not hold plan ${ref.journey} v${ref.version} (content hash differs)`,
      );
    }
    return plan;
  }

  return {
    load(client: Client, ref: PlanRef): Promise<JourneyPlan> {
      let plan = cache.get(ref.contentHash);
      if (!plan) {
        if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value!);
        plan = read(client, ref);
        cache.set(ref.contentHash, plan);
        plan.catch(() => cache.delete(ref.contentHash));
      }
      return plan;
    },
  };
}
