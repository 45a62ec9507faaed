/**
 * loadPlan: a journey started by reference (JourneyRefInput) reads its compiled plan from the
 * plan store (injected: src/temporal/stores.ts) through the worker's own Temporal client. Run as a
 * local activity: on a cache hit it takes microseconds, on a miss one history read.
 */
import { Context } from '@temporalio/activity';
import type { JourneyPlan } from '../ir/index.js';
import type { ActivityStores } from './deps.js';
import type { PlanRef } from '../workflows/types.js';

export function createLoadPlan(plans: ActivityStores['plans']) {
  return async function loadPlan(ref: PlanRef): Promise<JourneyPlan> {
    return plans.load(Context.current().client, ref);
  };
}
