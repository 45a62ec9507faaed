/**
 * Journeys enrolled before one workflow per debt had the id `settle/<debtId>/<journey>`. A
 * re-import must reach such a journey while it runs, not start a second one under `settle/<debtId>`.
 * They all started before the first routing table was published on their task queue (enrollment
 * publishes it before its first start), so one visibility count tells whether any still runs —
 * none, once they have ended, and enrollment pays one count per run — and only then are they listed.
 */
import type { Client } from '@temporalio/client';
import { parseWorkflowId } from '../ids/workflow-ids.js';
import { WORKFLOW_TYPE } from '../workflows/types.js';

/** Running journeys of the older id on this task queue, by debt id (the first found per debt). */
export async function legacyJourneys(client: Client, taskQueue: string, since: number): Promise<Map<string, string>> {
  const query =
    `WorkflowType = '${WORKFLOW_TYPE}' AND ExecutionStatus = 'Running' AND TaskQueue = '${taskQueue.replace(/'/g, "\\'")}'` +
    ` AND StartTime < '${new Date(since).toISOString()}'`;
  const out = new Map<string, string>();
  if ((await client.workflow.count(query)).count === 0) return out;
  for await (const wf of client.workflow.list({ query })) {
    const id = parseWorkflowId(wf.workflowId);
    if (id?.journey !== undefined && !out.has(id.debtId)) out.set(id.debtId, wf.workflowId);
  }
  return out;
}
