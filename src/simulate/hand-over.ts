/**
 * Hand-overs in `settle simulate`: a journey that ends with an exit marked `handOver` asks
 * `routeDebt` where the debt goes next. The simulator answers with the same search as the worker's
 * activity (routeDebtBy / routeForward over the simulation's router, built from the project) and
 * runs the debt on in the journey routed to, with its history (run-debt.ts, HandedOver).
 */
import type { RouteDebtInput, RouteDebtResult } from '../workflows/contract.js';
import { routeDebtBy, type Router } from '../routing/route.js';
import type { JourneyPlan } from '../ir/index.js';
import type { PlanRef } from '../workflows/types.js';

export interface SimulatedRouting {
  /** routeDebt's answer, looking no further than `untilMs` (the simulation's horizon). */
  route(input: RouteDebtInput, untilMs: number): RouteDebtResult;
  /** The plan a routed reference names (the simulation's current plan of that journey). */
  plan(ref: PlanRef): JourneyPlan | undefined;
}

/**
 * The simulation names plans by journey: a reference carries the plan's sourceHash in place of
 * the plan store's content hash (nothing is loaded from a store here).
 */
export function simulatedPlanRef(plan: JourneyPlan): PlanRef {
  return { journey: plan.journey, version: plan.version, contentHash: plan.sourceHash };
}

export function simulatedRouting(router: Router, plans: ReadonlyMap<string, JourneyPlan>): SimulatedRouting {
  return {
    route(input, untilMs) {
      // Past the horizon nothing happens anyway: a shorter search, same answer within the run.
      const horizonMs = Math.max(0, Math.min(input.horizonMs, untilMs - input.at));
      return routeDebtBy(
        router,
        (journey) => {
          const plan = plans.get(journey);
          return plan ? simulatedPlanRef(plan) : undefined;
        },
        { ...input, horizonMs },
      );
    },
    plan(ref) {
      return plans.get(ref.journey);
    },
  };
}

/**
 * Routing across a deploy (settle diff --portfolio): a debt routed before `atMs` goes where the
 * old project sends it, from `atMs` on where the new one does (the routing table the deploy
 * publishes). Plans are named by journey, version and hash, so a debt keeps the one it was given.
 */
export function deployedRouting(before: SimulatedRouting, after: SimulatedRouting, atMs: number): SimulatedRouting {
  return {
    route(input, untilMs) {
      return (input.at >= atMs ? after : before).route(input, untilMs);
    },
    plan(ref) {
      const next = after.plan(ref);
      if (next !== undefined && next.version === ref.version && next.sourceHash === ref.contentHash) return next;
      return before.plan(ref);
    },
  };
}
