/**
 * routeDebt: a journey hands its debt over (an exit with `handOver: true`) and asks where it goes
 * next. The segments of the deployed routing table (src/temporal/routing-store.ts, published by
 * `settle deploy` and `settle enroll`) are evaluated on the debt's current facts at the hand-over
 * instant; when they keep it in the journey being left, the search goes on day by day (local
 * midnights) up to the horizon — routeForward, the same search `settle simulate` uses.
 */
import { Context } from '@temporalio/activity';
import { routeDebtBy, type Router } from '../routing/route.js';
import { tablePlans, tableRouter, type RoutingTable } from '../routing/table.js';
import type { ActivityStores } from './deps.js';
import type { RouteDebtInput, RouteDebtResult } from '../workflows/contract.js';

/** The answer for one debt over a table and its router (pure: no Temporal). */
export function routeDebtWith(table: RoutingTable, router: Router, input: RouteDebtInput): RouteDebtResult {
  const bySegment = new Map(table.segments.map((s) => [s.name, s.plan]));
  const byJourney = tablePlans(table);
  return routeDebtBy(
    router,
    (journey, segment) => (segment !== undefined ? bySegment.get(segment) : undefined) ?? byJourney.get(journey),
    input,
  );
}

/** Routers of the tables seen, by content hash (a worker sees one table per deploy). */
function routerCache(max = 8): (table: RoutingTable) => Router {
  const routers = new Map<string, Router>();
  return (table) => {
    let router = routers.get(table.contentHash);
    if (!router) {
      if (routers.size >= max) routers.delete(routers.keys().next().value!);
      router = tableRouter(table);
      routers.set(table.contentHash, router);
    }
    return router;
  };
}

export function createRouteDebt(reader: ActivityStores['routing']) {
  const routerFor = routerCache();
  return async function routeDebt(input: RouteDebtInput): Promise<RouteDebtResult> {
    const { client, info } = Context.current();
    const table = await reader.read(client, info.taskQueue);
    if (!table) {
      return {
        none: `no routing table is deployed for task queue ${info.taskQueue} (settle deploy or settle enroll publishes it)`,
      };
    }
    return routeDebtWith(table, routerFor(table), input);
  };
}
