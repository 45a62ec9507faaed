/** One journey's status (Temporal's description and the journey's own `state` query): shared by `settle status` and `settle status --debtor`. */
import type { Client } from '@temporalio/client';
import { startInputVersion } from '../../temporal/plan-store.js';
import { SA } from '../../temporal/search-attributes.js';
import { ledgerQuery, ledgerWorkflowId } from '../../workflows/definitions.js';
import { queryJourneyState } from '../../temporal/query-state.js';
import type { JourneyResult, JourneyStateView, LedgerView } from '../../workflows/types.js';
import { type FoundJourney } from '../temporal.js';

export interface StatusEnv {
  vars?: Record<string, string | undefined>;
  /** How long the state query may take (default 5 s). */
  queryTimeoutMs?: number;
}

export interface JourneyStatus {
  workflowId: string;
  journey: string;
  version?: number;
  /** running, completed, failed, terminated, canceled, timed_out, continued_as_new. */
  status: string;
  startedAt: string;
  closedAt?: string;
  taskQueue: string;
  /** SettleStep: where the journey last started waiting (known without a worker). */
  waitingAt?: string;
  /** The journey's own view (state query), when a worker answered. */
  view?: JourneyStateView;
  /** The result of a completed journey (read from history, no worker needed). */
  result?: JourneyResult;
  /** Why the view is missing. */
  noView?: string;
  /** The debtor's contact ledger (shared by all their journeys): this debt's contacts, the opt-outs and bounces. */
  ledger?: { contacts: LedgerView['contacts']; optedOut: LedgerView['optedOut']; bounced?: LedgerView['bounced'] };
}

// Numeric proto enums (@temporalio/proto is not a direct dependency): NORMAL kind, WORKFLOW type.
const TASK_QUEUE_KIND_NORMAL = 1;
const TASK_QUEUE_TYPE_WORKFLOW = 1;

/** False only when Temporal says no worker polls the queue (when unsure, the query decides). */
async function workerPolling(client: Client, taskQueue: string): Promise<boolean> {
  try {
    const res = await client.workflowService.describeTaskQueue({
      namespace: client.options.namespace,
      taskQueue: { name: taskQueue, kind: TASK_QUEUE_KIND_NORMAL },
      taskQueueType: TASK_QUEUE_TYPE_WORKFLOW,
    });
    return (res.pollers ?? []).length > 0;
  } catch {
    return true;
  }
}

export async function journeyStatus(
  client: Client,
  j: FoundJourney,
  debtId: string,
  queryTimeoutMs: number,
): Promise<JourneyStatus> {
  const d = j.description;
  const handle = client.workflow.getHandle(j.workflowId);
  // A journey enrolled by reference has its search attributes once a worker ran its first task.
  const version = d.typedSearchAttributes.get(SA.version) ?? (await startInputVersion(client, j.workflowId));
  const waitingAt = d.typedSearchAttributes.get(SA.step);
  const out: JourneyStatus = {
    workflowId: j.workflowId,
    journey: j.journey,
    ...(version !== undefined && { version }),
    status: (d.status.name ?? 'UNKNOWN').toLowerCase(),
    startedAt: d.startTime.toISOString(),
    ...(d.closeTime && { closedAt: d.closeTime.toISOString() }),
    taskQueue: d.taskQueue,
    ...(waitingAt !== undefined && { waitingAt }),
  };
  if (d.status.name === 'COMPLETED') out.result = (await handle.result()) as JourneyResult;
  if (!(await workerPolling(client, d.taskQueue))) {
    out.noView = `no worker is polling task queue ${d.taskQueue}: start one (settle worker) to see sends, events and the audit trail`;
    return out;
  }
  try {
    out.view = await queryJourneyState(client, j.workflowId, queryTimeoutMs);
  } catch (e) {
    out.noView = `the worker did not answer the state query (${(e as Error).message}): is it running?`;
  }
  const debtorKey = d.typedSearchAttributes.get(SA.debtor);
  if (debtorKey !== undefined) {
    try {
      const ledger = client.workflow.getHandle(ledgerWorkflowId(debtorKey));
      const view = await client.withDeadline(Date.now() + queryTimeoutMs, () => ledger.query(ledgerQuery));
      out.ledger = {
        contacts: view.contacts.filter((c) => c.debtId === debtId),
        optedOut: view.optedOut,
        ...(view.bounced !== undefined && view.bounced.length > 0 && { bounced: view.bounced }),
      };
    } catch {
      // No ledger yet (nothing sent) or no worker: the journey's own audit trail still tells the story.
    }
  }
  return out;
}
