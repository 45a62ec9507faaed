/**
 * A simulation in blocks: the portfolio's rows are cut into blocks of BLOCK_ROWS rows (a
 * debtor's later rows join the block of the debtor's first row, so that a debtor's debts run
 * together on one clock), and each block is validated, routed, run and summarised on its own
 * (`runBlock`), in the main thread or in a worker (pool-worker.ts). The parts are merged in block
 * order, so a run gives the same summary and the same timelines whatever the number of workers:
 * the blocks never depend on it.
 */
import { validateRecord } from '../project/record.js';
import { declaredAttributes, emptyProject, type Project } from '../project/project.js';
import { invalidReason } from '../routing/invalid-reason.js';
import { createRouter } from '../routing/route.js';
import type { EnrollmentData, JourneyPlan } from '../ir/index.js';
import { compileBehaviour, NO_BEHAVIOUR, type Behaviour, type Costs } from './behaviour.js';
import type { BehaviourDoc } from '../dsl/index.js';
import { deployedRouting, simulatedRouting } from './hand-over.js';
import { runDebt, runDebtorDebts, type RunDebtOptions, type SimulatedDebt } from './run-debt.js';
import { SummaryBuilder, type SummaryOptions, type SummaryPart } from './summary.js';
import type { TimelineEntry } from './timeline.js';

const DAY = 86_400_000;

/** Rows per block: small enough to balance the workers' load, large enough that posting one is cheap. */
export const BLOCK_ROWS = 500;

/** A portfolio row as a block carries it: a record, or a row that failed to read. */
export type BlockRow = { line: number; record: unknown } | { line: number; error: string };

/** A debt as the json report shows it. */
export interface DebtReport {
  debtId: string;
  journey: string;
  version: number;
  /** The segment that routed the debt (null with --journey). */
  segment: string | null;
  variant: string | null;
  outcome: string;
  /**
   * The journeys the debt went through before `journey` (hand-overs), oldest first, each with
   * its outcome; empty when it stayed in one.
   */
  path: { journey: string; version: number; segment: string | null; outcome: string; endedAt: string }[];
  events: TimelineEntry[];
}

export function debtReport(d: SimulatedDebt): DebtReport {
  return {
    debtId: d.debtId,
    journey: d.journey,
    version: d.version,
    segment: d.segment ?? null,
    variant: d.variant ?? null,
    outcome: d.outcome,
    path: (d.state.path ?? []).map((l) => ({
      journey: l.journey,
      version: l.version,
      segment: l.segment ?? null,
      outcome: l.outcome,
      endedAt: new Date(l.endedAt).toISOString(),
    })),
    events: d.events,
  };
}

/** A debt's report as `JSON.stringify(report, null, 2)` prints it inside `debts` (indented 4). */
export function debtJson(r: DebtReport): string {
  return '    ' + JSON.stringify(r, null, 2).replaceAll('\n', '\n    ');
}

/** What a block gives back: its summary part and, when asked, its debts (objects, or their json). */
export interface BlockResult {
  part: SummaryPart;
  debts?: DebtReport[];
  /** The debts' json (debtJson), joined by ',\n'; '' for a block without debts. */
  json?: string;
}

/** Everything a thread needs to run blocks: plain data, so that it can be posted to a worker. */
export interface BlockSetup {
  plans: [string, JourneyPlan][];
  /** The parts of the project routing reads: its segments and attributes. */
  project: Pick<Project, 'segments' | 'attributes' | 'root'>;
  /** The behaviour model's document, or null for `none`. */
  behaviour: BehaviourDoc | null;
  summary: SummaryOptions;
  startMs: number;
  days: number;
  seed: number;
  debts: 'none' | 'objects' | 'json';
  /** A change deployed during the run (settle diff --portfolio): see SimulatedDeploy. */
  deploy?: BlockDeploy;
}

/**
 * A change deployed `atMs` into the run: from then on debts are routed by the new project and its
 * plans (hand-overs reach the new versions); with `migrate`, running journeys also move to their
 * journey's new version at their next safe point (settle migrate), else they finish on theirs.
 */
export interface SimulatedDeploy {
  atMs: number;
  migrate: boolean;
  plans: ReadonlyMap<string, JourneyPlan>;
  project: Project;
}

/** SimulatedDeploy as plain data (postable to a worker). */
interface BlockDeploy {
  atMs: number;
  migrate: boolean;
  plans: [string, JourneyPlan][];
  project: Pick<Project, 'segments' | 'attributes' | 'root'>;
}

/** In the main thread only: what cannot be posted to a worker. */
export interface LocalExtras {
  behaviour?: Behaviour;
  onDebt?: (debt: SimulatedDebt) => void;
  portExtras?: unknown[];
}

