/**
 * The deployed routing table in Temporal itself, like the plan store: a holder workflow
 * (routingTableWorkflow, id `settle-routing/<taskQueue>`) whose input is the table, its content
 * hash in the memo. Publishing describes the holder and, when no run is open or its hash differs,
 * starts a new run in its place (conflict policy TERMINATE_EXISTING); the plans the
 * table names are published to the plan store first, so whatever the table routes to can load.
 * Readers (the `routeDebt` activity) read the current run's start input and keep it for a short
 * time per worker, so a re-deploy reaches hand-overs within that time.
 */
import {
  WorkflowIdConflictPolicy,
  WorkflowIdReusePolicy,
  WorkflowNotFoundError,
  type Client,
} from '@temporalio/client';
import type { RoutingTable } from '../routing/table.js';
import type { JourneyPlan } from '../ir/index.js';
import { ROUTING_WORKFLOW_TYPE, routingWorkflowId } from '../workflows/definitions.js';
import { publishPlan, startInput } from './plan-store.js';
import { planRefOf } from '../ids/plan-ref.js';

const NOT_FOUND = 5;

function isNotFound(e: unknown): boolean {
  return e instanceof WorkflowNotFoundError || (e as { code?: number }).code === NOT_FOUND;
}

/** The table the holder of this task queue holds now (undefined: none published). */
export async function readRoutingTable(client: Client, taskQueue: string): Promise<RoutingTable | undefined> {
  try {
    return await startInput<RoutingTable>(client, routingWorkflowId(taskQueue));
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

export interface Published {
  /** Whether a new run was started (the content differed, or no holder ran). */
  status: 'published' | 'unchanged';
  /**
   * When a routing table was first published on this task queue (epoch ms, kept in the memo
   * from run to run): journeys started before may be of the older id `settle/<debtId>/<journey>`.
   */
  since: number;
}

/** Publishes the table (and every plan it names) unless the running holder holds the same content. */
export async function publishRoutingTable(
  client: Client,
  taskQueue: string,
  table: RoutingTable,
  plans: Iterable<JourneyPlan>,
): Promise<Published> {
  const workflowId = routingWorkflowId(taskQueue);
  let since = Date.now();
  try {
    const held = await client.workflow.getHandle(workflowId).describe();
    const heldSince = held.memo?.['since'];
    if (typeof heldSince === 'number') since = heldSince;
    if (held.status.name === 'RUNNING' && held.memo?.['contentHash'] === table.contentHash)
      return { status: 'unchanged', since };
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
  const wanted = new Set(table.segments.map((s) => s.plan.contentHash));
  await Promise.all(
    [...plans].filter((p) => wanted.has(planRefOf(p).contentHash)).map((p) => publishPlan(client, taskQueue, p)),
  );
  await client.workflow.start(ROUTING_WORKFLOW_TYPE, {
    workflowId,
    taskQueue,
    args: [table],
    memo: { contentHash: table.contentHash, since },
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.TERMINATE_EXISTING,
    workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
  });
  return { status: 'published', since };
}

export interface RoutingTableReader {
  /** The current table (undefined when none is published), read at most once per `ttlMs`. */
  read(client: Client, taskQueue: string): Promise<RoutingTable | undefined>;
}

/** A per-worker reader of the deployed table: one history read per task queue per `ttlMs` (default 30 s). */
export function createRoutingTableReader(options: { ttlMs?: number; now?: () => number } = {}): RoutingTableReader {
  const ttlMs = options.ttlMs ?? 30_000;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { at: number; table: Promise<RoutingTable | undefined> }>();
  return {
    read(client, taskQueue) {
      const hit = cache.get(taskQueue);
      if (hit && now() - hit.at < ttlMs) return hit.table;
      const table = readRoutingTable(client, taskQueue);
      const entry = { at: now(), table };
      cache.set(taskQueue, entry);
      table.catch(() => {
        if (cache.get(taskQueue) === entry) cache.delete(taskQueue);
      });
      return table;
    },
  };
}
