/**
 * settle status DEBT_ID: where a debt is in its journeys, with the audit trail.
 * Describe gives what Temporal itself records (status, search attributes) and works without a
 * worker; the `state` query gives the journey's own view (step, sends, events, audit) but needs a
 * worker to answer, even for a closed journey (it replays the history). So the worker's presence
 * is checked first (pollers on the task queue) and the query runs under a deadline: without a
 * worker the command still answers at once, says so, and shows the outcome from the result.
 */
import { SA } from '../../temporal/search-attributes.js';
import { CliError, EXIT, UsageError, type Io } from '../io.js';
import { parseCommand } from '../spec.js';
import { checkDebtId, findJourneys, configFrom, connect } from '../temporal.js';
import { journeyNames } from '../project.js';
import { journeyStatus, type JourneyStatus, type StatusEnv } from './status-journey.js';
import { debtorStatus } from './status-debtor.js';
import { formatStatusText, table } from './status-format.js';

interface Options {
  journey?: string;
  step?: string;
  version?: string;
  debtor?: string;
  dir: string;
  format: 'text' | 'json';
}

export async function status(argv: string[], io: Io, env: StatusEnv): Promise<number> {
  const { args: positionals, opts: values } = parseCommand<Options>('status', argv);
  const format = values.format;
  if (values.debtor !== undefined) {
    if (positionals.length > 0) throw new UsageError('status takes a debt id or --debtor, not both');
    return debtorStatus(values.debtor, format, io, env);
  }
  if (positionals.length === 0 && values.journey !== undefined) return listRunning(values, io, env);
  if (values.step !== undefined || values.version !== undefined)
    throw new UsageError('--step and --version list running journeys: give --journey NAME and no debt id');
  if (positionals.length !== 1) throw new UsageError('status takes one debt id (or --debtor ID, or --journey NAME)');
  const debtId = positionals[0]!;
  checkDebtId(debtId);
  const names = journeyNames(io, values.journey, values.dir);
  const config = configFrom(env.vars);
  const { client, connection } = await connect(config);
  try {
    const found = await findJourneys(client, debtId, names, values.journey !== undefined);
    if (found.length === 0) {
      throw new CliError(
        `unknown debt: no journey of ${debtId} exists (looked for settle/${debtId}, and settle/${debtId}/<journey> for ${names.join(', ')})`,
        EXIT.invalid,
      );
    }
    const statuses: JourneyStatus[] = [];
    for (const j of found) statuses.push(await journeyStatus(client, j, debtId, env.queryTimeoutMs ?? 5_000));
    io.out(format === 'json' ? JSON.stringify(statuses, null, 2) + '\n' : formatStatusText(statuses));
    return EXIT.ok;
  } finally {
    await connection.close();
  }
}

/** At most this many journeys are listed (the count is exact). */
const LIST_MAX = 1_000;

/**
 * settle status --journey NAME [--step S] [--version V]: the running journeys of a journey, from
 * visibility (SettleJourney, SettleStep, SettleVersion): the same query as the Web UI's saved views.
 */
async function listRunning(values: Options, io: Io, env: StatusEnv): Promise<number> {
  const name = /^[a-z0-9][a-z0-9-]*$/;
  if (!name.test(values.journey!)) throw new UsageError(`--journey: not a journey name: "${values.journey}"`);
  if (values.step !== undefined && !name.test(values.step))
    throw new UsageError(`--step: not a step id: "${values.step}"`);
  const version = values.version === undefined ? undefined : Number(values.version);
  if (version !== undefined && (!Number.isInteger(version) || version < 1))
    throw new UsageError(`--version must be a version number (got "${values.version}")`);
  const query = [
    "WorkflowType = 'journeyWorkflow'",
    "ExecutionStatus = 'Running'",
    `SettleJourney = '${values.journey}'`,
    ...(values.step !== undefined ? [`SettleStep = '${values.step}'`] : []),
    ...(version !== undefined ? [`SettleVersion = ${version}`] : []),
  ].join(' AND ');
  const { client, connection } = await connect(configFrom(env.vars));
  try {
    const rows: { workflowId: string; version?: number; step?: string; startedAt: string }[] = [];
    let count = 0;
    for await (const wf of client.workflow.list({ query })) {
      count += 1;
      if (rows.length >= LIST_MAX) continue;
      const v = wf.typedSearchAttributes.get(SA.version);
      const step = wf.typedSearchAttributes.get(SA.step);
      rows.push({
        workflowId: wf.workflowId,
        ...(v !== undefined && { version: v }),
        ...(step !== undefined && { step }),
        startedAt: wf.startTime.toISOString(),
      });
    }
    rows.sort((a, b) => a.workflowId.localeCompare(b.workflowId));
    if (values.format === 'json') {
      io.out(JSON.stringify({ query, running: count, journeys: rows }, null, 2) + '\n');
      return EXIT.ok;
    }
    const lines = [`${count} running journey${count === 1 ? '' : 's'} (${query})`];
    lines.push(
      ...table(
        rows.map((r) => [r.workflowId, r.version !== undefined ? `v${r.version}` : '', r.step ?? '', r.startedAt]),
        '  ',
      ),
    );
    if (count > rows.length) lines.push(`  … and ${count - rows.length} more`);
    io.out(lines.join('\n') + '\n');
    return EXIT.ok;
  } finally {
    await connection.close();
  }
}
