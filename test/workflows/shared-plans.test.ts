/**
 * The worker's shared plans (src/workflows/shared-plans.ts): one object per content hash, frozen,
 * a bounded number of them.
 */
import { describe, expect, it } from 'vitest';
import { SHARED_PLANS_MAX, sharedPlan, sharedPlanCount } from '../../src/workflows/shared-plans.js';
import { examplePlan } from '../support/journeys.js';

describe('sharedPlan', () => {
  it('gives every journey of one content hash the first copy, frozen all the way down', () => {
    const first = structuredClone(examplePlan('soft-collection'));
    const second = structuredClone(examplePlan('soft-collection'));
    expect(second).not.toBe(first);
    expect(sharedPlan('hash-a', first)).toBe(first);
    expect(sharedPlan('hash-a', second)).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen(first.steps)).toBe(true);
    expect(Object.isFrozen(first.steps[0])).toBe(true);
    expect(Object.isFrozen(second)).toBe(false);
    expect(() => {
      (first.steps as unknown[]).push({});
    }).toThrow(TypeError);
  });

  it('keeps at most SHARED_PLANS_MAX plans, dropping the oldest', () => {
    const plan = examplePlan('late-stage');
    const copies = Array.from({ length: SHARED_PLANS_MAX + 5 }, () => structuredClone(plan));
    copies.forEach((copy, i) => sharedPlan(`bulk-${i}`, copy));
    expect(sharedPlanCount()).toBe(SHARED_PLANS_MAX);
    // The newest are kept, the oldest went first.
    expect(sharedPlan(`bulk-${SHARED_PLANS_MAX + 4}`, structuredClone(plan))).toBe(copies[SHARED_PLANS_MAX + 4]);
    const again = structuredClone(plan);
    expect(sharedPlan('bulk-0', again)).toBe(again);
  });
});
