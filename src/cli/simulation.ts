/** The simulator as the CLI runs it (options parsed, portfolio read, behaviour loaded): `settle simulate` and `settle diff --portfolio`. */
import { existsSync } from 'node:fs';
import { declaredAttributes } from '../project/project.js';
import { seedOf } from '../core/random.js';
import { PortfolioError, portfolioFormat, readPortfolio } from '../enrollment/read.js';
import { BehaviourError, loadBehaviour, NO_BEHAVIOUR, type Behaviour, type Costs } from '../simulate/behaviour.js';
import {
  defaultWorkers,
  simulatePortfolio,
  type SimulateOptions,
  type SimulationReport,
} from '../simulate/simulate.js';
import type { CompileResult } from '../compiler/index.js';
import { CliError, EXIT, resolvePath, UsageError, type Io } from './io.js';
import { displayPath } from './project.js';

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

export function parseStart(raw: string | undefined): number {
  if (raw === undefined) throw new UsageError('--start is required: the enrollment instant, e.g. 2026-11-23T09:00:00Z');
  const ms = Date.parse(raw);
  if (!INSTANT.test(raw) || Number.isNaN(ms)) {
    throw new UsageError(`--start must be an ISO instant with a zone, e.g. 2026-11-23T09:00:00Z (got "${raw}")`);
  }
  return ms;
}

export function parseDays(raw: string | undefined): number {
  if (raw === undefined) throw new UsageError('--days is required: how many days to simulate, e.g. 60');
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 3660)
    throw new UsageError(`--days must be a whole number from 1 to 3660 (got "${raw}")`);
  return n;
}

/** --workers: 1 to 256 threads; the default is the cores this process may use. */
export function parseWorkers(raw: string | undefined): number {
  if (raw === undefined) return defaultWorkers();
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > 256)
    throw new UsageError(`--workers must be a whole number from 1 to 256 (got "${raw}")`);
  return n;
}

/** A number is used as it is (0 to 2^32−1); any other text is hashed, so `--seed pr-142` works too. */
export function parseSeed(raw: string | undefined): number {
  if (raw === undefined) return 1;
  if (/^\d+$/.test(raw) && Number(raw) <= 0xffffffff) return Number(raw);
  return seedOf(raw);
}

export function parseCosts(raw: string[] | undefined, currency: string | undefined): Costs {
  const costs: Costs = {};
  for (const item of raw ?? []) {
    const m = /^(email|sms)=(\d+(\.\d+)?)$/.exec(item);
    if (!m) throw new UsageError(`--cost takes CHANNEL=PRICE per message, e.g. --cost sms=0.0079 (got "${item}")`);
    costs[m[1] as 'email' | 'sms'] = Number(m[2]);
  }
  if (currency !== undefined) {
    if (!/^[A-Z]{3}$/.test(currency))
      throw new UsageError(`--currency must be an ISO 4217 code such as EUR (got "${currency}")`);
    costs.currency = currency;
  }
  return costs;
}

export function behaviourFrom(arg: string | undefined, io: Io): Behaviour {
  if (arg === undefined || arg === 'none') return NO_BEHAVIOUR;
  const path = resolvePath(io, arg);
  if (!existsSync(path)) throw new CliError(`${arg}: no such behaviour file (or say --behaviour none)`, EXIT.usage);
  try {
    return loadBehaviour(path, displayPath(arg, io));
  } catch (e) {
    if (e instanceof BehaviourError) throw new CliError(`the behaviour model is invalid:\n${e.message}`, EXIT.invalid);
    throw e;
  }
}

/** What the simulator takes, with the compiled project and a portfolio file in place of plans, project and rows. */
export type RunSimulationOptions = Omit<SimulateOptions, 'plans' | 'project' | 'rows'> & {
  result: CompileResult;
  portfolio: string;
  /** The portfolio's path as messages show it. */
  portfolioShown: string;
};

/** Simulates a portfolio file against compiled journeys (also `settle diff --portfolio`). */
export async function runSimulation(o: RunSimulationOptions): Promise<SimulationReport> {
  try {
    const { result, portfolio, portfolioShown: _shown, ...run } = o;
    return await simulatePortfolio({
      ...run,
      plans: result.plans,
      project: result.project,
      rows: readPortfolio(portfolio, declaredAttributes(result.project)),
    });
  } catch (e) {
    if (e instanceof PortfolioError)
      throw new CliError(`${o.portfolioShown}:${e.line ?? 1}  ${e.message}`, EXIT.invalid);
    throw e;
  }
}

export function checkPortfolio(file: string | undefined, io: Io): string {
  if (file === undefined)
    throw new UsageError('--portfolio FILE is required (CSV, JSON or NDJSON, as settle enroll reads)');
  const path = resolvePath(io, file);
  if (!existsSync(path)) throw new CliError(`${file}: no such portfolio file`, EXIT.usage);
  try {
    portfolioFormat(path);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  return path;
}
