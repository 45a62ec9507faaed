/**
 * Simulator vs time-skipping server for a debt's whole life (the structure of equivalence.test.ts,
 * on a portfolio of its own): the example journeys with their interrupt rules, part payments, a
 * payment plan whose second instalment is missed, and a pre-due debt handed over to the overdue
 * journey. Each debt runs through the simulator (runDebt with the segments' routing, as `settle
 * simulate` runs every debt) with a scripted behaviour model, then on the real Temporal test server
 * with the real activities, receiving the engagement signals the simulator delivered (their
 * amounts and plan choices included) at the same journey-time offsets. Both sides must give the
 * same event timeline per debt (instants to the second, give or take the few seconds activities
 * and a hand-over take on Temporal), the same money and the same path.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compilePaths } from '../../src/compiler/index.js';
import { createRouter } from '../../src/routing/route.js';
import { routingTableOf } from '../../src/routing/table.js';
import type { EnrollmentData } from '../../src/ir/index.js';
import { simulatedRouting } from '../../src/simulate/hand-over.js';
import { runDebt, simulatedContactKeys, type SimulatedDebt } from '../../src/simulate/run-debt.js';
import { timeline, type TimelineEntry } from '../../src/simulate/timeline.js';
import { publishRoutingTable } from '../../src/temporal/routing-store.js';
import { stateQuery } from '../../src/workflows/definitions.js';
import type { JourneyInput, JourneyStateView } from '../../src/workflows/types.js';
import { useTimeSkippingRig } from '../support/journey-worker.js';
import { exampleRecord, ROOT } from '../support/journeys.js';
import { quietTemporalRuntime } from '../support/temporal.js';
import { eventually } from '../support/wait.js';
import { line, runOnTemporal as runDebtOnTemporal, scriptedBehaviour } from './support.js';

quietTemporalRuntime();

/** Monday 23 November 2026, 08:30 in Paris. */
const START = Date.parse('2026-11-23T07:30:00Z');
const DAY = 86_400_000;

/**
 * Scripted debtors (odd delays, so that no answer lands on the very millisecond a timer fires):
 * - early-overdue: opens every email 5 h 13 min after delivery and replies 26 h 7 min after it
 *   (during the wait after the open: the reply interrupt takes the debt to a person);
 * - good-payers: click the first email, visit and pay half of what is owed (below the plans'
 *   minimum amount in soft-collection: a part payment, no plan);
 * - late-stage: click the formal reminder, visit and take the shortest plan (its first
 *   instalment); the plan's reminder goes unanswered: the second instalment is missed and the
 *   plan breaks after the grace period.
 */
const BEHAVIOUR = scriptedBehaviour(
  'scripted-life',
  `    - match: { segment: early-overdue }
      email: { replied: { p: 1, after: 1567m } }
    - match: { segment: good-payers, step: first-email }
      email: { clicked: { p: 1, after: 3m }, visited: { p: 1, after: 11s }, partiallyPaid: { p: 1, after: 47m } }
    - match: { journey: late-stage, step: formal-reminder }
      email: { clicked: { p: 1, after: 5m }, visited: { p: 1, after: 13s }, partiallyPaid: { p: 1, after: 29m } }
`,
  '  partialShare: 0.5\n',
);

function debt(
  base: EnrollmentData,
  debtId: string,
  debtChanges: Partial<EnrollmentData['debt']>,
  attributes: Record<string, string | number | boolean> = {},
): EnrollmentData {
  return {
    ...base,
    debtId,
    debtor: { ...base.debtor, id: `D-${debtId}`, email: `${debtId.toLowerCase()}@example.com` },
    debt: { ...base.debt, reference: debtId, ...debtChanges },
    attributes: { ...base.attributes, ...attributes },
  };
}

const anna = exampleRecord('anna-rossi');
const PORTFOLIO: EnrollmentData[] = [
  // Replies to a person from a wait.
  debt(anna, 'LQ-REPLY', { dueDate: '2026-11-13' }, { paymentHistory: 'late' }),
  // Pays half, then half of the rest: later messages ask less each time.
  debt(anna, 'LQ-PART', { dueDate: '2026-11-13', amountDue: 80 }, { paymentHistory: 'good' }),
  // 50 days past due: late-stage, a plan of two, the second instalment missed.
  debt(exampleRecord('jan-devries'), 'LQ-PLAN', { dueDate: '2026-10-04' }),
  // Pre-due, never pays on time: handed over to the overdue journey after its due date, then on.
  debt(exampleRecord('mary-smith'), 'LQ-PRE', {}),
];

const compiled = compilePaths([join(ROOT, 'journeys')]);
const router = createRouter(compiled.project, compiled.plans);

/**
 * Temporal's instants are the simulator's plus the time activities took, which only ever adds: a
 * few ms per step, up to a second or two where a hand-over reads the routing table, loads the next
 * plan and continues as new. Entries whose Temporal instant is 0–5 s after the simulator's are
 * shown with the simulator's instant, so the comparison names every other difference.
 */
function alignedLines(onTemporal: TimelineEntry[], simulated: TimelineEntry[]): string[] {
  return onTemporal.map((e, i) => {
    const s = simulated[i];
    const drift = s !== undefined ? Date.parse(e.at) - Date.parse(s.at) : NaN;
    const same =
      s !== undefined && [e.type, e.step, e.channel, e.reason].join() === [s.type, s.step, s.channel, s.reason].join();
    return line(same && drift >= 0 && drift < 5_000 ? { ...e, at: s.at } : e);
  });
}

