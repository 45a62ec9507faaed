/**
 * Segment routing (docs/language.md): segments in order of priority, ties broken by name;
 * the first whose `when` holds for the record at the enrollment instant picks the journey.
 * Expressions see the debtor's time zone when it is a valid one, else the target journey's
 * policy fallback — the zone that journey would use for the debt — so `debt.daysPastDue` is the
 * same number the journey itself would compute. An expression that fails on a record (a field
 * it reads is absent) means that segment does not match; the failures are counted so a rule
 * that silently never matches shows up in the summary.
 */
import { declaredAttributes, type Project } from '../project/project.js';
import {
  celInput,
  compileCel,
  evaluateBool,
  type AttributeTypes,
  type CelInput,
  type CompiledCel,
} from '../core/cel/index.js';
import { addDays, isValidTimeZone, localDateIso, zonedMidnight } from '../core/timezone.js';
import type { RouteDebtInput, RouteDebtResult } from '../workflows/contract.js';
import type { EnrollmentData, JourneyPlan } from '../ir/index.js';
import type { PlanRef } from '../workflows/types.js';

export type Route = { journey: string; segment?: string } | { unmatched: true };

/**
 * One segment as the router needs it, in plain data: what `settle enroll` reads from the project
 * and what the deployed routing table (src/routing/table.ts) holds.
 */
export interface SegmentRule {
  name: string;
  priority: number;
  journey: string;
  /** The CEL source of `when`. */
  when: string;
  /** Zone for records without a valid one: the journey's policy fallback. */
  fallbackZone: string;
  /** The fallback of the policy `policyByCountry` gives debtors of these countries (upper-case ISO codes). */
  fallbackZoneByCountry?: Readonly<Record<string, string>>;
}

export interface RoutedSegment extends Omit<SegmentRule, 'when'> {
  when: CompiledCel;
}

export interface Router {
  route(record: EnrollmentData, nowMs: number): Route;
  readonly segments: readonly RoutedSegment[];
  /** Segment expressions that failed to evaluate on a record (each counts as no match). */
  readonly evaluationErrors: number;
}

export interface RouterOptions {
  /** Bypass the segments: every record goes to this journey. */
  journey?: string;
}

