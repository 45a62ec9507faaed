import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compilePaths, compileSources, type CompileResult } from '../../src/compiler/index.js';
import { createRouter } from '../../src/routing/route.js';
import { ROOT } from '../support/journeys.js';
import { examplePortfolio, routingRecord } from './support.js';

const NOW = Date.parse('2026-11-23T10:00:00Z');

function journeys(): CompileResult {
  const r = compilePaths([join(ROOT, 'journeys')]);
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return r;
}

const portfolio = examplePortfolio;

const record = routingRecord;

describe('segment routing', () => {
  it('orders segments by priority, then name', () => {
    const r = journeys();
    const router = createRouter(r.project, r.plans);
    expect(router.segments.map((s) => s.name)).toEqual([
      'pre-due',
      'good-payers',
      'high-risk-early',
      'early-overdue',
      'late',
    ]);
  });

  it('routes every row of the example portfolio at 2026-11-23T10:00Z', async () => {
    const r = journeys();
    const router = createRouter(r.project, r.plans);
    const records = await portfolio(r);
    expect(records.size).toBe(33);
    const routes = new Map([...records].map(([id, rec]) => [id, router.route(rec, NOW)]));
    for (const [id, route] of routes) expect(route, id).not.toHaveProperty('unmatched');
    expect(router.evaluationErrors).toBe(0);
    const seg = (id: string) => routes.get(id);
    // Due today in Paris: 0 days past due.
    expect(seg('TN-FR-2026-118204')).toEqual({ journey: 'pre-due-reminder', segment: 'pre-due' });
    // Due in 3 days (Chicago).
    expect(seg('TN-US-2026-77310')).toEqual({ journey: 'pre-due-reminder', segment: 'pre-due' });
    // 9 days late, good history: the good-payers rule (priority 20) wins over early-overdue (40).
    expect(seg('LE-NL-2026-39852')).toEqual({ journey: 'soft-collection', segment: 'good-payers' });
    // 16 days late, bad history, 7250 due: high risk from day one.
    expect(seg('LS-FR-2026-00311')).toEqual({ journey: 'late-stage', segment: 'high-risk-early' });
    // Exactly 5000.00 counts as high risk; 4999.99 does not.
    expect(seg('LS-US-2026-00502')).toEqual({ journey: 'late-stage', segment: 'high-risk-early' });
    expect(seg('LS-GB-2026-00277')).toEqual({ journey: 'soft-collection', segment: 'early-overdue' });
    // 1 day late, "late" history.
    expect(seg('TN-NL-2026-88210')).toEqual({ journey: 'soft-collection', segment: 'early-overdue' });
    // Good payer but 46 days late in Denver (03:00 local on the 23rd): past the 45-day grace.
    expect(seg('TN-US-2026-74877')).toEqual({ journey: 'late-stage', segment: 'late' });
    // No time zone in the record: the policy's fallback (Europe/Paris) — 38 days late.
    expect(seg('VA-FR-2026-00788')).toEqual({ journey: 'late-stage', segment: 'late' });
    // 30 days late (Brussels) is the last day of early-overdue; 31 is late.
    expect(seg('TN-BE-2026-88542')).toEqual({ journey: 'soft-collection', segment: 'early-overdue' });
    expect(seg('LE-NL-2026-38790')).toEqual({ journey: 'late-stage', segment: 'late' });
    // 90 days late is still "late" (31-90).
    expect(seg('TN-NL-2026-86403')).toEqual({ journey: 'late-stage', segment: 'late' });
    const counts: Record<string, number> = {};
    for (const route of routes.values())
      if ('journey' in route) counts[route.journey] = (counts[route.journey] ?? 0) + 1;
    // The German rows: 10 days late in Bavaria, due in 4 days in Berlin, 42 days late.
    expect(seg('TN-DE-2026-51208')).toEqual({ journey: 'soft-collection', segment: 'good-payers' });
    expect(seg('LE-DE-2026-40712')).toEqual({ journey: 'pre-due-reminder', segment: 'pre-due' });
    expect(seg('HS-DE-2026-30877')).toEqual({ journey: 'late-stage', segment: 'late' });
    expect(counts).toEqual({ 'pre-due-reminder': 7, 'soft-collection': 15, 'late-stage': 11 });
  });

  it("uses the debtor's zone, else the journey policy's fallback, for days past due", () => {
    const r = journeys();
    const router = createRouter(r.project, r.plans);
    const lateEvening = Date.parse('2026-11-23T23:30:00Z'); // 00:30 on the 24th in Paris, 15:30 on the 23rd in Los Angeles
    expect(router.route(record({ dueDate: '2026-11-23', timezone: 'America/Los_Angeles' }), lateEvening)).toMatchObject(
      { segment: 'pre-due' },
    );
    expect(router.route(record({ dueDate: '2026-11-23' }), lateEvening)).toMatchObject({ segment: 'early-overdue' });
    expect(router.route(record({ dueDate: '2026-11-23', timezone: 'Mars/Olympus' }), lateEvening)).toMatchObject({
      segment: 'early-overdue',
    });
  });

  it("a debtor without a zone is read in their own policy's fallback: US debtors in us-reg-f's (policyByCountry)", () => {
    const r = journeys();
    const router = createRouter(r.project, r.plans);
    const at = Date.parse('2026-11-24T03:00:00Z'); // 04:00 on the 24th in Paris, 22:00 on the 23rd in New York
    const due = record({ dueDate: '2026-11-23' });
    expect(router.route(due, at)).toMatchObject({ segment: 'early-overdue' });
    expect(router.route({ ...due, debtor: { ...due.debtor, country: 'US' } }, at)).toMatchObject({
      segment: 'pre-due',
    });
  });

  it('reports no match outside every segment, and --journey bypasses the segments', () => {
    const r = journeys();
    const tooLate = record({ dueDate: '2026-01-02' });
    const tooEarly = record({ dueDate: '2027-06-01' });
    expect(createRouter(r.project, r.plans).route(tooLate, NOW)).toEqual({ unmatched: true });
    expect(createRouter(r.project, r.plans).route(tooEarly, NOW)).toEqual({ unmatched: true });
    expect(createRouter(r.project, r.plans, { journey: 'late-stage' }).route(tooEarly, NOW)).toEqual({
      journey: 'late-stage',
    });
  });

  it('a segment rule that fails on a record does not match it, and is counted', () => {
    const base = compilePaths([join(ROOT, 'journeys')]).files.map((f) => f.source);
    const vip = {
      path: 'journeys/segments/vip.segment.yaml',
      text: readFileSync(join(ROOT, 'journeys', 'segments', 'late.segment.yaml'), 'utf8')
        .replace('name: late', 'name: vip')
        .replace(/when: .*/, 'when: \'debtor.email.endsWith("@vip.example")\'')
        .replace('priority: 50', 'priority: 1'),
    };
    const r = compileSources([...base, vip]);
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const router = createRouter(r.project, r.plans);
    expect(router.route(record({ dueDate: '2026-11-20', email: 'a@vip.example' }), NOW)).toEqual({
      journey: 'late-stage',
      segment: 'vip',
    });
    // No email: the rule cannot be evaluated, so the next segment decides.
    expect(router.route(record({ dueDate: '2026-11-20' }), NOW)).toEqual({
      journey: 'soft-collection',
      segment: 'early-overdue',
    });
    expect(router.evaluationErrors).toBe(1);
  });
});
