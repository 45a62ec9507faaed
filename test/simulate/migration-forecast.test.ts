/**
 * `settle diff --portfolio` forecasts a change deployed while the portfolio runs, with and without
 * `settle migrate`: the simulator delivers the migration at the deploy instant and the production
 * interpreter moves each journey at its next safe point (src/workflows/interpreter.ts), exactly
 * as the migrate signal does on Temporal. Here soft-collection v4 renames a wait (mapped in
 * `migration.steps`) and sends another template after it.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compilePaths } from '../../src/compiler/index.js';
import { declaredAttributes } from '../../src/project/project.js';
import { readPortfolio } from '../../src/enrollment/read.js';
import { NO_BEHAVIOUR } from '../../src/simulate/behaviour.js';
import type { SimulatedDebt } from '../../src/simulate/run-debt.js';
import { simulatePortfolio } from '../../src/simulate/simulate.js';
import { ROOT } from '../support/journeys.js';

const START = Date.parse('2026-11-23T09:00:00Z');
const DAY = 86_400_000;
const DEPLOY_DAY = 6;

/** The example journeys, and a copy whose soft-collection v4 renames quiet-days and changes the reminders' template. */
function projects() {
  const dir = mkdtempSync(join(tmpdir(), 'settle-migrate-forecast-'));
  cpSync(join(ROOT, 'journeys'), join(dir, 'journeys'), { recursive: true });
  const file = join(dir, 'journeys', 'soft-collection.journey.yaml');
  const text = readFileSync(file, 'utf8');
  const changed = text
    .replace('version: 3', 'version: 4')
    .replace('    - id: quiet-days\n', '    - id: quiet-spell\n')
    .replaceAll('next: quiet-days', 'next: quiet-spell')
    .replaceAll(': quiet-days', ': quiet-spell')
    .replace('template: reminder-loss-aversion', 'template: late-formal-reminder')
    .replace('template: reminder-social-proof', 'template: late-formal-reminder')
    .replace(/\n {2}steps:\n/, '\n  migration:\n    steps:\n      quiet-days: quiet-spell\n  steps:\n');
  expect(changed).not.toContain('quiet-days\n    - id');
  writeFileSync(file, changed);
  const before = compilePaths([join(ROOT, 'journeys')]);
  const after = compilePaths([join(dir, 'journeys')]);
  expect(after.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  expect(after.plans.get('soft-collection')!.migration?.steps).toEqual({ 'quiet-days': 'quiet-spell' });
  return { before, after };
}

async function run(p: ReturnType<typeof projects>, deploy?: { migrate: boolean }): Promise<SimulatedDebt[]> {
  const debts: SimulatedDebt[] = [];
  await simulatePortfolio({
    plans: p.before.plans,
    project: p.before.project,
    rows: readPortfolio(join(ROOT, 'examples', 'portfolio.csv'), declaredAttributes(p.before.project)),
    startMs: START,
    days: 40,
    seed: 1,
    behaviour: NO_BEHAVIOUR,
    keepDebts: false,
    onDebt: (d) => debts.push(d),
    ...(deploy && {
      deploy: {
        atMs: START + DEPLOY_DAY * DAY,
        migrate: deploy.migrate,
        plans: p.after.plans,
        project: p.after.project,
      },
    }),
  });
  return debts;
}

const REMINDERS = new Set(['email-loss-aversion', 'email-social-proof']);

describe('settle diff --portfolio: a change deployed mid-run, with and without migration', () => {
  it('migrated journeys move at their safe point to the mapped step and send v4 templates; kept ones do not', async () => {
    const p = projects();
    const atMs = START + DEPLOY_DAY * DAY;
    const kept = await run(p, { migrate: false });
    const migrated = await run(p, { migrate: true });
    expect(migrated.length).toBe(kept.length);

    // Without migration: nothing moves, and a debt in soft-collection v3 before the deploy keeps v3's templates.
    for (const d of kept) expect(d.state.migrations ?? []).toEqual([]);
    const keptReminders = kept.flatMap((d) =>
      d.state.sends.filter((s) => REMINDERS.has(s.step) && s.status === 'sent' && d.version === 3),
    );
    expect(keptReminders.length).toBeGreaterThan(0);
    for (const s of keptReminders) expect(s.template).not.toBe('late-formal-reminder');

    // With migration: every soft-collection journey running at the deploy records one move, at
    // or after the deploy; one in quiet-days goes on in quiet-spell.
    const moves = migrated.flatMap((d) => (d.state.migrations ?? []).map((m) => ({ d, m })));
    expect(moves.length).toBeGreaterThan(0);
    const renamed = moves.filter(({ m }) => m.fromStep === 'quiet-days');
    expect(renamed.length, 'a journey was waiting in quiet-days at the deploy').toBeGreaterThan(0);
    for (const { d, m } of moves) {
      expect(m).toMatchObject({ requestId: 'simulated-migration', fromVersion: 3, toVersion: 4 });
      expect(m.at).toBeGreaterThanOrEqual(atMs);
      expect(m.toStep, m.reason).toBe(m.fromStep === 'quiet-days' ? 'quiet-spell' : m.fromStep);
      expect(d.version).toBe(d.journey === 'soft-collection' ? 4 : d.version);
      // The next reminder after the move uses v4's template; none is sent twice.
      for (const s of d.state.sends.filter((x) => REMINDERS.has(x.step) && x.status === 'sent' && x.at > m.at))
        expect(s.template).toBe('late-formal-reminder');
      const ids = d.state.sends.flatMap((s) => s.messageId ?? []);
      expect(new Set(ids).size).toBe(ids.length);
    }
    for (const { d } of renamed) {
      const visited = d.state.sends.filter((s) => REMINDERS.has(s.step) && s.status === 'sent');
      if (visited.length > 0) expect(visited.at(-1)!.template).toBe('late-formal-reminder');
    }
    // Sends before the deploy are the same in both runs: the migration changes nothing before it.
    const early = (ds: SimulatedDebt[]) =>
      ds.flatMap((d) =>
        d.state.sends.filter((s) => s.at < atMs).map((s) => `${d.debtId}/${s.step}/${s.at}/${s.template}`),
      );
    expect(early(migrated)).toEqual(early(kept));
  });
});
