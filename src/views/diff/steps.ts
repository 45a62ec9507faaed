/**
 * Step-level comparison of two plans of one journey: steps matched by id, then added, removed,
 * rewired (routes matched by key, see step-edges.ts) and changed field by field, each change
 * filed under a category (timing, send, branch...) so a reviewer finds what matters quickly.
 */
import type { JourneyPlan, PlanStep } from '../../ir/plan.js';
import type { StepChange, StepChangeCategory, StepRef, StepRename } from './types.js';
import { formatCompoundDuration } from '../../core/duration.js';
import { stepEdges } from '../step-edges.js';
import { formatRetry, formatWait, formatWebhookUrl, stepSummary } from '../step-text.js';

export interface StepsDiff {
  added: StepRef[];
  removed: StepRef[];
  renamed: StepRename[];
  changes: StepChange[];
}

/** Old step id → new step id, for the steps detected as renamed. */
type Renames = ReadonlyMap<string, string>;

export function stepRef(step: PlanStep): StepRef {
  return { id: step.id, kind: step.kind, summary: stepSummary(step) };
}

type Push = (category: StepChangeCategory, field: string, before?: string, after?: string) => void;

function compareBranch(b: PlanStep & { kind: 'branch' }, a: PlanStep & { kind: 'branch' }, push: Push): void {
  const n = Math.max(b.cases.length, a.cases.length);
  for (let i = 0; i < n; i++) {
    const field = `case ${i + 1}`;
    const before = b.cases[i]?.when;
    const after = a.cases[i]?.when;
    if (before !== after)
      push('branch', before !== undefined && after !== undefined ? `${field} condition` : field, before, after);
  }
}

function compareSplit(b: PlanStep & { kind: 'split' }, a: PlanStep & { kind: 'split' }, push: Push): void {
  const names = [...a.variants.map((v) => v.name), ...b.variants.map((v) => v.name)];
  for (const name of [...new Set(names)]) {
    const before = b.variants.find((v) => v.name === name)?.weight;
    const after = a.variants.find((v) => v.name === name)?.weight;
    if (before === after) continue;
    const field = before !== undefined && after !== undefined ? `weight of ${name}` : `variant ${name}`;
    const fmt = (w: number | undefined): string | undefined => (w === undefined ? undefined : `weight ${w}`);
    push('split', field, fmt(before), fmt(after));
  }
}

/** Field-by-field comparison of two steps of the same kind (routes are compared separately). */
function compareFields(b: PlanStep, a: PlanStep, push: Push): void {
  if (b.kind === 'send' && a.kind === 'send') {
    push('send', 'channel', b.channel, a.channel);
    push('send', 'template', b.template, a.template);
    push('send', 'payment link', b.paymentLink ? 'yes' : 'no', a.paymentLink ? 'yes' : 'no');
    push('timing', 'retry', formatRetry(b.retry), formatRetry(a.retry));
  } else if (b.kind === 'wait' && a.kind === 'wait') {
    push('timing', 'wait', formatWait(b.wait), formatWait(a.wait));
  } else if (b.kind === 'waitFor' && a.kind === 'waitFor') {
    push('events', 'events', b.events.join(', '), a.events.join(', '));
    push('events', 'listens to', b.after ?? 'previous send', a.after ?? 'previous send');
    push('timing', 'timeout', formatCompoundDuration(b.timeoutMs), formatCompoundDuration(a.timeoutMs));
  } else if (b.kind === 'branch' && a.kind === 'branch') {
    compareBranch(b, a, push);
  } else if (b.kind === 'split' && a.kind === 'split') {
    compareSplit(b, a, push);
  } else if (b.kind === 'webhook' && a.kind === 'webhook') {
    push('webhook', 'url', formatWebhookUrl(b.url), formatWebhookUrl(a.url));
    push('timing', 'retry', formatRetry(b.retry), formatRetry(a.retry));
  } else if (b.kind === 'exit' && a.kind === 'exit') {
    push('exit', 'outcome', b.outcome, a.outcome);
  }
}

function compareRoutes(b: PlanStep, a: PlanStep, push: Push, renames: Renames): void {
  const before = new Map(stepEdges(b).map((e) => [e.key, renames.get(e.to) ?? e.to]));
  const after = new Map(stepEdges(a).map((e) => [e.key, e.to]));
  const keys = [...new Set([...after.keys(), ...before.keys()])];
  for (const key of keys) push('rewired', key, before.get(key), after.get(key));
}

function compareSteps(b: PlanStep, a: PlanStep, renames: Renames): StepChange[] {
  const changes: StepChange[] = [];
  const push: Push = (category, field, before, after) => {
    if (before !== after) changes.push({ step: a.id, category, field, before, after });
  };
  if (b.kind !== a.kind) push('kind', 'kind', `${b.kind} (${stepSummary(b)})`, `${a.kind} (${stepSummary(a)})`);
  else compareFields(b, a, push);
  compareRoutes(b, a, push, renames);
  return changes;
}

/**
 * Removed and added steps that are the same step under a new id: same kind, same fields, same
 * routes (a route to a renamed step counts as the same route). Matched one to one, in order, so
 * two identical steps renamed at once still pair up; anything else stays added and removed.
 */
function detectRenames(removed: readonly PlanStep[], added: readonly PlanStep[]): Map<string, string> {
  const renames = new Map<string, string>();
  const used = new Set<string>();
  // To a fixed point: a step pointing at a renamed step matches once that rename is known.
  for (let found = true; found;) {
    found = false;
    for (const r of removed) {
      if (renames.has(r.id)) continue;
      const match = added.find(
        (a) =>
          a.kind === r.kind && !used.has(a.id) && compareSteps(r, a, new Map([...renames, [r.id, a.id]])).length === 0,
      );
      if (match) {
        renames.set(r.id, match.id);
        used.add(match.id);
        found = true;
      }
    }
  }
  return renames;
}

/** Compares the steps of two plans of the same journey; output follows the steps' order. */
export function diffSteps(before: JourneyPlan, after: JourneyPlan): StepsDiff {
  const beforeById = new Map(before.steps.map((s) => [s.id, s]));
  const afterIds = new Set(after.steps.map((s) => s.id));
  const removedSteps = before.steps.filter((s) => !afterIds.has(s.id));
  const addedSteps = after.steps.filter((s) => !beforeById.has(s.id));
  const renames = detectRenames(removedSteps, addedSteps);
  const renamedTo = new Set(renames.values());
  const added: StepRef[] = [];
  const changes: StepChange[] = [];
  for (const step of after.steps) {
    const old = beforeById.get(step.id);
    if (old !== undefined) changes.push(...compareSteps(old, step, renames));
    else if (!renamedTo.has(step.id)) added.push(stepRef(step));
  }
  const removed = removedSteps.filter((s) => !renames.has(s.id)).map(stepRef);
  const renamed = removedSteps.flatMap((s) => {
    const to = renames.get(s.id);
    return to === undefined ? [] : [{ from: s.id, to, kind: s.kind }];
  });
  return { added, removed, renamed, changes };
}