/** The block of each row (by index): `size` rows a block, a debtor's later rows in the block of its first. */
export function blockOfRows(rows: readonly BlockRow[], size = BLOCK_ROWS): number[] {
  const firstBlock = new Map<string, number>();
  return rows.map((row, i) => {
    const own = Math.floor(i / size);
    const id = 'record' in row ? debtorIdOf(row.record) : undefined;
    if (id === undefined) return own;
    const first = firstBlock.get(id);
    if (first !== undefined) return first;
    firstBlock.set(id, own);
    return own;
  });
}

function debtorIdOf(record: unknown): string | undefined {
  if (typeof record !== 'object' || record === null) return undefined;
  const debtor = (record as { debtor?: unknown }).debtor;
  if (typeof debtor !== 'object' || debtor === null) return undefined;
  const id = (debtor as { id?: unknown }).id;
  return typeof id === 'string' ? id : undefined;
}

/** A runner of blocks for one thread: routing compiled once, each block summarised on its own. */
export function blockRunner(setup: BlockSetup, local: LocalExtras = {}): (rows: BlockRow[]) => Promise<BlockResult> {
  const plans = new Map(setup.plans);
  const project: Project = { ...emptyProject(setup.project.root), ...setup.project };
  const attributes = declaredAttributes(project);
  const router = createRouter(project, plans);
  // A debt handed over goes on in the journey the same segments route it to (hand-over.ts).
  const initial = simulatedRouting(router, plans);
  const deploy = setup.deploy;
  let routing = initial;
  let migration: RunDebtOptions['migration'];
  if (deploy !== undefined) {
    const next = new Map(deploy.plans);
    const nextRouter = createRouter({ ...emptyProject(deploy.project.root), ...deploy.project }, next);
    routing = deployedRouting(initial, simulatedRouting(nextRouter, next), deploy.atMs);
    if (deploy.migrate) migration = { atMs: deploy.atMs, plan: (journey) => next.get(journey) };
  }
  const behaviour = local.behaviour ?? (setup.behaviour ? compileBehaviour(setup.behaviour) : NO_BEHAVIOUR);
  const horizonMs = setup.startMs + setup.days * DAY;

  return async (rows) => {
    const builder = new SummaryBuilder(setup.summary);
    const debts: DebtReport[] = [];
    const json: string[] = [];
    // Routed rows in order, then run: a debtor with several debts runs them together on one clock.
    type Debt = { debtor: string; options: RunDebtOptions };
    type Item = Debt | { invalid: [number, string] } | 'unmatched';
    const items: (Item | undefined)[] = [];
    const byDebtor = new Map<string, Debt[]>();
    for (const row of rows) {
      if ('error' in row) {
        items.push({ invalid: [row.line, row.error] });
        continue;
      }
      const problems = validateRecord(row.record, attributes);
      if (problems.length > 0) {
        items.push({ invalid: [row.line, invalidReason(problems)] });
        continue;
      }
      const record = row.record as EnrollmentData;
      const route = router.route(record, setup.startMs);
      if ('unmatched' in route) {
        items.push('unmatched');
        continue;
      }
      const debtor = record.debtor.id;
      const debt: Debt = {
        debtor,
        options: {
          plan: plans.get(route.journey)!,
          record,
          ...(route.segment !== undefined && { segment: route.segment }),
          startMs: setup.startMs,
          horizonMs,
          behaviour,
          seed: setup.seed,
          ...(local.portExtras && { portExtras: local.portExtras }),
          routing,
          ...(migration && { migration }),
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
      builder.add(d, item.options.record.debtor.country, item.options.record.debt.dueDate);
      local.onDebt?.(d);
      if (setup.debts === 'objects') debts.push(debtReport(d));
      else if (setup.debts === 'json') json.push(debtJson(debtReport(d)));
    }
    return {
      part: builder.part(),
      ...(setup.debts === 'objects' && { debts }),
      ...(setup.debts === 'json' && { json: json.join(',\n') }),
    };
  };
}

/** The setup of a run (Costs: the run's, the behaviour model's overridden). */
export function blockSetup(o: {
  plans: ReadonlyMap<string, JourneyPlan>;
  project: Project;
  behaviour: Behaviour;
  costs: Costs;
  startMs: number;
  days: number;
  seed: number;
  debts: BlockSetup['debts'];
  deploy?: SimulatedDeploy;
}): BlockSetup {
  const deploy = o.deploy;
  return {
    plans: [...o.plans],
    project: { segments: o.project.segments, attributes: o.project.attributes, root: o.project.root },
    behaviour: o.behaviour.doc ?? null,
    summary: {
      startMs: o.startMs,
      days: o.days,
      seed: o.seed,
      behaviour: o.behaviour.name,
      costs: o.costs,
      partialShare: o.behaviour.partialShare,
    },
    startMs: o.startMs,
    days: o.days,
    seed: o.seed,
    debts: o.debts,
    ...(deploy && {
      deploy: {
        atMs: deploy.atMs,
        migrate: deploy.migrate,
        plans: [...deploy.plans],
        project: {
          segments: deploy.project.segments,
          attributes: deploy.project.attributes,
          root: deploy.project.root,
        },
      },
    }),
  };
}
