/**
 * routingTableWorkflow: holds the deployed routing table (segments, their rules and the plan of
 * each journey) as its input, like journeyPlanWorkflow holds a plan (id from routingWorkflowId).
 * `settle deploy` and `settle enroll` replace its run when the table changes; the `routeDebt`
 * activity reads the current run's input (src/temporal/routing-store.ts). Runs until replaced.
 */
import { condition } from '@temporalio/workflow';

export async function routingTableWorkflow(_table: unknown): Promise<void> {
  await condition(() => false);
}
