/**
 * What the simulator tests share: the example portfolio's `settle simulate` run, scripted
 * behaviour models on one default, debts of the example records, and (for the equivalence tests)
 * a debt's journey on the time-skipping server fed the simulator's signals at the same journey times.
 */
import { join } from 'node:path';
import { tsToMs } from '@temporalio/common/lib/time.js';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { compilePaths } from '../../src/compiler/index.js';
import type { EnrollmentData, JourneyPlan } from '../../src/ir/index.js';
import type { PortfolioRow } from '../../src/project/record.js';
import { parseBehaviour, type Behaviour } from '../../src/simulate/behaviour.js';
import { simulatedContactKeys, type SimulatedDebt } from '../../src/simulate/run-debt.js';
import { simulatePortfolio } from '../../src/simulate/simulate.js';
import type { TimelineEntry } from '../../src/simulate/timeline.js';
import { engagementSignal, stateQuery } from '../../src/workflows/definitions.js';
import type { JourneyInput, JourneyStateView } from '../../src/workflows/types.js';
import type { JourneyRig } from '../support/journey-worker.js';
import { exampleRecord, ROOT } from '../support/journeys.js';
import { eventually } from '../support/wait.js';

/** `settle simulate` over the example portfolio: 60 days from Monday 23 November 2026, 09:00 UTC. */
export const EXAMPLE_RUN = [
  'simulate',
  '--portfolio',
  'examples/portfolio.csv',
  '--start',
  '2026-11-23T09:00:00Z',
  '--days',
  '60',
];

/**
 * A scripted behaviour model: every email delivered after 17 s and opened 5 h 13 min later, never
 * clicked; every SMS delivered after 7 s, never clicked; then `rules` (YAML list lines indented by
 * two) and more of `spec` (lines indented by two). Odd delays, so that no answer lands on the very
 * millisecond a timer fires.
 */
export function scriptedBehaviour(name: string, rules: string, spec = ''): Behaviour {
  return parseBehaviour(
    `apiVersion: settle/v1
kind: Behaviour
metadata: { name: ${name} }
spec:
${spec}  default:
    email:
      delivered: { p: 1, after: 17s }
      opened: { p: 1, after: 313m }
      clicked: { p: 0 }
    sms:
      delivered: { p: 1, after: 7s }
      clicked: { p: 0 }
  rules:
${rules}`,
    `${name}.behaviour.yaml`,
  );
}

/** Anna Rossi's record as debtor `debtorId`'s debt `debtId`, `daysPastDue` days overdue at `start`. */
export function debtOf(debtId: string, debtorId: string, daysPastDue: number, start: number): EnrollmentData {
  const base = exampleRecord('anna-rossi');
  return {
    ...base,
    debtId,
    debtor: { ...base.debtor, id: debtorId, consent: { email: true, sms: true } },
    debt: {
      ...base.debt,
      reference: debtId,
      dueDate: new Date(start - daysPastDue * 86_400_000).toISOString().slice(0, 10),
    },
  };
}

/** A timeline entry as compared: what happened, where, and its instant truncated to the second. */
export function line(e: TimelineEntry): string {
  const at = new Date(Math.floor(Date.parse(e.at) / 1000) * 1000).toISOString().replace('.000Z', 'Z');
  return [at, e.type, e.step, e.channel, e.reason].filter((x) => x !== undefined).join(' ');
}

/** Server time of the workflow's first task: the real instant its journey clock is pinned to (state.clock.real). */
async function clockReal(env: TestWorkflowEnvironment, workflowId: string): Promise<number> {
  return eventually(async () => {
    const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
    const started = history.events?.find((e) => e.workflowTaskStartedEventAttributes);
    if (!started) throw new Error(`${workflowId}: no workflow task yet`);
    return tsToMs(started.eventTime);
  });
}

/**
 * The debt's journey on Temporal under the simulator's workflow id (message ids and the signals
 * about them name it), with the simulator's engagement signals at the same journey times. A debt
 * handed over starts in the first journey of its path (the workflow moves it on itself); the state
 * is that of the run that ends the debt's life.
 */
export async function runOnTemporal(
  t: { env: TestWorkflowEnvironment; rig: JourneyRig },
  plans: Map<string, JourneyPlan>,
  start: number,
  d: SimulatedDebt,
  record: EnrollmentData,
): Promise<JourneyStateView> {
  const first = d.state.path?.[0];
  const plan = plans.get(first?.journey ?? d.journey)!;
  const segment = first ? first.segment : d.segment;
  const workflowId = `settle/${record.debtId}/${plan.journey}`;
  const input: JourneyInput = {
    plan,
    enrollment: record,
    // The simulator's contact keys: a hard-bounced address is refused in both the same way.
    options: {
      debtorKey: record.debtor.id,
      contactKeys: simulatedContactKeys(record),
      enrolledAt: start,
      ...(segment !== undefined && { segment }),
    },
  };
  const handle = await t.env.client.workflow.start('journeyWorkflow', {
    workflowId,
    taskQueue: t.rig.taskQueue,
    args: [input],
  });
  const real = await clockReal(t.env, workflowId);
  for (const s of d.signals) {
    const wait = real + (s.at - start) - (await t.env.currentTimeMs());
    if (wait > 0) await t.env.sleep(wait);
    await handle.signal(engagementSignal, s.signal);
  }
  await t.env.client.workflow.getHandle(workflowId).result();
  return t.env.client.workflow.getHandle(workflowId).query(stateQuery);
}

/** Simulates the example journeys over 30 days for `records` together (one clock, one contact ledger per debtor). */
export async function simulateTogether(records: EnrollmentData[], behaviour: Behaviour, startMs: number) {
  const compiled = compilePaths([join(ROOT, 'journeys')]);
  async function* rows(): AsyncGenerator<PortfolioRow> {
    for (const [i, record] of records.entries()) yield { line: i + 2, record };
  }
  const { debts } = await simulatePortfolio({
    plans: compiled.plans,
    project: compiled.project,
    rows: rows(),
    startMs,
    days: 30,
    seed: 1,
    behaviour,
  });
  return debts;
}
