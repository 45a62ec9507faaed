/**
 * settle migrate --to VERSION [--journey NAME] [--dry-run|--apply]: moves running journeys of
 * older versions to the journey's version in the repository (docs/operations.md, "Changing
 * running journeys"). The project is compiled and the journey's YAML must be that version. The
 * running journeys of older versions are listed from visibility (SettleJourney, SettleVersion,
 * ExecutionStatus = 'Running'), each one's step read from SettleStep (else its state query), and
 * its place in the new version computed with the workflow's own rule (src/workflows/migration.ts).
 *
 * Default is a dry run: how many journeys would go from which version and step to which step,
 * and those that would stay, with why. `--apply` publishes the plan to the plan store and sends
 * the `migrate` signal to each journey that would move; the journey takes the new plan at its next
 * safe point (continue-as-new, its state kept) and decides itself with the same rule. The request
 * id is `migrate/v<to>/<hash prefix>`, so the journeys ignore a second signal of a re-run, and a
 * re-run finds only those still on older versions: an interrupted run is finished by running it again.
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { JourneyPlan } from '../../ir/index.js';
import { publishPlan } from '../../temporal/plan-store.js';
import { planRefOf } from '../../ids/plan-ref.js';
import { SA } from '../../temporal/search-attributes.js';
import { migrateSignal } from '../../workflows/definitions.js';
import { queryJourneyState } from '../../temporal/query-state.js';
import { migrationTarget } from '../../workflows/migration.js';
import type { MigrateSignal } from '../../workflows/types.js';
import { CliError, EXIT, UsageError, type Io } from '../io.js';
import { failOnErrors, loadProject } from '../project.js';
import { parseCommand } from '../spec.js';
import { configFrom, connect } from '../temporal.js';
import { table } from './status-format.js';

interface Options {
  to?: string;
  journey?: string;
  dir: string;
  dryRun?: boolean;
  apply?: boolean;
  concurrency: string;
  format: 'text' | 'json';
}

export interface MigrateEnv {
  vars?: Record<string, string | undefined>;
  /** How long a state query may take when a journey has no SettleStep (default 3 s). */
  queryTimeoutMs?: number;
}

/** A running journey of an older version and where the migration would take it. */
export interface MigrationCandidate {
  workflowId: string;
  journey: string;
  version: number;
  step: string;
  to: { step: string } | { stay: string };
}

export interface MigrationGroup {
  journey: string;
  fromVersion: number;
  fromStep: string;
  /** The step of the new version (moves), or why they stay. */
  toStep?: string;
  reason?: string;
  count: number;
  /** The workflow ids of journeys that stay (at most 20 per group). */
  workflowIds?: string[];
}

export interface MigrationReport {
  mode: 'dry-run' | 'apply';
  journeys: { journey: string; version: number; contentHash: string; requestId: string }[];
  moves: MigrationGroup[];
  stays: MigrationGroup[];
  /** --apply: journeys signalled, and those whose signal failed (with the error). */
  signalled?: number;
  failed?: { workflowId: string; error: string }[];
}

/** The step no journey is known to be at (no SettleStep, no answer to the state query). */
export const UNKNOWN_STEP = '(unknown)';

/** The request id of a migration to a plan: the same for every run of the same command. */
export function migrationRequestId(plan: JourneyPlan): string {
  return `migrate/v${plan.version}/${planRefOf(plan).contentHash.slice(0, 12)}`;
}

export function runningOlderQuery(plan: JourneyPlan): string {
  return `WorkflowType = 'journeyWorkflow' AND ExecutionStatus = 'Running' AND SettleJourney = '${plan.journey}' AND SettleVersion < ${plan.version}`;
}

