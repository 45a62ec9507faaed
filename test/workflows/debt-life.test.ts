/**
 * A debt's whole life on the fake runtime (the interpreter the simulator also runs): exit and
 * interrupt rules from any step, payments that lower what is owed, a tracked payment plan.
 * The same paths on the time-skipping server: debt-life-temporal.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { instalmentScheduleMinorUnits } from '../../src/core/money.js';
import type { SendInput } from '../../src/workflows/contract.js';
import { exampleRecord } from '../support/journeys.js';
import { DAY, HOUR, runPlan } from './harness.js';
import { agent, dunning } from './life-journeys.js';
import { journeyPlan } from '../support/journey-yaml.js';

const anna = exampleRecord('anna-rossi');
const debt = (amountDue: number) => ({ ...anna, debt: { ...anna.debt, amountDue } });

const journey = (spec: string, steps: string) => journeyPlan({ name: 'life', spec, steps });

/** What each email said the debt was (the amount the template read), in order. */
function amountsSent(calls: { name: string; input: unknown }[]): number[] {
  return calls.filter((c) => c.name === 'sendEmail').map((c) => (c.input as SendInput).values.debt.amountDue as number);
}

const DUNNING = dunning((step) => `http://127.0.0.1:9/${step}`);
const AGENT = agent((step) => `http://127.0.0.1:9/${step}`);

describe('exit and interrupt rules (fake runtime)', () => {
  it('a reply during a plain wait goes to the agent at once: no further dunning', async () => {
    const plan = journey('  interrupts: { replied: agent }', DUNNING + AGENT);
    const { result, sends, calls, state } = await runPlan(plan, debt(200), {
      events: [{ after: 3 * DAY, type: 'replied' }],
    });
    expect(result.outcome).toBe('handedToAgent');
    expect(sends.map((s) => s.step)).toEqual(['first']);
    expect(calls.filter((c) => c.name === 'callWebhook').map((c) => (c.input as { step: string }).step)).toEqual([
      'agent',
    ]);
    expect(state.endedAt).toBe(state.startedAt + 3 * DAY);
    expect(state.audit.some((a) => a.message === 'interrupt: replied during pause → agent')).toBe(true);
  });

  it('exitOn ends the journey with the event as outcome; exitWhen on a condition of the current figures', async () => {
    const onReply = journey('  exitOn: [replied]', DUNNING);
    const replied = await runPlan(onReply, debt(200), { events: [{ after: 2 * DAY, type: 'replied' }] });
    expect(replied.result.outcome).toBe('replied');
    expect(replied.sends).toHaveLength(1);

    const small = journey('  exitWhen: [{ when: "debt.amountDue < 50.0", outcome: settledEnough }]', DUNNING);
    const paidMost = await runPlan(small, debt(200), {
      events: [{ after: 2 * DAY, type: 'partiallyPaid', data: { amount: 160, currency: 'EUR' } }],
    });
    expect(paidMost.result.outcome).toBe('settledEnough');
    expect(paidMost.state.money).toMatchObject({ due: 40, paid: 160 });
  });

  it('a waitFor that lists the event routes it itself; the interrupt does not fire for it later', async () => {
    const plan = journey(
      '  interrupts: { replied: agent }',
      `    - { id: first, type: send, channel: email, template: overdue-friendly, paymentLink: true }
    - id: watch
      type: waitFor
      events: [replied]
      timeout: 3d
      on: { replied: thanks, timeout: unresolved }
    - { id: thanks, type: wait, duration: 1d }
    - { id: unresolved, type: exit, outcome: unresolved }
    - { id: agent, type: exit, outcome: handedToAgent }`,
    );
    const { result, state } = await runPlan(plan, debt(200), { events: [{ after: HOUR, type: 'replied' }] });
    expect(result.outcome).toBe('unresolved');
    expect(state.visits.thanks).toBe(1);
  });
});

