/**
 * A plan's reference: journey, version and the SHA-256 of its canonical JSON. Enrollment, the
 * routing table, the plan store and migrations name plans by it; the loader checks it.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../core/canonical-json.js';
import type { JourneyPlan } from '../ir/index.js';
import type { PlanRef } from '../workflows/types.js';

const refs = new WeakMap<JourneyPlan, PlanRef>();

export function contentHash(plan: JourneyPlan): string {
  return createHash('sha256').update(canonicalJson(plan)).digest('hex');
}

/** The reference of a plan (memoised per plan object: a portfolio shares a handful of plans). */
export function planRefOf(plan: JourneyPlan): PlanRef {
  let ref = refs.get(plan);
  if (!ref) {
    ref = { journey: plan.journey, version: plan.version, contentHash: contentHash(plan) };
    refs.set(plan, ref);
  }
  return ref;
}
