/**
 * Where a running journey goes when it migrates to a newer version (settle migrate): one rule,
 * used by the workflow at its safe point and by `settle migrate` for its dry run.
 */
import type { JourneyPlan } from '../ir/index.js';

export type MigrationTarget = { step: string } | { stay: string };

/**
 * The step of `next` a journey of `fromVersion` at `step` continues at: `migration.steps[step]`,
 * else the step of the same id. It stays (with the reason) when `next` is another journey, not
 * newer, does not take journeys of `fromVersion` (`migration.from`), or has no place for the step.
 */
export function migrationTarget(
  next: JourneyPlan,
  journey: string,
  fromVersion: number,
  step: string,
): MigrationTarget {
  if (next.journey !== journey) return { stay: `v${next.version} is journey ${next.journey}, not ${journey}` };
  if (next.version <= fromVersion) return { stay: `v${next.version} is not newer than v${fromVersion}` };
  const from = next.migration?.from;
  if (from !== undefined && !from.includes(fromVersion))
    return { stay: `v${next.version} does not take journeys of v${fromVersion}` };
  const mapped = next.migration?.steps[step];
  if (mapped !== undefined) return { step: mapped };
  if (next.steps.some((s) => s.id === step)) return { step };
  return { stay: `step ${step} has no place in v${next.version}` };
}
