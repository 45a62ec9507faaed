/**
 * loadPlan: a journey started by reference (JourneyRefInput) reads its compiled plan from the
 * plan store (src/temporal/plan-store.ts) through the worker's own Temporal client. Run as a
 * local activity: on a cache hit it takes microseconds, on a miss one history read.
 */
import { Context } from '@temporalio/activity';
import type { JourneyPlan } from '../ir/index.js';
import { createPlanLoader } from '../temporal/plan-store.js';
import type { PlanRef } from '../workflows/types.js';

export function createLoadPlan() {
  const loader = createPlanLoader();
  return async function loadPlan(ref: PlanRef): Promise<JourneyPlan> {
    return loader.load(Context.current().client, ref);
  };
}
