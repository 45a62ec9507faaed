/**
 * The simulate report's business figures (summary.business): per journey and per segment the money
 * enrolled and collected, RPC, profit per account, reaction time and days past due at payment,
 * checked against the debts' own timelines; and each debt's timeline names its segment.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import type { BusinessFigures } from '../../src/simulate/summary.js';
import type { SimulationReport } from '../../src/simulate/simulate.js';
import { ROOT, settle } from '../cli/helpers.js';
import { EXAMPLE_RUN } from './support.js';

const RUN = [
  ...EXAMPLE_RUN,
  '--behaviour',
  'examples/simulate/behaviour.yaml',
  '--cost',
  'email=0.01',
  '--cost',
  'sms=0.07',
  '--currency',
  'EUR',
  '--workers',
  '1',
];

async function report(format: string): Promise<string> {
  const r = await settle([...RUN, '--format', format]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return r.stdout;
}

const sum = (figures: Record<string, BusinessFigures>, f: (x: BusinessFigures) => number) =>
  Object.values(figures).reduce((a, x) => a + f(x), 0);

describe('settle simulate: money, RPC and timing per journey and per segment', () => {
  it('adds up over journeys and segments, and each figure follows from the debts', async () => {
    const r = JSON.parse(await report('json')) as SimulationReport;
    const s = r.summary;
    const { journeys, segments } = s.business;
    // Every debt names the segment that routed it, and the segments are the report's rows.
    expect(r.debts.every((d) => typeof d.segment === 'string')).toBe(true);
    const bySegment = new Map<string, number>();
    for (const d of r.debts) bySegment.set(d.segment!, (bySegment.get(d.segment!) ?? 0) + 1);
    expect(Object.fromEntries(Object.entries(segments).map(([k, f]) => [k, f.debts]))).toEqual(
      Object.fromEntries(bySegment),
    );
    for (const figures of [journeys, segments]) {
      expect(sum(figures, (f) => f.debts)).toBe(s.debts);
      expect(sum(figures, (f) => f.paid)).toBe(s.funnel.paid);
      expect(sum(figures, (f) => f.cost)).toBeCloseTo(s.cost.total, 6);
      expect(sum(figures, (f) => f.collected.EUR ?? 0)).toBeCloseTo(s.amountCollected.EUR ?? 0, 2);
    }
    // Contacted: debts with a message sent (a send event without a failure in their timeline).
    const contacted = r.debts.filter((d) => d.events.some((e) => e.type === 'send' && e.reason === undefined));
    expect(sum(journeys, (f) => f.contacted)).toBe(contacted.length);
    const rightParty = contacted.filter((d) =>
      d.events.some(
        (e) =>
          e.type === 'event' &&
          ['opened', 'clicked', 'visited', 'replied', 'paid', 'partiallyPaid'].includes(e.reason!),
      ),
    );
    expect(sum(journeys, (f) => f.rightParty)).toBe(rightParty.length);
    expect(rightParty.length).toBeGreaterThan(0);
    for (const f of [...Object.values(journeys), ...Object.values(segments)]) {
      expect(f.rpcRate).toBeCloseTo(f.contacted > 0 ? f.rightParty / f.contacted : 0, 4);
      for (const [c, enrolled] of Object.entries(f.enrolled)) {
        expect(f.collectionRateByAmount![c]).toBeCloseTo((f.collected[c] ?? 0) / enrolled, 4);
        // The cost counts against money of its own currency (EUR here), not a USD debt's.
        const cost = s.cost.currency === null || s.cost.currency === c ? f.cost : 0;
        expect(f.profitPerAccount![c]).toBeCloseTo(((f.collected[c] ?? 0) - cost) / f.debts, 2);
      }
      if (f.paidWithDueDate > 0) expect(f.meanDaysPastDueAtPayment).toBeCloseTo(f.pastDueDays / f.paidWithDueDate, 2);
      if (f.reactions > 0) expect(f.meanReactionHours).toBeCloseTo(f.reactionHours / f.reactions, 2);
    }
    // Someone paid, so days past due at payment and since first contact exist somewhere.
    expect(s.funnel.paid).toBeGreaterThan(0);
    expect(Object.values(journeys).some((f) => f.meanDaysPastDueAtPayment !== undefined)).toBe(true);
    expect(Object.values(journeys).some((f) => f.meanDaysToPaySinceContact !== undefined)).toBe(true);
  }, 120_000);

  it('days past due at payment and days since first contact: from each paid debt’s timeline and due date', async () => {
    const r = JSON.parse(await report('json')) as SimulationReport;
    const s = r.summary;
    const rows = parse(readFileSync(join(ROOT, 'examples', 'portfolio.csv'), 'utf8'), { columns: true }) as Record<
      string,
      string
    >[];
    const dueOf = new Map(rows.map((row) => [row.debtId!, Date.parse(`${row['debt.dueDate']!}T00:00:00Z`)]));
    const DAY = 86_400_000;
    let pastDue = 0;
    let sinceContact = 0;
    const paid = r.debts.filter((d) => d.outcome === 'paid');
    expect(paid.length).toBeGreaterThan(0);
    for (const d of paid) {
      const paidAt = Date.parse(d.events.find((e) => e.type === 'event' && e.reason === 'paid')!.at);
      const firstSend = Date.parse(d.events.find((e) => e.type === 'send' && e.reason === undefined)!.at);
      pastDue += (paidAt - dueOf.get(d.debtId)!) / DAY;
      sinceContact += (paidAt - firstSend) / DAY;
    }
    expect(sum(s.business.journeys, (f) => f.paidWithDueDate)).toBe(paid.length);
    expect(sum(s.business.journeys, (f) => f.pastDueDays)).toBeCloseTo(pastDue, 2);
    expect(sum(s.business.segments, (f) => f.pastDueDays)).toBeCloseTo(pastDue, 2);
    expect(sum(s.business.journeys, (f) => f.sinceContactDays)).toBeCloseTo(sinceContact, 2);
  }, 120_000);

  it('text, md and html show the figures per journey and per segment', async () => {
    const text = await report('text');
    expect(text).toContain('Money, RPC and timing per journey');
    expect(text).toContain('Money, RPC and timing per segment');
    expect(text).toMatch(
      /segment +debts +RPC +collected \/ enrolled +rate by amount +profit per account +reaction \(h\) +days past due at payment +days to pay since contact/,
    );
    const md = await report('md');
    expect(md).toContain('### Money, RPC and timing per segment');
    const html = await report('html');
    expect(html).toContain('Money, RPC and timing per journey');
  }, 120_000);
});
