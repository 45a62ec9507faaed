/**
 * Holdout variants (docs/reference.md#split): a debt whose split chose a variant marked `holdout`
 * follows the journey like the others — waits, branches, webhooks, the goal — but is sent nothing
 * from then on, so the split measures what the messages add over no contact at all. Workflow-safe.
 */
import type { JourneyPlan } from '../ir/index.js';
import type { JourneyState } from './types.js';

/** The split and variant holding this debt out, or undefined when it may be contacted. */
export function holdoutOf(plan: JourneyPlan, state: JourneyState): { split: string; variant: string } | undefined {
  for (const [split, variant] of Object.entries(state.variants)) {
    const step = plan.steps.find((x) => x.id === split);
    if (step?.kind !== 'split') continue;
    if (step.variants.some((v) => v.name === variant && v.holdout === true)) return { split, variant };
  }
  return undefined;
}
