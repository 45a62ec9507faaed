/**
 * Routing a handed-over debt forward (routeForward, shared by the routeDebt activity and the
 * simulator), and the router built from the deployed routing table: the same routes as the
 * project's router, row for row, after a JSON round trip (the table travels as a payload).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { routeDebtWith } from '../../src/activities/route-debt.js';
import { compilePaths } from '../../src/compiler/index.js';
import { zonedMidnight } from '../../src/core/timezone.js';
import { createRouter, routeForward } from '../../src/routing/route.js';
import { routingTableOf, tableRouter, type RoutingTable } from '../../src/routing/table.js';
import { planRefOf } from '../../src/ids/plan-ref.js';
import { ROOT } from '../support/journeys.js';
import { examplePortfolio, routingRecord } from './support.js';

const NOW = Date.parse('2026-11-23T10:00:00Z');
const DAY = 86_400_000;
const compiled = compilePaths([join(ROOT, 'journeys')]);

const portfolio = () => examplePortfolio(compiled);

const record = routingRecord;

/** The table as the worker reads it: through JSON. */
const deployed = (): RoutingTable =>
  JSON.parse(JSON.stringify(routingTableOf(compiled.project, compiled.plans))) as RoutingTable;

describe('the routing table', () => {
  it('routes every example row as the project does, now and as the debts age', async () => {
    expect(compiled.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const fromProject = createRouter(compiled.project, compiled.plans);
    const fromTable = tableRouter(deployed());
    expect(fromTable.segments.map((s) => s.name)).toEqual(fromProject.segments.map((s) => s.name));
    const records = [...(await portfolio()).values()];
    expect(records).toHaveLength(33);
    // Debtors without a zone, in and out of a policyByCountry country, late in the evening.
    records.push(record({ dueDate: '2026-11-23' }), record({ dueDate: '2026-11-23', country: 'US' }));
    let routed = 0;
    for (const at of [NOW, NOW + 17 * 3_600_000, NOW + 10 * DAY, NOW + 40 * DAY, NOW + 80 * DAY]) {
      for (const r of records) {
        const route = fromProject.route(r, at);
        expect(fromTable.route(r, at), `${r.debtId} at ${new Date(at).toISOString()}`).toEqual(route);
        if (!('unmatched' in route)) routed += 1;
      }
    }
    expect(routed).toBeGreaterThan(100);
    expect(fromTable.evaluationErrors).toBe(fromProject.evaluationErrors);
  });

  it('names the current plan of each journey and hashes its content', () => {
    const table = routingTableOf(compiled.project, compiled.plans);
    for (const s of table.segments) expect(s.plan).toEqual(planRefOf(compiled.plans.get(s.journey)!));
    expect(table.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(routingTableOf(compiled.project, compiled.plans).contentHash).toBe(table.contentHash);
    // US debtors fall back to us-reg-f's zone (policyByCountry), everyone else to the policy's.
    expect(table.segments[0]).toMatchObject({
      fallbackZone: 'Europe/Paris',
      fallbackZoneByCountry: { US: 'America/New_York' },
    });
  });
});

describe('routeForward', () => {
  const router = tableRouter(deployed());

  it('a pre-due debt goes on at the first midnight after its due date, in its own zone', async () => {
    const debt = (await portfolio()).get('TN-US-2026-77310')!; // Chicago, due 2026-11-26, "late" history
    expect(router.route(debt, NOW)).toEqual({ journey: 'pre-due-reminder', segment: 'pre-due' });
    expect(routeForward(router, debt, 'pre-due-reminder', NOW, 30 * DAY)).toEqual({
      journey: 'soft-collection',
      segment: 'early-overdue',
      at: zonedMidnight('2026-11-27', 'America/Chicago'),
    });
  });

  it('another journey that matches at once is taken at once', () => {
    const late = record({ dueDate: '2026-10-01', timezone: 'Europe/Paris' }); // 53 days late
    expect(routeForward(router, late, 'soft-collection', NOW, 30 * DAY)).toEqual({
      journey: 'late-stage',
      segment: 'late',
      at: NOW,
    });
  });

  it("an early-overdue debt without a zone becomes late on day 31, at midnight in its journey's fallback zone", () => {
    const debt = record({ dueDate: '2026-10-25' }); // 29 days late in Paris
    expect(routeForward(router, debt, 'soft-collection', NOW, 30 * DAY)).toEqual({
      journey: 'late-stage',
      segment: 'late',
      at: zonedMidnight('2026-11-25', 'Europe/Paris'),
    });
    // The horizon ends before day 31: none, and why.
    expect(routeForward(router, debt, 'soft-collection', NOW, DAY)).toEqual({
      none: 'the segments keep the debt in soft-collection for the next 1 days',
    });
  });

  it('nothing within the horizon: none, saying whether anything matches now', () => {
    const gone = record({ dueDate: '2026-01-02', timezone: 'Europe/Paris' }); // past every segment for good
    expect(routeForward(router, gone, 'late-stage', NOW, 60 * DAY)).toEqual({
      none: 'no segment matches the debt now, nor another journey within 60 days',
    });
  });

  it('routeDebtWith answers with the plan of the journey routed to', () => {
    const table = deployed();
    const debt = record({ dueDate: '2026-10-25' });
    const input = {
      workflowId: 'settle/D-1',
      debtId: 'D-1',
      from: { journey: 'soft-collection', version: compiled.plans.get('soft-collection')!.version },
      enrollment: debt,
      at: NOW,
      horizonMs: 30 * DAY,
    };
    expect(routeDebtWith(table, tableRouter(table), input)).toEqual({
      to: planRefOf(compiled.plans.get('late-stage')!),
      segment: 'late',
      at: zonedMidnight('2026-11-25', 'Europe/Paris'),
    });
    expect(routeDebtWith(table, tableRouter(table), { ...input, horizonMs: DAY })).toEqual({
      none: 'the segments keep the debt in soft-collection for the next 1 days',
    });
  });
});
