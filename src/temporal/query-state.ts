/**
 * A journey's `state` query, asked again while the journey cannot answer it yet. A journey sets
 * its query handler in its first workflow task, once its plan is loaded (a local activity), and
 * again in each new run after a continue-as-new or a hand-over: a query in between fails with
 * QueryNotRegisteredError though the journey is fine. Within the deadline such a failure is retried
 * (the plan loads in well under a second); any other failure, or the deadline, is final.
 */
import { QueryNotRegisteredError, type Client } from '@temporalio/client';
import { stateQuery } from '../workflows/definitions.js';
import type { JourneyStateView } from '../workflows/types.js';

const FIRST_RETRY_MS = 50;
const MAX_RETRY_MS = 500;

export async function queryJourneyState(
  client: Client,
  workflowId: string,
  timeoutMs: number,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
): Promise<JourneyStateView> {
  const deadline = Date.now() + timeoutMs;
  let pause = FIRST_RETRY_MS;
  for (;;) {
    try {
      return await client.connection.withDeadline(deadline, () =>
        client.workflow.getHandle(workflowId).query(stateQuery),
      );
    } catch (error) {
      if (!(error instanceof QueryNotRegisteredError) || Date.now() + pause >= deadline) throw error;
    }
    await sleep(pause);
    pause = Math.min(MAX_RETRY_MS, pause * 2);
  }
}
