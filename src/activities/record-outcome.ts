/**
 * The `recordOutcome` activity: the workflow's last act reports how the journey ended to the
 * outcome sink (business metrics: journeys completed, amounts collected). An activity, not
 * workflow code, so that a replay does not count twice (DESIGN.md §3, STYLE.md 11).
 */
import type { ActivityDeps } from './deps.js';
import type { OutcomeInput } from './types.js';

export function createRecordOutcome(deps: ActivityDeps): (input: OutcomeInput) => Promise<void> {
  return async function recordOutcome(input) {
    await deps.outcomes?.record(input);
    deps.log?.info('journey outcome', { journey: input.journey, version: input.version, outcome: input.outcome });
  };
}
