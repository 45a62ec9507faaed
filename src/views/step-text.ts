/**
 * One-line phrases for the parts of a step (retry, wait, webhook URL, split shares, a step's
 * summary). The text plan, the Mermaid labels and the diff all describe steps with these, so the
 * same step reads the same in `settle plan` and in a pull-request comment.
 */
import type { PlanRetry, PlanSplit, PlanStep, PlanWaitSpec, PlanWebhook } from '../ir/plan.js';
import { formatCompoundDuration } from '../core/duration.js';

/** "5 attempts, first retry after 1m, ×2, at most 1h apart"; one attempt → "no retry". */
export function formatRetry(r: PlanRetry): string {
  if (r.maxAttempts <= 1) return 'no retry';
  return (
    `${r.maxAttempts} attempts, first retry after ${formatCompoundDuration(r.initialIntervalMs)}, ` +
    `×${r.backoff}, at most ${formatCompoundDuration(r.maxIntervalMs)} apart`
  );
}

/** "2d", "until debt.dueDate + duration('72h')", "2 business days". */
export function formatWait(w: PlanWaitSpec): string {
  switch (w.type) {
    case 'duration':
      return formatCompoundDuration(w.ms);
    case 'until':
      return `until ${w.expr}`;
    case 'businessDays':
      return `${w.days} business day${w.days === 1 ? '' : 's'}`;
  }
}

/** A literal URL as written, or `env:NAME` when the worker resolves it from its environment. */
export function formatWebhookUrl(url: PlanWebhook['url']): string {
  return 'env' in url ? `env:${url.env}` : url.literal;
}

/** A variant's share of the split in percent, e.g. "50%" or "33.3%". */
export function variantShare(split: PlanSplit, weight: number): string {
  const total = split.variants.reduce((sum, v) => sum + v.weight, 0);
  if (total <= 0) return '0%';
  const pct = Math.round((weight / total) * 1000) / 10;
  return `${pct}%`;
}

/** "loss-aversion 50%, social-proof 50%". */
export function formatVariants(split: PlanSplit): string {
  return split.variants.map((v) => `${v.name} ${variantShare(split, v.weight)}`).join(', ');
}

/** The step's essentials on one line, without its routes (see step-edges.ts for those). */
export function stepSummary(step: PlanStep): string {
  switch (step.kind) {
    case 'send':
      return `${step.channel} · ${step.template}${step.paymentLink ? ' · payment link' : ''}`;
    case 'wait':
      return formatWait(step.wait);
    case 'waitFor':
      return `${step.events.join(', ')} · timeout ${formatCompoundDuration(step.timeoutMs)}`;
    case 'branch':
      return `${step.cases.length} case${step.cases.length === 1 ? '' : 's'} + default`;
    case 'split':
      return formatVariants(step);
    case 'webhook':
      return formatWebhookUrl(step.url);
    case 'exit':
      return `outcome ${step.outcome}${step.handOver ? ' · hand-over' : ''}`;
    case 'trackPlan':
      return `payment plan · grace ${formatCompoundDuration(step.graceMs)}${step.remind ? ` · remind ${formatCompoundDuration(step.remind.beforeMs)} before` : ''}`;
  }
}
