/** migrationTarget: where a journey of an older version goes in a newer one (the rule settle migrate and the workflow share). */
import { describe, expect, it } from 'vitest';
import type { JourneyPlan } from '../../src/ir/index.js';
import { migrationTarget } from '../../src/workflows/migration.js';

function plan(version: number, steps: string[], migration?: JourneyPlan['migration'], journey = 'mig'): JourneyPlan {
  return {
    journey,
    version,
    steps: steps.map((id) => ({ id })),
    ...(migration && { migration }),
  } as unknown as JourneyPlan;
}

describe('migrationTarget', () => {
  const v2 = plan(2, ['first', 'hold-a', 'hold-b2'], { from: [1], steps: { 'hold-b': 'hold-b2' } });

  it('maps a renamed step, keeps a step of the same id, and leaves a step with no place', () => {
    expect(migrationTarget(v2, 'mig', 1, 'hold-b')).toEqual({ step: 'hold-b2' });
    expect(migrationTarget(v2, 'mig', 1, 'hold-a')).toEqual({ step: 'hold-a' });
    expect(migrationTarget(v2, 'mig', 1, 'hold-c')).toEqual({ stay: 'step hold-c has no place in v2' });
  });

  it('the step map wins over a step of the same id', () => {
    const v3 = plan(3, ['hold-a', 'hold-b'], { steps: { 'hold-a': 'hold-b' } });
    expect(migrationTarget(v3, 'mig', 1, 'hold-a')).toEqual({ step: 'hold-b' });
  });

  it('takes only the versions in migration.from (every older one without it), and only newer, same-journey plans', () => {
    const v3 = plan(3, ['hold-a'], { from: [2], steps: {} });
    expect(migrationTarget(v3, 'mig', 1, 'hold-a')).toEqual({ stay: 'v3 does not take journeys of v1' });
    expect(migrationTarget(v3, 'mig', 2, 'hold-a')).toEqual({ step: 'hold-a' });
    expect(migrationTarget(plan(3, ['hold-a']), 'mig', 1, 'hold-a')).toEqual({ step: 'hold-a' });
    expect(migrationTarget(v2, 'mig', 2, 'hold-a')).toEqual({ stay: 'v2 is not newer than v2' });
    expect(migrationTarget(plan(5, ['hold-a'], undefined, 'other'), 'mig', 1, 'hold-a')).toEqual({
      stay: 'v5 is journey other, not mig',
    });
  });
});