describe('money that moves (fake runtime)', () => {
  it('a 50% payment: later messages show the remaining half, no final notice for the full amount', async () => {
    const plan = journey('', DUNNING);
    const { result, sends, calls, state } = await runPlan(plan, debt(180), {
      events: [{ after: 2 * DAY, type: 'partiallyPaid', data: { amount: 90, currency: 'EUR' } }],
    });
    expect(sends.map((s) => s.step)).toEqual(['first', 'reminder']);
    expect(amountsSent(calls)).toEqual([180, 90]);
    expect(state.money).toMatchObject({ due: 90, paid: 90 });
    expect(result.outcome).toBe('unresolved');
  });

  it('payments add up: the one that covers the rest counts as paid and ends the journey (goal paid = in full)', async () => {
    const plan = journey('', DUNNING);
    const { result, state } = await runPlan(plan, debt(180), {
      events: [
        { after: 2 * DAY, type: 'partiallyPaid', data: { amount: 90, currency: 'EUR' } },
        { after: 9 * DAY, type: 'partiallyPaid', data: { amount: 90, currency: 'EUR' } },
      ],
    });
    expect(result.outcome).toBe('paid');
    expect(state.events.map((e) => e.type)).toEqual(['partiallyPaid', 'paid']);
  });

  it('a "paid" for less than what is owed is recorded as a part payment', async () => {
    const plan = journey('', DUNNING);
    const { state } = await runPlan(plan, debt(180), {
      events: [{ after: 2 * DAY, type: 'paid', data: { amount: 30, currency: 'EUR' } }],
    });
    expect(state.events[0]!.type).toBe('partiallyPaid');
    expect(state.outcome).toBe('unresolved');
  });
});

const PLAN_JOURNEY = [
  `  paymentPlans: { instalments: [3], interval: 30d }
  interrupts: { partiallyPaid: track }`,
  `    - { id: offer, type: send, channel: email, template: payment-plan-offer, paymentLink: true }
    - { id: pause, type: wait, duration: 20d }
    - { id: final, type: send, channel: email, template: final-notice, paymentLink: true }
    - { id: unresolved, type: exit, outcome: unresolved }
    - id: track
      type: trackPlan
      remind: { before: 3d, channel: email, template: overdue-friendly }
      grace: 5d
      onBroken: broken
      next: pause
    - { id: broken, type: exit, outcome: planBroken }`,
] as const;

describe('tracked payment plans (fake runtime)', () => {
  const plan = journey(...PLAN_JOURNEY);
  const amounts = instalmentScheduleMinorUnits(100, 'EUR', 3).map((m) => m / 100);

  it('the schedule is rounded as Stripe charges it: 33.34 + 33.34 + 33.32', () => {
    expect(amounts).toEqual([33.34, 33.34, 33.32]);
  });

  it('three instalments paid: a reminder before each later one, paid after the third', async () => {
    const { result, sends, state, calls } = await runPlan(plan, debt(100), {
      events: [
        { after: 1 * DAY, type: 'partiallyPaid', data: { amount: amounts[0]!, currency: 'EUR', instalments: 3 } },
        { after: 30 * DAY, type: 'partiallyPaid', data: { amount: amounts[1]!, currency: 'EUR', instalments: 3 } },
        { after: 61 * DAY, type: 'partiallyPaid', data: { amount: amounts[2]!, currency: 'EUR', instalments: 3 } },
      ],
    });
    expect(result.outcome).toBe('paid');
    expect(sends.map((s) => `${s.day} ${s.step}`)).toEqual(['0 offer', '28 track', '58 track']);
    expect(state.plan).toMatchObject({ count: 3, amountsMinor: [3334, 3334, 3332], paidMinor: 10000 });
    // The reminders read the plan as charged: the next instalment and its due date.
    const reminders = calls.filter((c) => c.name === 'sendEmail').slice(1);
    expect(reminders.map((c) => (c.input as SendInput).key)).toEqual([
      expect.stringMatching(/\/track\/1-i2$/),
      expect.stringMatching(/\/track\/1-i3$/),
    ]);
    expect(
      calls.filter((c) => c.name === 'sendEmail').map((c) => (c.input as SendInput).values.debt.amountDue),
    ).toEqual([100, 66.66, 33.32]);
  });

  it('a missed instalment takes the broken-plan route after the grace period', async () => {
    const { result, state } = await runPlan(plan, debt(100), {
      events: [
        { after: 1 * DAY, type: 'partiallyPaid', data: { amount: amounts[0]!, currency: 'EUR', instalments: 3 } },
      ],
    });
    expect(result.outcome).toBe('planBroken');
    // Due on day 31 (30 days after the first instalment), 5 days' grace.
    expect(state.endedAt! - state.startedAt).toBe(36 * DAY);
    expect(state.plan?.brokenAt).toBeDefined();
  });

  it('a part payment without a plan goes on dunning for the rest', async () => {
    const { result, calls } = await runPlan(plan, debt(100), {
      events: [{ after: 1 * DAY, type: 'partiallyPaid', data: { amount: 40, currency: 'EUR' } }],
    });
    expect(result.outcome).toBe('unresolved');
    expect(amountsSent(calls)).toEqual([100, 60]);
  });
});
