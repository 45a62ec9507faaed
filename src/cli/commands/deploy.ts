/**
 * settle deploy [--base REF] [--dir journeys] [--format md|json] [--require-temporal]: the checks
 * before journey versions go out, as Markdown for the pull request (or JSON for tooling):
 * 1. the journeys compile (exit 1 otherwise);
 * 2. with --base, every journey whose plan changed since REF has a higher version (exit 1 otherwise);
 * 3. when Temporal answers (TEMPORAL_* variables), how many journeys run on each version and which
 *    steps they wait in, with the steps the new version no longer has — running journeys keep
 *    their version, so those are the ones a reviewer needs to think about. An unreachable
 *    Temporal is a note, or exit 3 with --require-temporal;
 * 4. when the checks pass and Temporal answers, the routing table (segments and the plan of each
 *    journey) is published for hand-overs between journeys (src/temporal/routing-store.ts).
 */
import { existsSync } from 'node:fs';
import type { Client } from '@temporalio/client';
import { compileSources, readSources, type CompileResult } from '../../compiler/index.js';
import { ConfigError } from '../../config/env.js';
import { loadConfigFor } from '../../config/roles.js';
import type { JourneyPlan } from '../../ir/index.js';
import { diffPlans, versionErrorLine, type PlanDiff } from '../../views/index.js';
import { routingTableOf } from '../../routing/table.js';
import { connectClient, TemporalUnavailableError } from '../../temporal/connection.js';
import { publishRoutingTable } from '../../temporal/routing-store.js';
import { migrationTarget } from '../../workflows/migration.js';
import { sourcesAtRevision } from '../git.js';
import { CliError, EXIT, resolvePath, type Io } from '../io.js';
import { parseCommand } from '../spec.js';
import { countRunningJourneys, type RunningVersion } from './deploy-running.js';
import { formatDeployMarkdown, type DeployReport } from './deploy-format.js';

function compileErrors(result: CompileResult): string[] {
  return result.diagnostics
    .filter((d) => d.severity === 'error')
    .map((d) => `${d.file}:${d.line}:${d.column} ${d.code} ${d.message}${d.hint ? ` — ${d.hint}` : ''}`);
}

type Publish = (client: Client, taskQueue: string) => Promise<NonNullable<DeployReport['temporal']['routing']>>;

async function running(vars: Record<string, string | undefined>, publish?: Publish): Promise<DeployReport['temporal']> {
  let config;
  try {
    config = loadConfigFor('client', vars);
  } catch (e) {
    if (e instanceof ConfigError) throw new CliError(e.message, EXIT.usage);
    throw e;
  }
  const where = { address: config.temporal.address, namespace: config.temporal.namespace };
  let temporal;
  try {
    temporal = await connectClient(config.temporal);
  } catch (e) {
    if (e instanceof TemporalUnavailableError) return { ...where, reachable: false, error: e.message };
    throw e;
  }
  try {
    const routing = publish ? await publish(temporal.client, config.temporal.taskQueue) : undefined;
    return {
      ...where,
      reachable: true,
      versions: await countRunningJourneys(temporal.client),
      ...(routing && { routing }),
    };
  } catch (e) {
    return { ...where, reachable: false, error: `listing running journeys failed: ${(e as Error).message}` };
  } finally {
    await temporal.connection.close();
  }
}

/** Running versions joined with the plans about to be deployed. */
function impact(versions: RunningVersion[], plans: Map<string, JourneyPlan>): DeployReport['running'] {
  return versions.map((v) => {
    const plan = plans.get(v.journey);
    const ids = new Set(plan?.steps.map((s) => s.id) ?? []);
    // What `settle migrate --to <repository version>` would do with them (the workflow's own rule).
    const migration =
      plan && plan.version > v.version
        ? v.steps
            .filter((s) => !s.step.startsWith('('))
            .map((s) => {
              const to = migrationTarget(plan, v.journey, v.version, s.step);
              return { step: s.step, count: s.count, ...('step' in to ? { to: to.step } : { stay: to.stay }) };
            })
        : undefined;
    return {
      ...v,
      current: plan?.version ?? null,
      stepsGone: plan ? v.steps.filter((s) => !s.step.startsWith('(') && !ids.has(s.step)).map((s) => s.step) : [],
      ...(migration && migration.length > 0 && { migration }),
    };
  });
}

export async function deploy(argv: string[], io: Io, vars: Record<string, string | undefined> = {}): Promise<number> {
  const { opts: values } = parseCommand<{
    base?: string;
    dir: string;
    format: 'md' | 'json';
    requireTemporal?: boolean;
  }>('deploy', argv);
  const format = values.format;
  const dir = values.dir ?? 'journeys';
  if (!existsSync(resolvePath(io, dir))) throw new CliError(`${dir}: no such directory (use --dir)`, EXIT.usage);
  const after = compileSources(readSources([resolvePath(io, dir)], io.cwd));
  const errors = compileErrors(after);
  let diff: PlanDiff | undefined;
  if (values.base !== undefined)
    diff = diffPlans(compileSources(sourcesAtRevision(values.base, dir, io.cwd)).plans, after.plans);
  // The segments hand-overs route with go out only with journeys that passed the checks.
  const passed = errors.length === 0 && (diff?.versionErrors.length ?? 0) === 0;
  const publish: Publish = async (client, taskQueue) => {
    const table = routingTableOf(after.project, after.plans);
    try {
      const { status } = await publishRoutingTable(client, taskQueue, table, after.plans.values());
      return { status, segments: table.segments.length, taskQueue };
    } catch (e) {
      return { error: (e as Error).message };
    }
  };
  const temporal = await running(vars, passed ? publish : undefined);
  const report: DeployReport = {
    dir,
    journeys: [...after.plans.values()]
      .map((p) => ({ journey: p.journey, version: p.version }))
      .sort((a, b) => a.journey.localeCompare(b.journey)),
    compileErrors: errors,
    ...(values.base !== undefined && { base: values.base }),
    ...(diff && {
      versions: {
        changed: diff.changed
          .filter((c) => c.planChanged)
          .map((c) => ({ journey: c.journey, before: c.before.version, after: c.after.version })),
        added: diff.added.map((a) => ({ journey: a.journey, version: a.version })),
        removed: diff.removed.map((r) => ({ journey: r.journey, version: r.version })),
        errors: diff.versionErrors.map(versionErrorLine),
      },
    }),
    temporal,
    running: temporal.reachable ? impact(temporal.versions ?? [], after.plans) : [],
  };
  io.out(format === 'json' ? JSON.stringify(report, null, 2) + '\n' : formatDeployMarkdown(report));
  if (errors.length > 0 || (report.versions?.errors.length ?? 0) > 0) return EXIT.invalid;
  if (!temporal.reachable && values.requireTemporal) return EXIT.unavailable;
  return EXIT.ok;
}
