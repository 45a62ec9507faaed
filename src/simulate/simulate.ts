/**
 * A portfolio through its journeys on a virtual clock (`settle simulate`): each row
 * is validated and routed exactly as `settle enroll` does at the start instant, then its journey
 * runs through the production interpreter with recorders for activities (run-debt.ts). Debtors run
 * one after the other; a debtor's debts run together on one clock with one contact ledger (an
 * opt-out on one debt holds for the others, caps stay per debt). The summary accumulates in row order.
 */
import { validateRecord } from '../compiler/enrollment.js';
import { declaredAttributes, type Project } from '../compiler/project.js';
import { invalidReason } from '../enrollment/invalid-reason.js';
import type { PortfolioRow } from '../enrollment/read.js';
import { createRouter } from '../enrollment/route.js';
import type { EnrollmentData, JourneyPlan } from '../ir/index.js';
import type { Behaviour, Costs } from './behaviour.js';
import { runDebt, runDebtorDebts, type SimulatedDebt } from './run-debt.js';
import { SummaryBuilder, type SimulationSummary } from './summary.js';
import type { TimelineEntry } from './timeline.js';

const DAY = 86_400_000;

export interface SimulateOptions {
  plans: ReadonlyMap<string, JourneyPlan>;
  project: Project;
  rows: AsyncIterable<PortfolioRow>;
  startMs: number;
  days: number;
  seed: number;
  behaviour: Behaviour;
  /** Costs per message; each field given overrides the behaviour model's. */
  costs?: Costs;
  /** Keep every debt's timeline for the report (json); off for large runs that only need the summary. */
  keepDebts?: boolean;
  /** Called with every simulated debt (its state included) as it finishes. */
  onDebt?: (debt: SimulatedDebt) => void;
  /** Extra VirtualPort constructor arguments shared by every debt of the run (the contact-ledger book). */
  portExtras?: unknown[];
}

/** A debt as the json report shows it. */
export interface DebtReport {
  debtId: string;
  journey: string;
  version: number;
  variant: string | null;
  outcome: string;
  events: TimelineEntry[];
}

export interface SimulationReport {
  debts: DebtReport[];
  summary: SimulationSummary;
}

export function debtReport(d: SimulatedDebt): DebtReport {
  return {
    debtId: d.debtId,
    journey: d.journey,
    version: d.version,
    variant: d.variant ?? null,
    outcome: d.outcome,
    events: d.events,
  };
}

export async function simulatePortfolio(o: SimulateOptions): Promise<SimulationReport> {
  const costs: Costs = { ...o.behaviour.costs, ...o.costs };
  const builder = new SummaryBuilder({
    startMs: o.startMs,
    days: o.days,
    seed: o.seed,
    behaviour: o.behaviour.name,
    costs,
    partialShare: o.behaviour.partialShare,
  });
  const attributes = declaredAttributes(o.project);
  const router = createRouter(o.project, o.plans);
  const debts: DebtReport[] = [];
  const horizonMs = o.startMs + o.days * DAY;
  // Routed rows in order, then run: a debtor with several debts runs them together on one clock.
  type Debt = { debtor: string; options: Parameters<typeof runDebt>[0] };
  type Item = Debt | { invalid: [number, string] } | 'unmatched';
  const items: (Item | undefined)[] = [];
  const byDebtor = new Map<string, Debt[]>();
  for await (const row of o.rows) {
    if (row.error !== undefined) {
      items.push({ invalid: [row.line, row.error] });
      continue;
    }
    const problems = validateRecord(row.record, attributes);
    if (problems.length > 0) {
      items.push({ invalid: [row.line, invalidReason(problems)] });
      continue;
    }
    const record = row.record as EnrollmentData;
    const route = router.route(record, o.startMs);
    if ('unmatched' in route) {
      items.push('unmatched');
      continue;
    }
    const debtor = record.debtor.id;
    const debt: Debt = {
      debtor,
      options: {
        plan: o.plans.get(route.journey)!,
        record,
        ...(route.segment !== undefined && { segment: route.segment }),
        startMs: o.startMs,
        horizonMs,
        behaviour: o.behaviour,
        seed: o.seed,
        ...(o.portExtras && { portExtras: o.portExtras }),
      },
    };
    items.push(debt);
    const group = byDebtor.get(debtor);
    if (group) group.push(debt);
    else byDebtor.set(debtor, [debt]);
  }
  /** Results of a several-debt debtor's later debts, until their rows come. */
  const ahead = new Map<Debt, SimulatedDebt>();
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    items[i] = undefined; // let the record go once simulated
    if (item === 'unmatched') {
      builder.unmatched();
      continue;
    }
    if ('invalid' in item) {
      builder.invalid(...item.invalid);
      continue;
    }
    let d = ahead.get(item);
    if (d) ahead.delete(item);
    else {
      const group = byDebtor.get(item.debtor)!;
      byDebtor.delete(item.debtor);
      if (group.length === 1) d = await runDebt(item.options);
      else {
        const results = await runDebtorDebts(group.map((x) => x.options));
        for (let j = 1; j < group.length; j++) ahead.set(group[j]!, results[j]!);
        d = results[0]!;
      }
    }
    builder.add(d, item.options.record.debtor.country);
    o.onDebt?.(d);
    if (o.keepDebts !== false) debts.push(debtReport(d));
  }
  return { debts, summary: builder.finish() };
}
