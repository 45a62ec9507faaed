/**
 * Plans shared by every journey a worker runs: one object per plan content, not one per workflow.
 *
 * A journey started by reference gets its plan from the `loadPlan` local activity, deserialised
 * for that workflow alone (tens of KB of templates and steps, and the CEL compiled for it, held
 * for as long as the workflow stays in the worker's cache). The worker preloads this module into
 * its reusable V8 context (src/temporal/journey-worker.ts, `preloadModules`), so the map below is one per
 * worker, not one per workflow: the first journey of a plan keeps its copy here, later ones use
 * it and drop theirs. Sharing is deterministic: the key is the content hash the loader checked,
 * so every copy under one key is the same plan, and plans are frozen here, so no journey can
 * change what another one reads. Outside a preloading worker (tests, the simulator) the map is
 * per module instance and the function is a harmless memo.
 */
import type { JourneyPlan } from '../ir/index.js';

/** Plans kept at most (a worker runs a handful: journeys × live versions); the oldest goes first. */
export const SHARED_PLANS_MAX = 64;

const plans = new Map<string, JourneyPlan>();

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** The worker's copy of the plan with this content hash: `plan` itself (frozen) the first time. */
export function sharedPlan(contentHash: string, plan: JourneyPlan): JourneyPlan {
  const known = plans.get(contentHash);
  if (known) return known;
  if (plans.size >= SHARED_PLANS_MAX) plans.delete(plans.keys().next().value!);
  plans.set(contentHash, deepFreeze(plan));
  return plan;
}

/** How many plans are shared now (tests). */
export function sharedPlanCount(): number {
  return plans.size;
}
