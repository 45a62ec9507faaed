/** Split statistics checked against published values (Fisher 1935, Newcombe 1998, Fleiss). */
import { describe, expect, it } from 'vitest';
import {
  compareArms,
  fisherExactTwoSided,
  normalQuantile,
  sampleSizePerArm,
  wilsonInterval,
} from '../../src/experiments/stats.js';

describe('split statistics', () => {
  it('normal quantiles to 1e-8', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963985, 8);
    expect(normalQuantile(0.8)).toBeCloseTo(0.841621234, 8);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232306, 8);
    expect(() => normalQuantile(1)).toThrow(RangeError);
  });

  it("Fisher's exact test, two-sided", () => {
    // The lady tasting tea (Fisher 1935): 3 of 4 right each way.
    expect(fisherExactTwoSided(3, 1, 1, 3)).toBeCloseTo(0.4857143, 6);
    // The textbook 2×2 [[1, 9], [11, 3]]: p = 0.002759.
    expect(fisherExactTwoSided(1, 9, 11, 3)).toBeCloseTo(0.002759456, 8);
    // The split: direct 9/25 vs friendly 3/18.
    expect(fisherExactTwoSided(9, 16, 3, 15)).toBeCloseTo(0.1911, 4);
    expect(fisherExactTwoSided(0, 0, 0, 0)).toBe(1);
    expect(fisherExactTwoSided(5, 5, 5, 5)).toBeCloseTo(1, 10);
  });

  it('Wilson score intervals (Newcombe 1998, table I)', () => {
    const r = (i: { low: number; high: number }) => [+i.low.toFixed(4), +i.high.toFixed(4)];
    expect(r(wilsonInterval(81, 263))).toEqual([0.2553, 0.3662]);
    expect(r(wilsonInterval(15, 148))).toEqual([0.0624, 0.1605]);
    expect(r(wilsonInterval(0, 20))).toEqual([0, 0.1611]);
    expect(wilsonInterval(0, 0)).toEqual({ low: 0, high: 1 });
  });

  it('sample size per arm for a two-proportion test (α 0.05 two-sided, power 0.8)', () => {
    expect(sampleSizePerArm(0.5, 0.6)).toBe(388);
    expect(sampleSizePerArm(0.1, 0.2)).toBe(199);
    expect(sampleSizePerArm(0.3, 0.3)).toBe(Infinity);
  });

  it('a verdict that keeps a small split from reading as a win', () => {
    const [control, direct] = compareArms(
      [
        { variant: 'friendly', debts: 18, paid: 3 },
        { variant: 'direct', debts: 25, paid: 9 },
      ],
      'friendly',
    );
    expect(control!.verdict).toBe('control');
    expect(direct!.pValue).toBeCloseTo(0.1911, 4);
    expect(direct!.neededPerArm).toBe(81);
    expect(direct!.verdict).toBe(
      'not significant yet (p = 0.19, 36.0% vs 16.7%): about 63 more debts per arm to detect this difference',
    );
    const [, big] = compareArms([
      { variant: 'a', debts: 400, paid: 60 },
      { variant: 'b', debts: 400, paid: 100 },
    ]);
    expect(big!.pValue).toBeLessThan(0.05);
    expect(big!.verdict).toMatch(/^significant \(p = 0\.00\d\): b converts better than a, 25\.0% vs 15\.0%$/);
  });
});