/** Orders segments: lowest priority number first, ties by name. */
export function segmentOrder(a: { priority: number; name: string }, b: { priority: number; name: string }): number {
  return a.priority - b.priority || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

/** A journey's fallback zones: its policy's, and per country the one `policyByCountry` picks (src/core/policy/debtor.ts). */
export function fallbackZones(plan: JourneyPlan): Pick<SegmentRule, 'fallbackZone' | 'fallbackZoneByCountry'> {
  const byCountry: Record<string, string> = {};
  for (const [country, name] of Object.entries(plan.policyByCountry ?? {})) {
    const zone = plan.policies?.[name]?.timezoneFallback;
    if (zone !== undefined && zone !== plan.policy.timezoneFallback) byCountry[country.toUpperCase()] = zone;
  }
  return {
    fallbackZone: plan.policy.timezoneFallback,
    ...(Object.keys(byCountry).length > 0 && { fallbackZoneByCountry: byCountry }),
  };
}

/**
 * The project's valid segments as plain rules. Segments whose journey has no compiled plan are
 * left out (they could not be enrolled anyway; the compiler reports why).
 */
export function segmentRules(project: Project, plans: ReadonlyMap<string, JourneyPlan>): SegmentRule[] {
  const rules: SegmentRule[] = [];
  for (const [name, seg] of project.segments) {
    const plan = plans.get(seg.doc.spec.journey);
    if (!seg.valid || !plan) continue;
    rules.push({
      name,
      priority: seg.doc.spec.priority,
      journey: seg.doc.spec.journey,
      when: seg.doc.spec.when,
      ...fallbackZones(plan),
    });
  }
  return rules.sort(segmentOrder);
}

/** A router over the project's valid segments. */
export function createRouter(
  project: Project,
  plans: ReadonlyMap<string, JourneyPlan>,
  options: RouterOptions = {},
): Router {
  return routerOf(segmentRules(project, plans), declaredAttributes(project), options);
}

/** The zone a segment reads a record in: the debtor's when valid, else its journey's fallback for them. */
export function zoneFor(
  seg: Pick<SegmentRule, 'fallbackZone' | 'fallbackZoneByCountry'>,
  record: EnrollmentData,
): string {
  const zone = record.debtor.timezone;
  if (zone !== undefined && isValidTimeZone(zone)) return zone;
  const country = record.debtor.country?.trim().toUpperCase();
  return (country !== undefined && seg.fallbackZoneByCountry?.[country]) || seg.fallbackZone;
}

/**
 * The router over plain segment rules (the project's, or the deployed routing table's): the one
 * place routing is decided. Attribute types are the project's declared ones (CEL type checks).
 */
export function routerOf(
  rules: readonly SegmentRule[],
  attributes: AttributeTypes,
  options: RouterOptions = {},
): Router {
  const segments: RoutedSegment[] = [...rules]
    .sort(segmentOrder)
    .map((r) => ({ ...r, when: compileCel(r.when, attributes) }));
  let evaluationErrors = 0;

  /** One record's input per zone it is read in (the debtor's, or a journey's fallback): built once per row. */
  type Input = { input: CelInput } | { error: unknown };
  const matches = (seg: RoutedSegment, record: EnrollmentData, nowMs: number, inputs: Map<string, Input>): boolean => {
    const timezone = zoneFor(seg, record);
    let built = inputs.get(timezone);
    if (!built) {
      try {
        built = { input: celInput(record, { nowMs, timezone, attributeTypes: attributes }) };
      } catch (error) {
        built = { error };
      }
      inputs.set(timezone, built);
    }
    try {
      if ('error' in built) throw built.error;
      return evaluateBool(seg.when, built.input);
    } catch {
      evaluationErrors += 1;
      return false;
    }
  };

  return {
    segments,
    get evaluationErrors() {
      return evaluationErrors;
    },
    route(record, nowMs) {
      if (options.journey !== undefined) return { journey: options.journey };
      const inputs = new Map<string, Input>();
      const seg = segments.find((s) => matches(s, record, nowMs, inputs));
      return seg ? { journey: seg.journey, segment: seg.name } : { unmatched: true };
    },
  };
}

/**
 * The answer to a `routeDebt` request over a router: routeForward, with the plan of the journey
 * routed to (`refOf`: the deployed table's, or the simulation's plans).
 */
export function routeDebtBy(
  router: Router,
  refOf: (journey: string, segment: string | undefined) => PlanRef | undefined,
  input: RouteDebtInput,
): RouteDebtResult {
  const found = routeForward(router, input.enrollment, input.from.journey, input.at, input.horizonMs);
  if ('none' in found) return found;
  const to = refOf(found.journey, found.segment);
  if (!to) return { none: `journey ${found.journey} has no plan to route to` };
  return { to, ...(found.segment !== undefined && { segment: found.segment }), at: found.at };
}

export type ForwardRoute = { journey: string; segment?: string; at: number } | { none: string };

const DAY_MS = 86_400_000;

/**
 * Where a debt leaving journey `from` at `at` goes next (a hand-over): the first segment's journey
 * at `at` if it is another journey; else the first local midnight within `horizonMs` (in the
 * debtor's zone, or the fallback of the journey being left) at which another journey matches — a
 * pre-due debt becomes early-overdue at its due date. Else none, and why. Shared by the
 * `routeDebt` activity and `settle simulate`.
 */
export function routeForward(
  router: Router,
  record: EnrollmentData,
  from: string,
  at: number,
  horizonMs: number,
): ForwardRoute {
  const other = (r: Route): r is { journey: string; segment?: string } => !('unmatched' in r) && r.journey !== from;
  const now = router.route(record, at);
  if (other(now)) return { ...now, at };
  const own = router.segments.find((s) => s.journey === from) ?? router.segments[0];
  const zone = own ? zoneFor(own, record) : 'UTC';
  const end = at + Math.max(0, horizonMs);
  let day = localDateIso(at, zone);
  for (let i = 0; i < Math.ceil(horizonMs / DAY_MS) + 2; i++) {
    day = addDays(day, 1);
    const t = zonedMidnight(day, zone);
    if (t > end) break;
    if (t <= at) continue;
    const r = router.route(record, t);
    if (other(r)) return { ...r, at: t };
  }
  const days = Math.round(horizonMs / DAY_MS);
  return {
    none:
      'unmatched' in now
        ? `no segment matches the debt now, nor another journey within ${days} days`
        : `the segments keep the debt in ${from} for the next ${days} days`,
  };
}
