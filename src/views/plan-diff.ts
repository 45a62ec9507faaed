/**
 * `settle diff` as data: compares the compiled plans of every journey before and after a
 * change and enforces the version rule (docs/language.md#versions) — a journey whose plan changed must
 * have a higher version, since running workflows stay pinned to the version they started with.
 */
import type { JourneyPlan } from '../ir/plan.js';
import { diffJourneyFields, diffMetadata, diffPolicy } from './diff/fields.js';
import { diffSteps } from './diff/steps.js';
import { diffTemplates } from './diff/templates.js';
import type { JourneyDiff, JourneyEntry, PlanDiff, SharedTemplateChange, VersionError } from './diff/types.js';
import { formatPlanMermaid } from './mermaid.js';

function entry(journey: string, plan: JourneyPlan): JourneyEntry {
  return { journey, version: plan.version, steps: plan.steps.length, graph: formatPlanMermaid(plan) };
}

function versionError(journey: string, before: number, after: number, planChanged: boolean): VersionError | undefined {
  if (planChanged && after <= before) return { journey, before, after, reason: 'not-bumped' };
  if (after < before) return { journey, before, after, reason: 'decreased' };
  return undefined;
}

/** Compares two plans of one journey; undefined when nothing at all differs. */
export function diffJourney(journey: string, before: JourneyPlan, after: JourneyPlan): JourneyDiff | undefined {
  const steps = diffSteps(before, after);
  const contentFields = diffJourneyFields(before, after);
  const policy = diffPolicy(before.policy, after.policy);
  const templates = diffTemplates(before.templates, after.templates);
  const metadata = diffMetadata(before, after);
  const planChanged =
    before.sourceHash !== after.sourceHash ||
    contentFields.length + steps.added.length + steps.removed.length + steps.changes.length > 0 ||
    policy.length + templates.length > 0;
  if (!planChanged && metadata.length === 0 && before.version === after.version) return undefined;
  // Highlighted as changed: steps with a field or route change, the sends of a changed
  // template, and renamed steps (under their old id before, their new id after).
  const changedTemplates = new Set(templates.filter((t) => t.status === 'changed').map((t) => t.template));
  const sendsOfChanged = after.steps.filter((s) => s.kind === 'send' && changedTemplates.has(s.template));
  const changedIds = [...new Set([...steps.changes.map((c) => c.step), ...sendsOfChanged.map((s) => s.id)])];
  const error = versionError(journey, before.version, after.version, planChanged);
  return {
    journey,
    before: { version: before.version, sourceHash: before.sourceHash },
    after: { version: after.version, sourceHash: after.sourceHash },
    planChanged,
    ...(error ? { versionError: error } : {}),
    journeyFields: [...contentFields, ...metadata],
    stepsAdded: steps.added,
    stepsRemoved: steps.removed,
    stepsRenamed: steps.renamed,
    stepChanges: steps.changes,
    policy,
    templates,
    graphs: {
      before: formatPlanMermaid(before, {
        highlight: {
          removed: steps.removed.map((s) => s.id),
          changed: [...changedIds, ...steps.renamed.map((r) => r.from)],
        },
      }),
      after: formatPlanMermaid(after, {
        highlight: { added: steps.added.map((s) => s.id), changed: [...changedIds, ...steps.renamed.map((r) => r.to)] },
      }),
    },
    graphChanged: formatPlanMermaid({ ...before, version: 0 }) !== formatPlanMermaid({ ...after, version: 0 }),
  };
}

/** The template changes of the changed journeys, identical changes merged, by template name. */
function sharedTemplates(changed: readonly JourneyDiff[]): SharedTemplateChange[] {
  const byKey = new Map<string, SharedTemplateChange>();
  for (const j of changed) {
    for (const t of j.templates) {
      const key = JSON.stringify(t);
      const shared = byKey.get(key);
      if (shared) shared.journeys.push(j.journey);
      else byKey.set(key, { change: t, journeys: [j.journey] });
    }
  }
  return [...byKey.values()].sort((x, y) =>
    x.change.template < y.change.template ? -1 : x.change.template > y.change.template ? 1 : 0,
  );
}

/** Compares plans keyed by journey name; every list is ordered by journey name. */
export function diffPlans(before: Map<string, JourneyPlan>, after: Map<string, JourneyPlan>): PlanDiff {
  const names = [...new Set([...before.keys(), ...after.keys()])].sort();
  const diff: PlanDiff = { added: [], removed: [], changed: [], unchanged: [], templates: [], versionErrors: [] };
  for (const name of names) {
    const b = before.get(name);
    const a = after.get(name);
    if (b === undefined && a !== undefined) diff.added.push(entry(name, a));
    else if (a === undefined && b !== undefined) diff.removed.push(entry(name, b));
    else if (a !== undefined && b !== undefined) {
      const changed = diffJourney(name, b, a);
      if (changed === undefined) diff.unchanged.push(entry(name, a));
      else {
        diff.changed.push(changed);
        if (changed.versionError) diff.versionErrors.push(changed.versionError);
      }
    }
  }
  diff.templates = sharedTemplates(diff.changed);
  return diff;
}
