/**
 * Simulator vs time-skipping server (issue 8, "semantics identical to production"): one small
 * portfolio — the example journeys, debtors in Paris, Los Angeles, New York, Tokyo, Amsterdam and
 * Chicago (some enrolled outside their window), the soft-collection A/B split — runs through
 * `settle simulate` with a scripted behaviour model (probabilities 0 or 1, fixed delays) and
 * through the real Temporal test server with real SMTP and the SMS sink, each debt receiving the
 * engagement signals the simulator scheduled at the same journey-time offsets. Both sides must give
 * the same event timeline per debt (send, deferred, blocked, webhook, event, exit), instants
 * to the second: on Temporal, journey time drifts by the milliseconds activities take. Signals are
 * timed from the workflow's own clock pin (its first task), so they never arrive early.
 */
import type { JourneyLeg } from '../../src/workflows/types.js';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emailMessageId } from '../../src/activities/message.js';
import { compilePaths } from '../../src/compiler/index.js';
import type { PortfolioRow } from '../../src/project/record.js';
import { routingTableOf } from '../../src/routing/table.js';
import type { EnrollmentData } from '../../src/ir/index.js';
import { type SimulatedDebt } from '../../src/simulate/run-debt.js';
import { simulatePortfolio } from '../../src/simulate/simulate.js';
import { timeline } from '../../src/simulate/timeline.js';
import { publishRoutingTable } from '../../src/temporal/routing-store.js';
import { useTimeSkippingRig } from '../support/journey-worker.js';
import { exampleRecord, ROOT } from '../support/journeys.js';
import { quietTemporalRuntime } from '../support/temporal.js';
import { line, runOnTemporal as runDebtOnTemporal, scriptedBehaviour } from './support.js';

quietTemporalRuntime();

/** Monday 23 November 2026, 08:30 in Paris (Sunday 23:30 in Los Angeles, 16:30 in Tokyo). */
const START = Date.parse('2026-11-23T07:30:00Z');

/**
 * Scripted debtors: every email is delivered after 17 s and opened 5 h 13 min later, never clicked;
 * every SMS is delivered after 7 s, never clicked. Good payers click, visit and pay; late-stage
 * emails bounce; the social-proof variant gets clicks and visits. Odd delays so that no answer
 * lands on the very millisecond a timer fires (the order of two things at one instant is the
 * server's choice).
 */
const BEHAVIOUR = scriptedBehaviour(
  'scripted',
  `    - match: { segment: good-payers }
      email: { clicked: { p: 1, after: 3m }, visited: { p: 1, after: 11s }, paid: { p: 1, after: 47m } }
    - match: { journey: late-stage }
      email: { delivered: { p: 0, after: 23s } }
    - match: { variant: social-proof }
      email: { clicked: { p: 1, after: 9m }, visited: { p: 1, after: 13s } }
`,
);

function debt(
  base: EnrollmentData,
  debtId: string,
  debtor: Partial<EnrollmentData['debtor']>,
  debtChanges: Partial<EnrollmentData['debt']> = {},
  attributes: Record<string, string | number | boolean> = {},
): EnrollmentData {
  return {
    ...base,
    debtId,
    // A debtor per debt: each journey has its own contact ledger on both sides.
    debtor: { ...base.debtor, id: `D-${debtId}`, email: `${debtId.toLowerCase()}@example.com`, ...debtor },
    debt: { ...base.debt, reference: debtId, ...debtChanges },
    attributes: { ...base.attributes, ...attributes },
  };
}

const anna = exampleRecord('anna-rossi');
const overdue = { dueDate: '2026-11-13' };
const PORTFOLIO: EnrollmentData[] = [
  debt(anna, 'EQ-PARIS', {}, overdue, { paymentHistory: 'late' }),
  debt(anna, 'EQ-LA', { timezone: 'America/Los_Angeles' }, overdue, { paymentHistory: 'late' }),
  debt(anna, 'EQ-NYC', { timezone: 'America/New_York' }, { ...overdue, amountDue: 1520 }, { paymentHistory: 'late' }),
  debt(anna, 'EQ-TOKYO', { timezone: 'Asia/Tokyo' }, overdue, { paymentHistory: 'late' }),
  debt(anna, 'EQ-GOOD', {}, overdue),
  debt(exampleRecord('jan-devries'), 'EQ-LATE', {}),
  debt(exampleRecord('mary-smith'), 'EQ-PRE', {}),
];

