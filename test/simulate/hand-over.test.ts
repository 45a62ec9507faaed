/**
 * `settle simulate` moves a debt on: a journey ending at an exit with `handOver: true` is routed
 * again by the segments (the same search as the routeDebt activity) and the debt goes on in the
 * next journey, its history carried. Without routing (a runner that cannot move debts), such an
 * exit simply ends the journey.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compilePaths } from '../../src/compiler/index.js';
import { declaredAttributes } from '../../src/project/project.js';
import { zonedMidnight } from '../../src/core/timezone.js';
import { readPortfolio } from '../../src/enrollment/read.js';
import { createRouter } from '../../src/routing/route.js';
import type { EnrollmentData } from '../../src/ir/index.js';
import { NO_BEHAVIOUR } from '../../src/simulate/behaviour.js';
import { simulatedRouting } from '../../src/simulate/hand-over.js';
import { runDebt } from '../../src/simulate/run-debt.js';
import { ROOT } from '../support/journeys.js';

const NOW = Date.parse('2026-11-23T10:00:00Z');
const DAY = 86_400_000;

/** The example journeys: pre-due-reminder's `not-paid-on-time` exit hands the debt over. */
function project() {
  const r = compilePaths([join(ROOT, 'journeys')]);
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const exit = r.plans.get('pre-due-reminder')!.steps.find((s) => s.id === 'not-paid-on-time');
  expect(exit).toMatchObject({ kind: 'exit', outcome: 'unresolved', handOver: true });
  return r;
}

async function debt(id: string, r: ReturnType<typeof project>): Promise<EnrollmentData> {
  for await (const row of readPortfolio(join(ROOT, 'examples', 'portfolio.csv'), declaredAttributes(r.project))) {
    if ((row.record as EnrollmentData).debtId === id) return row.record as EnrollmentData;
  }
  throw new Error(`no ${id}`);
}

describe('settle simulate: hand-over between journeys', () => {
  it('an unresolved pre-due debt goes on in early-overdue after its due date, its history carried', async () => {
    const r = project();
    const record = await debt('TN-US-2026-77310', r); // Chicago, due 2026-11-26, "late" history
    const options = {
      plan: r.plans.get('pre-due-reminder')!,
      record,
      segment: 'pre-due',
      startMs: NOW,
      horizonMs: NOW + 30 * DAY,
      behaviour: NO_BEHAVIOUR,
      seed: 1,
    };
    const moved = await runDebt({ ...options, routing: simulatedRouting(createRouter(r.project, r.plans), r.plans) });
    // The due-date SMS waited out Thanksgiving (Fri 08:00 in Chicago); the due date being over by
    // then, the journey ended at once and the debt, one day past due, went on to early-overdue.
    const sms = moved.state.sends.find((s) => s.step === 'due-date-sms')!;
    expect(sms.at).toBe(Date.parse('2026-11-27T14:00:00Z'));
    const handedOverAt = sms.at;
    expect(handedOverAt).toBeGreaterThan(zonedMidnight('2026-11-27', 'America/Chicago'));
    expect(moved.state.path).toEqual([
      {
        journey: 'pre-due-reminder',
        version: r.plans.get('pre-due-reminder')!.version,
        segment: 'pre-due',
        startedAt: NOW,
        endedAt: handedOverAt,
        outcome: 'unresolved',
      },
    ]);
    expect(moved).toMatchObject({ journey: 'soft-collection', segment: 'early-overdue' });
    // The pre-due messages, then the overdue journey's (from the hand-over on), in one history.
    const sends = moved.state.sends;
    expect(sends.slice(0, 2).map((s) => s.step)).toEqual(['heads-up-email', 'due-date-sms']);
    expect(sends.length).toBeGreaterThan(2);
    const softSteps = new Set(r.plans.get('soft-collection')!.steps.map((s) => s.id));
    for (const s of sends.slice(2)) {
      expect(softSteps.has(s.step), s.step).toBe(true);
      expect(s.at).toBeGreaterThanOrEqual(handedOverAt);
    }
    expect(sends[2]!.step).toBe('first-email');

    // A runner that cannot move debts: the exit just ends the journey.
    const ended = await runDebt(options);
    expect(ended).toMatchObject({ journey: 'pre-due-reminder', outcome: 'unresolved' });
    expect(ended.state.path ?? []).toEqual([]);
    expect(ended.state.sends.map((s) => s.step)).toEqual(['heads-up-email', 'due-date-sms']);
  });
});
