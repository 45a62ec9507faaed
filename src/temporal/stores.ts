/**
 * The stores a worker's activities read, kept in Temporal itself: compiled plans (plan-store.ts)
 * and the deployed routing table (routing-store.ts). The composition root injects them into the
 * activities (ActivityDeps.stores), so src/activities does not reach for them itself.
 */
import type { ActivityStores } from '../activities/deps.js';
import { createPlanLoader } from './plan-store.js';
import { createRoutingTableReader } from './routing-store.js';

/** One plan cache and one routing-table reader per worker. */
export function temporalStores(): ActivityStores {
  return { plans: createPlanLoader(), routing: createRoutingTableReader() };
}
