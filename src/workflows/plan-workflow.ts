/**
 * journeyPlanWorkflow: the plan store's holder of one compiled plan (id from planWorkflowId).
 * The plan is its input, so the store is Temporal itself: no database for the user to run, and
 * the plan stays readable (the `loadPlan` activity reads the first event of this history) for as
 * long as the holder runs. It runs until terminated, with nothing in its history but its start.
 * Retire a version's holder (`temporal workflow terminate`) only once no journey of it can still
 * be waiting for its first workflow task.
 */
import { condition } from '@temporalio/workflow';
import type { JourneyPlan } from '../ir/index.js';

export async function journeyPlanWorkflow(_plan: JourneyPlan): Promise<void> {
  await condition(() => false);
}
