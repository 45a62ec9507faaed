/**
 * The routing table: the project's segments as one plain document — each segment's name,
 * priority, journey, `when` (CEL source) and fallback zones, the plan of its journey by reference
 * (PlanRef), and the declared attribute types the rules are checked against. `settle deploy` and
 * `settle enroll` publish it to Temporal (src/temporal/routing-store.ts); the `routeDebt`
 * activity routes a handed-over debt with it, through the same router as enrollment
 * (routerOf in route.ts), so a worker needs no project files to route.
 */
import { createHash } from 'node:crypto';
import { declaredAttributes, type Project } from '../project/project.js';
import { canonicalJson } from '../core/canonical-json.js';
import type { AttributeType } from '../dsl/index.js';
import type { JourneyPlan } from '../ir/index.js';
import { planRefOf } from '../ids/plan-ref.js';
import type { PlanRef } from '../workflows/types.js';
import { routerOf, segmentRules, type Router, type SegmentRule } from './route.js';

export interface RoutingTable {
  /** sha256 (hex) of the canonical JSON of `attributes` and `segments`: changes iff routing does. */
  contentHash: string;
  attributes: Record<string, AttributeType>;
  /** In routing order (priority, then name). */
  segments: (SegmentRule & { plan: PlanRef })[];
}

/** The routing table of a compiled project (plans: the current version of each journey). */
export function routingTableOf(project: Project, plans: ReadonlyMap<string, JourneyPlan>): RoutingTable {
  const attributes = declaredAttributes(project);
  const segments = segmentRules(project, plans).map((rule) => ({ ...rule, plan: planRefOf(plans.get(rule.journey)!) }));
  const contentHash = createHash('sha256').update(canonicalJson({ attributes, segments })).digest('hex');
  return { contentHash, attributes, segments };
}

/** The router of a deployed table (the same routing as enrollment's). */
export function tableRouter(table: RoutingTable): Router {
  return routerOf(table.segments, table.attributes);
}

/** The plan each journey of the table routes to (the segments of one journey share it). */
export function tablePlans(table: RoutingTable): Map<string, PlanRef> {
  return new Map(table.segments.map((s) => [s.journey, s.plan]));
}
