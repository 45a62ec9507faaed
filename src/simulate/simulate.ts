/**
 * A portfolio through its journeys on a virtual clock (`settle simulate`): each row
 * is validated and routed exactly as `settle enroll` does at the start instant, then its journey
 * runs through the production interpreter with recorders for activities (run-debt.ts). A
 * debtor's debts run together on one clock with one contact ledger (an opt-out on one debt holds
 * for the others, caps stay per debt).
 *
 * The rows are read first (a debtor's debts may be far apart in the file), then run in blocks
 * (blocks.ts) in this thread or on `workers` worker threads (pool.ts); the blocks' summaries are
 * merged in block order and their timelines handed on as they come (`debtsJson`), so a run of
 * any size holds no timeline, and gives the same report with any number of workers.
 */
import { availableParallelism } from 'node:os';
import type { Project } from '../project/project.js';
import type { PortfolioRow } from '../project/record.js';
import type { JourneyPlan } from '../ir/index.js';
import { NO_BEHAVIOUR, type Behaviour, type Costs } from './behaviour.js';
import {
  blockOfRows,
  blockRunner,
  blockSetup,
  debtJson,
  type BlockResult,
  type BlockRow,
  type DebtReport,
  type SimulatedDeploy,
} from './blocks.js';
import { runOnWorkers } from './pool.js';
import type { SimulatedDebt } from './run-debt.js';
import { SummaryBuilder, type SimulationSummary } from './summary.js';

export { debtJson, debtReport, type DebtReport, type SimulatedDeploy } from './blocks.js';

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
  /** Keep every debt's timeline in the report (`debts`); off for large runs (see `debtsJson`). */
  keepDebts?: boolean;
  /**
   * Receives the debts' json as the blocks finish, in order: each debt as `debtJson` prints it,
   * separated by ',\n' (the first chunk starts without one): the `debts` array of the json report
   * without holding it.
   */
  debtsJson?: (chunk: string) => void;
  /**
   * Worker threads (default 0: this thread only). Results are the same with any number. A run
   * with `onDebt` or `portExtras`, a behaviour model without its document, or one block of rows
   * runs in this thread.
   */
  workers?: number;
  /**
   * Rows per block (default BLOCK_ROWS, blocks.ts): part of what a run is, like the seed — the
   * summary's sums are added block by block — so a report compares with one of the same size.
   */
  blockRows?: number;
  /** Called with every simulated debt (its state included) as it finishes. */
  onDebt?: (debt: SimulatedDebt) => void;
  /** Extra VirtualPort constructor arguments shared by every debt of the run (the contact-ledger book). */
  portExtras?: unknown[];
  /** A change deployed during the run, with or without migrating running journeys (settle diff --portfolio). */
  deploy?: SimulatedDeploy;
}

export interface SimulationReport {
  debts: DebtReport[];
  summary: SimulationSummary;
}

/** The default of `--workers`: the cores this process may use. */
export function defaultWorkers(): number {
  return availableParallelism();
}

export async function simulatePortfolio(o: SimulateOptions): Promise<SimulationReport> {
  const costs: Costs = { ...o.behaviour.costs, ...o.costs };
  const keep = o.keepDebts !== false;
  const setup = blockSetup({
    plans: o.plans,
    project: o.project,
    behaviour: o.behaviour,
    costs,
    startMs: o.startMs,
    days: o.days,
    seed: o.seed,
    debts: keep ? 'objects' : o.debtsJson ? 'json' : 'none',
    ...(o.deploy && { deploy: o.deploy }),
  });
  const builder = new SummaryBuilder(setup.summary);

  const rows: (BlockRow | undefined)[] = [];
  for await (const row of o.rows) rows.push(row.error !== undefined ? { line: row.line, error: row.error } : row);
  const blockOf = blockOfRows(rows as BlockRow[], o.blockRows);
  const blocks = blockOf.length === 0 ? 0 : blockOf[blockOf.length - 1]! + 1;
  // Each block's rows, by index into `rows`; a row is let go once its block is handed out.
  const members: number[][] = Array.from({ length: blocks }, () => []);
  blockOf.forEach((b, i) => members[b]!.push(i));
  let nextBlock = 0;
  const next = (): BlockRow[] | undefined => {
    if (nextBlock >= blocks) return undefined;
    const out = members[nextBlock]!.map((i) => rows[i]!);
    for (const i of members[nextBlock]!) rows[i] = undefined;
    members[nextBlock++] = [];
    return out;
  };

  const debts: DebtReport[] = [];
  let first = true;
  const use = (r: BlockResult) => {
    builder.merge(r.part);
    if (r.debts) {
      for (const d of r.debts) debts.push(d);
      // A run that keeps its debts hands them on too when asked.
      if (o.debtsJson && r.debts.length > 0) {
        o.debtsJson((first ? '' : ',\n') + r.debts.map(debtJson).join(',\n'));
        first = false;
      }
    } else if (r.json !== undefined && r.json !== '') {
      o.debtsJson?.((first ? '' : ',\n') + r.json);
      first = false;
    }
  };

  const local =
    o.onDebt !== undefined ||
    o.portExtras !== undefined ||
    (o.behaviour.doc === undefined && o.behaviour !== NO_BEHAVIOUR);
  // Threads only when there is more than one block: a small portfolio runs here, as fast.
  const workers = local || blocks <= 1 ? 0 : Math.max(0, Math.min(Math.floor(o.workers ?? 0), blocks));
  if (workers === 0) {
    const run = blockRunner(setup, {
      behaviour: o.behaviour,
      ...(o.onDebt && { onDebt: o.onDebt }),
      ...(o.portExtras && { portExtras: o.portExtras }),
    });
    for (let b = next(); b !== undefined; b = next()) use(await run(b));
  } else await runOnWorkers(setup, workers, next, use);
  return { debts, summary: builder.finish() };
}