const compiled = compilePaths([join(ROOT, 'journeys')]);

async function* rows(): AsyncGenerator<PortfolioRow> {
  for (const [i, record] of PORTFOLIO.entries()) yield { line: i + 2, record };
}

// A timeline entry is compared by line(): the instant truncated to the second. The simulator's
// instants are whole seconds (start, delays, windows); Temporal's are the same plus the
// milliseconds activities took (waits count from the end of the previous step), which only ever add.

const t = useTimeSkippingRig();

const runOnTemporal = (d: SimulatedDebt, record: EnrollmentData) =>
  runDebtOnTemporal(t, compiled.plans, START, d, record);

describe('simulate vs the time-skipping server', () => {
  it('the same portfolio and scripted responses give the same timeline per debt', async () => {
    const simulated: SimulatedDebt[] = [];
    const report = await simulatePortfolio({
      plans: compiled.plans,
      project: compiled.project,
      rows: rows(),
      startMs: START,
      days: 60,
      seed: 7,
      behaviour: BEHAVIOUR,
      onDebt: (d) => void simulated.push(d),
    });
    expect(report.summary.debts).toBe(PORTFOLIO.length);
    // The portfolio covers what it claims: every journey ended, both variants, deferrals, blocks, webhooks.
    expect(simulated.map((d) => d.outcome)).not.toContain('running');
    // Both variants were sent (a debt handed over keeps its sends, not the variant of its earlier journey).
    const variantSteps = new Set(simulated.flatMap((d) => d.state.sends.map((s) => s.step)));
    expect(variantSteps).toContain('email-loss-aversion');
    expect(variantSteps).toContain('email-social-proof');
    // Some debts went on to another journey: the Temporal side routes them with the same table.
    expect(simulated.some((d) => (d.state.path ?? []).length > 0)).toBe(true);
    await publishRoutingTable(
      t.env.client,
      t.rig.taskQueue,
      routingTableOf(compiled.project, compiled.plans),
      compiled.plans.values(),
    );
    const types = new Set(simulated.flatMap((d) => d.events.map((e) => e.type)));
    expect([...types].sort()).toEqual(['blocked', 'deferred', 'event', 'exit', 'send', 'webhook']);

    for (const d of simulated) {
      const record = PORTFOLIO.find((r) => r.debtId === d.debtId)!;
      const view = await runOnTemporal(d, record);
      const endedAt = view.audit.filter((a) => a.kind === 'exit').at(-1)?.at;
      const onTemporal = timeline({ ...view, ...(endedAt !== undefined && { endedAt }) });
      expect({ debt: d.debtId, outcome: view.outcome, events: onTemporal.map(line) }).toEqual({
        debt: d.debtId,
        outcome: d.outcome,
        events: d.events.map(line),
      });
      expect(Object.values(view.variants).at(-1)).toBe(d.variant);
      // To the second, like the timelines: activities take real time on Temporal, none in the simulator.
      const legs = (path: JourneyLeg[] | undefined) =>
        (path ?? []).map((l) => ({
          ...l,
          startedAt: Math.floor(l.startedAt / 1000),
          endedAt: Math.floor(l.endedAt / 1000),
        }));
      expect({ debt: d.debtId, path: legs(view.path) }).toEqual({ debt: d.debtId, path: legs(d.state.path) });
      // What the timeline calls sent really went out: through SMTP and the SMS sink.
      const workflowId = `settle/${d.debtId}/${d.state.path?.[0]?.journey ?? d.journey}`;
      const sent = view.sends.filter((s) => s.status === 'sent');
      const mails = new Set(t.rig.smtp.messages().map((m) => m.messageId));
      for (const s of sent.filter((x) => x.channel === 'email'))
        expect(mails.has(emailMessageId(`${workflowId}/${s.step}/1`))).toBe(true);
      expect(
        t.rig.sms
          .messages()
          .filter((m) => m.key.startsWith(`${workflowId}/`))
          .map((m) => m.key.split('/').at(-2)),
      ).toEqual(sent.filter((x) => x.channel === 'sms').map((x) => x.step));
    }
  }, 600_000);
});
