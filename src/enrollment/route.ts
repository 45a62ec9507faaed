/**
 * Segment routing (docs/language.md): segments in order of priority, ties broken by name;
 * the first whose `when` holds for the record at the enrollment instant picks the journey.
 * Expressions see the debtor's time zone when it is a valid one, else the target journey's
 * policy fallback — the zone that journey would use for the debt — so `debt.daysPastDue` is the
 * same number the journey itself would compute. An expression that fails on a record (a field
 * it reads is absent) means that segment does not match; the failures are counted so a rule
 * that silently never matches shows up in the summary.
 */
import { declaredAttributes, type Project } from '../compiler/project.js';
import { celInput, compileCel, evaluateBool, type CelInput, type CompiledCel } from '../core/cel.js';
import { debtorPolicy } from '../core/policy/debtor.js';
import { isValidTimeZone } from '../core/timezone.js';
import type { EnrollmentData, JourneyPlan } from '../ir/index.js';

export type Route = { journey: string; segment?: string } | { unmatched: true };

export interface RoutedSegment {
  name: string;
  priority: number;
  journey: string;
  when: CompiledCel;
  /** Zone for records without a valid one: the journey's policy fallback. */
  fallbackZone: string;
  /** The journey's plan: a debtor's fallback zone is their policy's (policyByCountry). */
  plan?: JourneyPlan;
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

/**
 * A router over the project's valid segments. Segments whose journey has no compiled plan are
 * left out (they could not be enrolled anyway; the compiler reports why).
 */
export function createRouter(
  project: Project,
  plans: ReadonlyMap<string, JourneyPlan>,
  options: RouterOptions = {},
): Router {
  const attributes = declaredAttributes(project);
  const segments: RoutedSegment[] = [];
  for (const [name, seg] of project.segments) {
    const plan = plans.get(seg.doc.spec.journey);
    if (!seg.valid || !plan) continue;
    segments.push({
      name,
      priority: seg.doc.spec.priority,
      journey: seg.doc.spec.journey,
      when: compileCel(seg.doc.spec.when, attributes),
      fallbackZone: plan.policy.timezoneFallback,
      plan,
    });
  }
  segments.sort(segmentOrder);
  let evaluationErrors = 0;

  /** One record's input per zone it is read in (the debtor's, or a journey's fallback): built once per row. */
  type Input = { input: CelInput } | { error: unknown };
  const matches = (seg: RoutedSegment, record: EnrollmentData, nowMs: number, inputs: Map<string, Input>): boolean => {
    const zone = record.debtor.timezone;
    const timezone =
      zone !== undefined && isValidTimeZone(zone)
        ? zone
        : seg.plan
          ? debtorPolicy(seg.plan, record.debtor).timezoneFallback
          : seg.fallbackZone;
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
