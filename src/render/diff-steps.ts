/**
 * Step-level comparison of two plans of one journey: steps matched by id, then added, removed,
 * rewired (routes matched by key, see step-edges.ts) and changed field by field, each change
 * filed under a category (timing, send, branch...) so a reviewer finds what matters quickly.
 */
import type { JourneyPlan, PlanStep } from '../ir/plan.js';
import type { StepChange, StepChangeCategory, StepRef } from './diff-types.js';
import { formatDuration } from './duration.js';
import { stepEdges } from './step-edges.js';
import { formatRetry, formatWait, formatWebhookUrl, stepSummary } from './step-text.js';

export interface StepsDiff {
  added: StepRef[];
  removed: StepRef[];
  changes: StepChange[];
}

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
    push('timing', 'timeout', formatDuration(b.timeoutMs), formatDuration(a.timeoutMs));
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

function compareRoutes(b: PlanStep, a: PlanStep, push: Push): void {
  const before = new Map(stepEdges(b).map((e) => [e.key, e.to]));
  const after = new Map(stepEdges(a).map((e) => [e.key, e.to]));
  const keys = [...new Set([...after.keys(), ...before.keys()])];
  for (const key of keys) push('rewired', key, before.get(key), after.get(key));
}

function compareSteps(b: PlanStep, a: PlanStep): StepChange[] {
  const changes: StepChange[] = [];
  const push: Push = (category, field, before, after) => {
    if (before !== after) changes.push({ step: a.id, category, field, before, after });
  };
  if (b.kind !== a.kind) push('kind', 'kind', `${b.kind} (${stepSummary(b)})`, `${a.kind} (${stepSummary(a)})`);
  else compareFields(b, a, push);
  compareRoutes(b, a, push);
  return changes;
}

/** Compares the steps of two plans of the same journey; output follows the steps' order. */
export function diffSteps(before: JourneyPlan, after: JourneyPlan): StepsDiff {
  const beforeById = new Map(before.steps.map((s) => [s.id, s]));
  const afterIds = new Set(after.steps.map((s) => s.id));
  const added: StepRef[] = [];
  const changes: StepChange[] = [];
  for (const step of after.steps) {
    const old = beforeById.get(step.id);
    if (old === undefined) added.push(stepRef(step));
    else changes.push(...compareSteps(old, step));
  }
  const removed = before.steps.filter((s) => !afterIds.has(s.id)).map(stepRef);
  return { added, removed, changes };
}
