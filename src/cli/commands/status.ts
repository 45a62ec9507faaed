/**
 * settle status DEBT_ID: where a debt is in its journeys, with the audit trail.
 * Describe gives what Temporal itself records (status, search attributes) and works without a
 * worker; the `state` query gives the journey's own view (step, sends, events, audit) but needs a
 * worker to answer, even for a closed journey (it replays the history). So the worker's presence
 * is checked first (pollers on the task queue) and the query runs under a deadline: without a
 * worker the command still answers at once, says so, and shows the outcome from the result.
 */
import type { Client } from '@temporalio/client';
import { startInputVersion } from '../../temporal/plan-store.js';
import { SA } from '../../temporal/search-attributes.js';
import { ledgerQuery, ledgerWorkflowId } from '../../workflows/definitions.js';
import { queryJourneyState } from '../../temporal/query-state.js';
import type { JourneyResult, JourneyStateView, LedgerView } from '../../workflows/types.js';
import { CliError, EXIT, UsageError, type Io } from '../io.js';
import { parseCommand } from '../spec.js';
import { findJourneys, configFrom, connect, type FoundJourney } from '../temporal.js';
import { checkDebtId, journeyNames } from './event.js';
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

export interface StatusEnv {
  vars?: Record<string, string | undefined>;
  /** How long the state query may take (default 5 s). */
  queryTimeoutMs?: number;
}

export interface JourneyStatus {
  workflowId: string;
  journey: string;
  version?: number;
  /** running, completed, failed, terminated, canceled, timed_out, continued_as_new. */
  status: string;
  startedAt: string;
  closedAt?: string;
  taskQueue: string;
  /** SettleStep: where the journey last started waiting (known without a worker). */
  waitingAt?: string;
  /** The journey's own view (state query), when a worker answered. */
  view?: JourneyStateView;
  /** The result of a completed journey (read from history, no worker needed). */
  result?: JourneyResult;
  /** Why the view is missing. */
  noView?: string;
  /** The debtor's contact ledger (shared by all their journeys): this debt's contacts, the opt-outs and bounces. */
  ledger?: { contacts: LedgerView['contacts']; optedOut: LedgerView['optedOut']; bounced?: LedgerView['bounced'] };
}

// Numeric proto enums (@temporalio/proto is not a direct dependency): NORMAL kind, WORKFLOW type.
const TASK_QUEUE_KIND_NORMAL = 1;
const TASK_QUEUE_TYPE_WORKFLOW = 1;

/** False only when Temporal says no worker polls the queue (when unsure, the query decides). */
async function workerPolling(client: Client, taskQueue: string): Promise<boolean> {
  try {
    const res = await client.workflowService.describeTaskQueue({
      namespace: client.options.namespace,
      taskQueue: { name: taskQueue, kind: TASK_QUEUE_KIND_NORMAL },
      taskQueueType: TASK_QUEUE_TYPE_WORKFLOW,
    });
    return (res.pollers ?? []).length > 0;
  } catch {
    return true;
  }
}

export async function journeyStatus(
  client: Client,
  j: FoundJourney,
  debtId: string,
  queryTimeoutMs: number,
): Promise<JourneyStatus> {
  const d = j.description;
  const handle = client.workflow.getHandle(j.workflowId);
  // A journey enrolled by reference has its search attributes once a worker ran its first task.
  const version = d.typedSearchAttributes.get(SA.version) ?? (await startInputVersion(client, j.workflowId));
  const waitingAt = d.typedSearchAttributes.get(SA.step);
  const out: JourneyStatus = {
    workflowId: j.workflowId,
    journey: j.journey,
    ...(version !== undefined && { version }),
    status: (d.status.name ?? 'UNKNOWN').toLowerCase(),
    startedAt: d.startTime.toISOString(),
    ...(d.closeTime && { closedAt: d.closeTime.toISOString() }),
    taskQueue: d.taskQueue,
    ...(waitingAt !== undefined && { waitingAt }),
  };
  if (d.status.name === 'COMPLETED') out.result = (await handle.result()) as JourneyResult;
  if (!(await workerPolling(client, d.taskQueue))) {
    out.noView = `no worker is polling task queue ${d.taskQueue}: start one (settle worker) to see sends, events and the audit trail`;
    return out;
  }
  try {
    out.view = await queryJourneyState(client, j.workflowId, queryTimeoutMs);
  } catch (e) {
    out.noView = `the worker did not answer the state query (${(e as Error).message}): is it running?`;
  }
  const debtorKey = d.typedSearchAttributes.get(SA.debtor);
  if (debtorKey !== undefined) {
    try {
      const ledger = client.workflow.getHandle(ledgerWorkflowId(debtorKey));
      const view = await client.withDeadline(Date.now() + queryTimeoutMs, () => ledger.query(ledgerQuery));
      out.ledger = {
        contacts: view.contacts.filter((c) => c.debtId === debtId),
        optedOut: view.optedOut,
        ...(view.bounced !== undefined && view.bounced.length > 0 && { bounced: view.bounced }),
      };
    } catch {
      // No ledger yet (nothing sent) or no worker: the journey's own audit trail still tells the story.
    }
  }
  return out;
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