/** The running journeys of older versions of `plan`'s journey and where each would go. */
export async function migrationCandidates(
  client: Client,
  plan: JourneyPlan,
  queryTimeoutMs = 3_000,
): Promise<MigrationCandidate[]> {
  const out: MigrationCandidate[] = [];
  for await (const wf of client.workflow.list({ query: runningOlderQuery(plan) })) {
    const version = wf.typedSearchAttributes.get(SA.version);
    if (version === undefined) continue;
    let step = wf.typedSearchAttributes.get(SA.step);
    if (step === undefined) {
      try {
        const view = await queryJourneyState(client, wf.workflowId, queryTimeoutMs);
        step = view.current;
      } catch {
        // No worker answered: the journey decides itself at its safe point; here it is reported.
      }
    }
    out.push({
      workflowId: wf.workflowId,
      journey: plan.journey,
      version,
      step: step ?? UNKNOWN_STEP,
      to:
        step === undefined
          ? { stay: 'its step is not known yet (no SettleStep, no worker answered)' }
          : migrationTarget(plan, plan.journey, version, step),
    });
  }
  return out;
}

/** Candidates grouped by version and step: where they go, or why they stay. */
export function groupCandidates(candidates: MigrationCandidate[]): {
  moves: MigrationGroup[];
  stays: MigrationGroup[];
} {
  const groups = new Map<string, MigrationGroup>();
  for (const c of candidates) {
    const target = 'step' in c.to ? { toStep: c.to.step } : { reason: c.to.stay };
    const key = JSON.stringify([c.journey, c.version, c.step, target]);
    let g = groups.get(key);
    if (!g)
      groups.set(key, (g = { journey: c.journey, fromVersion: c.version, fromStep: c.step, ...target, count: 0 }));
    g.count += 1;
    if ('stay' in c.to && (g.workflowIds ??= []).length < 20) g.workflowIds.push(c.workflowId);
  }
  const sorted = [...groups.values()].sort(
    (a, b) =>
      a.journey.localeCompare(b.journey) || a.fromVersion - b.fromVersion || a.fromStep.localeCompare(b.fromStep),
  );
  return { moves: sorted.filter((g) => g.toStep !== undefined), stays: sorted.filter((g) => g.toStep === undefined) };
}

async function pool<T>(items: T[], concurrency: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]!);
  });
  await Promise.all(lanes);
}

export function formatMigrationText(r: MigrationReport): string {
  const lines: string[] = [];
  const names = r.journeys.map((j) => `${j.journey} v${j.version}`).join(', ');
  lines.push(`${r.mode === 'apply' ? 'Migrating' : 'Dry run: migrating'} running journeys to ${names}`);
  const moving = r.moves.reduce((n, g) => n + g.count, 0);
  const staying = r.stays.reduce((n, g) => n + g.count, 0);
  if (moving + staying === 0) {
    lines.push('', 'No running journey is on an older version.');
  }
  if (r.moves.length > 0) {
    lines.push('', `would move: ${moving}`);
    lines.push(
      ...table(
        [
          ['journey', 'from', 'step', '', 'to step', 'journeys'],
          ...r.moves.map((g) => [g.journey, `v${g.fromVersion}`, g.fromStep, '→', g.toStep!, String(g.count)]),
        ],
        '  ',
      ),
    );
  }
  if (r.stays.length > 0) {
    lines.push('', `would stay on their version: ${staying}`);
    for (const g of r.stays) {
      const more = g.count > (g.workflowIds?.length ?? 0) ? ', …' : '';
      lines.push(
        `  ${g.journey} v${g.fromVersion} at ${g.fromStep}: ${g.count} — ${g.reason} (${(g.workflowIds ?? []).join(', ')}${more})`,
      );
    }
  }
  if (r.mode === 'dry-run' && moving > 0) lines.push('', 'Nothing was changed: run again with --apply to migrate.');
  if (r.mode === 'apply') {
    lines.push('', `signalled ${r.signalled ?? 0} journeys (request ${r.journeys.map((j) => j.requestId).join(', ')})`);
    lines.push('They take the new version at their next wait; run the same command again to see what is left.');
    for (const f of r.failed ?? []) lines.push(`  failed: ${f.workflowId}: ${f.error}`);
  }
  return lines.join('\n') + '\n';
}