/** A debt's path on Temporal, its instants within 0–5 s after the simulator's shown as the simulator's. */
function alignedLegs(onTemporal: JourneyStateView['path'], simulated: JourneyStateView['path']) {
  const near = (ms: number, to: number | undefined) => (to !== undefined && ms >= to && ms - to < 5_000 ? to : ms);
  return (onTemporal ?? []).map((l, i) => ({
    ...l,
    startedAt: near(l.startedAt, simulated?.[i]?.startedAt),
    endedAt: near(l.endedAt, simulated?.[i]?.endedAt),
  }));
}

const t = useTimeSkippingRig();

async function simulate(record: EnrollmentData): Promise<SimulatedDebt> {
  const route = router.route(record, START);
  if ('unmatched' in route) throw new Error(`${record.debtId}: no segment`);
  return runDebt({
    plan: compiled.plans.get(route.journey)!,
    record,
    ...(route.segment !== undefined && { segment: route.segment }),
    startMs: START,
    horizonMs: START + 150 * DAY,
    behaviour: BEHAVIOUR,
    seed: 11,
    routing: simulatedRouting(router, compiled.plans),
  });
}

const runOnTemporal = (d: SimulatedDebt, record: EnrollmentData) =>
  runDebtOnTemporal(t, compiled.plans, START, d, record);

/**
 * The first message of a fresh worker takes more than a second (the debtor ledger's first
 * workflow, the first SMTP connection, the templates' first render), which journey time counts:
 * a throw-away journey of another debtor sends one first.
 */
async function warmUp(): Promise<void> {
  const record = debt(anna, 'LQ-WARM-UP', { dueDate: '2026-11-13' }, { paymentHistory: 'late' });
  const input: JourneyInput = {
    plan: compiled.plans.get('soft-collection')!,
    enrollment: record,
    options: { debtorKey: record.debtor.id, contactKeys: simulatedContactKeys(record), enrolledAt: START },
  };
  const handle = await t.env.client.workflow.start('journeyWorkflow', {
    workflowId: `settle/${record.debtId}`,
    taskQueue: t.rig.taskQueue,
    args: [input],
  });
  await eventually(async () => expect((await handle.query(stateQuery)).sends.length).toBeGreaterThan(0));
  await handle.terminate('warm-up over');
}

describe('a debt’s whole life: simulate vs the time-skipping server', () => {
  it('interrupts, part payments, a broken plan and a hand-over give the same timeline, money and path', async () => {
    await publishRoutingTable(
      t.env.client,
      t.rig.taskQueue,
      routingTableOf(compiled.project, compiled.plans),
      compiled.plans.values(),
    );
    const simulated = new Map<string, SimulatedDebt>();
    for (const record of PORTFOLIO) simulated.set(record.debtId, await simulate(record));
    const sim = (id: string) => simulated.get(id)!;

    // The portfolio covers what it claims, on the simulator's side.
    expect([...simulated.values()].map((d) => d.outcome)).not.toContain('running');
    expect(sim('LQ-REPLY').state.audit.some((a) => /^interrupt: replied during /.test(a.message))).toBe(true);
    const partPayments = sim('LQ-PART').signals.filter((s) => s.signal.type === 'partiallyPaid');
    expect(partPayments.map((s) => s.signal.data?.amount).slice(0, 2)).toEqual([40, 20]);
    expect(sim('LQ-PLAN').state.plan).toMatchObject({ count: 2 });
    expect(sim('LQ-PLAN').state.plan?.brokenAt).toBeDefined();
    // Pre-due → overdue (where it pays half) → late-stage a month past due: two hand-overs.
    expect(sim('LQ-PRE').state.path?.map((l) => l.journey)).toEqual(['pre-due-reminder', 'soft-collection']);
    expect(sim('LQ-PART').state.path?.map((l) => l.journey)).toEqual(['soft-collection']);

    await warmUp();
    for (const record of PORTFOLIO) {
      const d = sim(record.debtId);
      const view = await runOnTemporal(d, record);
      const endedAt = view.audit.filter((a) => a.kind === 'exit').at(-1)?.at;
      const onTemporal = timeline({ ...view, ...(endedAt !== undefined && { endedAt }) });
      expect({ debt: d.debtId, outcome: view.outcome, events: alignedLines(onTemporal, d.events) }).toEqual({
        debt: d.debtId,
        outcome: d.outcome,
        events: d.events.map(line),
      });
      expect({ debt: d.debtId, due: view.debt.amountDue, paid: view.amountPaid }).toEqual({
        debt: d.debtId,
        due: d.state.money?.due,
        paid: d.state.money?.paid,
      });
      expect({ debt: d.debtId, plan: view.plan?.broken, count: view.plan?.count }).toEqual({
        debt: d.debtId,
        plan: d.state.plan?.brokenAt !== undefined ? true : undefined,
        count: d.state.plan?.count,
      });
      expect({ debt: d.debtId, path: alignedLegs(view.path, d.state.path) }).toEqual({
        debt: d.debtId,
        path: d.state.path ?? [],
      });
    }
  }, 600_000);
});
