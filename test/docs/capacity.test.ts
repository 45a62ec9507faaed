/**
 * docs/capacity.md is generated (scripts/capacity.ts) from a bench report: the committed document is
 * what the script makes of the committed report (test/fixtures/bench-report.json, measured by
 * `npm run bench`), and the plan follows the measured figures.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BenchReport } from '../../bench/all.js';
import { inputsOf, planFor, renderCapacity } from '../../scripts/capacity.js';

const ROOT = join(import.meta.dirname, '..', '..');
const FIXTURE = 'test/fixtures/bench-report.json';
const report = JSON.parse(readFileSync(join(ROOT, FIXTURE), 'utf8')) as BenchReport;

/** The report with one figure's value changed (or removed). */
function withFigure(key: string, value: number | undefined): BenchReport {
  const copy = structuredClone(report);
  for (const bench of Object.values(copy.benches)) {
    bench.figures = bench.figures.flatMap((f) => (f.key !== key ? [f] : value === undefined ? [] : [{ ...f, value }]));
  }
  return copy;
}

describe('docs/capacity.md', () => {
  it(
    'is in sync with scripts/capacity.ts and the committed bench report (npm run capacity -- --report ' + FIXTURE + ')',
    () => {
      expect(readFileSync(join(ROOT, 'docs', 'capacity.md'), 'utf8')).toBe(renderCapacity(report, FIXTURE));
    },
  );

  it('takes its numbers from the report: twice the events per journey, twice the state transitions', () => {
    const inputs = inputsOf(report);
    const doubled = inputsOf(withFigure('history.eventsPerJourney', inputs.eventsPerJourney * 2));
    const a = planFor(inputs, 1_000_000);
    const b = planFor(doubled, 1_000_000);
    expect(b.transitionsPerSecondPeak).toBeCloseTo(a.transitionsPerSecondPeak * 2, 6);
    expect(b.actionsPerMonth).toBe(a.actionsPerMonth);
    const heavier = planFor(
      inputsOf(withFigure('worker.rssPerCachedJourney', inputs.rssPerCachedJourneyMiB + 1)),
      1_000_000,
    );
    expect(heavier.workerRssMiB - a.workerRssMiB).toBeCloseTo(a.cachePerWorker, 6);
    expect(renderCapacity(withFigure('history.journeyDays', inputs.journeyDays * 2), FIXTURE)).not.toBe(
      renderCapacity(report, FIXTURE),
    );
  });

  it('scales shards, workers and the persistence with the active debts', () => {
    const inputs = inputsOf(report);
    const plans = [1e5, 1e6, 1e7, 1e8].map((d) => planFor(inputs, d));
    for (let i = 1; i < plans.length; i++) {
      expect(plans[i]!.shards).toBeGreaterThanOrEqual(plans[i - 1]!.shards);
      expect(plans[i]!.workers).toBeGreaterThanOrEqual(plans[i - 1]!.workers);
      expect(plans[i]!.actionsPerMonth).toBeCloseTo(plans[i - 1]!.actionsPerMonth * 10, 0);
    }
    expect(plans[0]!.persistence).toBe('PostgreSQL');
    expect(plans[3]!.persistence).toBe('Cassandra');
    expect(Number.isInteger(Math.log2(plans[3]!.shards))).toBe(true);
  });

  it('refuses a report without the figures it needs, naming them', () => {
    expect(() => inputsOf(withFigure('worker.rssPerCachedJourney', undefined))).toThrow(/worker\.rssPerCachedJourney/);
  });
});