export async function migrate(argv: string[], io: Io, env: MigrateEnv = {}): Promise<number> {
  const { args, opts } = parseCommand<Options>('migrate', argv);
  if (args.length > 0) throw new UsageError('migrate takes no arguments (use --to VERSION and --journey NAME)');
  if (opts.dryRun && opts.apply) throw new UsageError('give --dry-run or --apply, not both');
  if (opts.to === undefined) throw new UsageError('--to VERSION is required');
  const to = Number(opts.to);
  if (!Number.isInteger(to) || to < 2) throw new UsageError(`--to must be a version number above 1 (got "${opts.to}")`);
  const concurrency = Number(opts.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new UsageError(`--concurrency must be a positive whole number (got "${opts.concurrency}")`);
  const apply = opts.apply === true;

  const result = loadProject(opts.dir ?? 'journeys', io);
  failOnErrors(result, new Set(result.diagnostics.map((d) => d.file)), io, 'the journeys directory');
  let plans: JourneyPlan[];
  if (opts.journey !== undefined) {
    const plan = result.plans.get(opts.journey);
    if (!plan)
      throw new UsageError(
        `no journey named "${opts.journey}" (journeys: ${[...result.plans.keys()].sort().join(', ')})`,
      );
    if (plan.version !== to)
      throw new CliError(
        `journey ${plan.journey} is v${plan.version} in ${opts.dir}, not v${to}: migrate to the version the repository has`,
        EXIT.invalid,
      );
    plans = [plan];
  } else {
    plans = [...result.plans.values()]
      .filter((p) => p.version === to)
      .sort((a, b) => a.journey.localeCompare(b.journey));
    if (plans.length === 0)
      throw new CliError(`no journey in ${opts.dir} is at version ${to} (give --journey NAME)`, EXIT.invalid);
  }

  const config = configFrom(env.vars);
  const { client, connection } = await connect(config);
  try {
    const candidates: MigrationCandidate[] = [];
    for (const plan of plans) candidates.push(...(await migrationCandidates(client, plan, env.queryTimeoutMs)));
    const report: MigrationReport = {
      mode: apply ? 'apply' : 'dry-run',
      journeys: plans.map((p) => ({
        journey: p.journey,
        version: p.version,
        contentHash: planRefOf(p).contentHash,
        requestId: migrationRequestId(p),
      })),
      ...groupCandidates(candidates),
    };
    if (apply) {
      const byJourney = new Map(plans.map((p) => [p.journey, p]));
      for (const plan of plans) await publishPlan(client, config.temporal.taskQueue, plan);
      const movers = candidates.filter((c) => 'step' in c.to);
      const failed: { workflowId: string; error: string }[] = [];
      let done = 0;
      let ended = 0;
      await pool(movers, concurrency, async (c) => {
        const plan = byJourney.get(c.journey)!;
        done += 1;
        const signal: MigrateSignal = { to: planRefOf(plan), requestId: migrationRequestId(plan) };
        try {
          await client.workflow.getHandle(c.workflowId).signal(migrateSignal, signal);
        } catch (e) {
          // Ended since it was listed: nothing to move.
          if (e instanceof WorkflowNotFoundError) ended += 1;
          else failed.push({ workflowId: c.workflowId, error: (e as Error).message });
        }
        if (io.progress) io.err(`\rsignalled ${done}/${movers.length}`);
      });
      if (io.progress && movers.length > 0) io.err('\n');
      report.signalled = movers.length - failed.length - ended;
      report.failed = failed;
    }
    io.out(opts.format === 'json' ? JSON.stringify(report, null, 2) + '\n' : formatMigrationText(report));
    return (report.failed?.length ?? 0) > 0 ? EXIT.unavailable : EXIT.ok;
  } finally {
    await connection.close();
  }
}
