import { describe, expect, it } from 'vitest';
import type { OutcomeInput } from '../../src/workflows/contract.js';
import { initialState } from '../../src/workflows/state.js';
import { outcomeFacts } from '../../src/workflows/outcome-facts.js';
import type { JourneyInput } from '../../src/workflows/types.js';
import { examplePlan, exampleRecord } from '../support/journeys.js';
import { DAY, runPlan, START } from './harness.js';

const anna = exampleRecord('anna-rossi');
const plan = examplePlan('soft-collection');

const outcomeOf = (calls: { name: string; input: unknown }[]) =>
  calls.find((c) => c.name === 'recordOutcome')!.input as OutcomeInput;

describe('what a journey end tells the business metrics (outcome facts)', () => {
  it('a debtor who clicks and pays: contacted, right party, first contact at the first send, the due date', async () => {
    const { port, state } = await runPlan(plan, anna, {
      events: [
        { after: 2.5 * DAY, type: 'clicked', ofStep: 'nudge-sms' },
        { after: 3 * DAY, type: 'paid' },
      ],
    });
    const o = outcomeOf(port.calls);
    expect(o.outcome).toBe('paid');
    expect(o).toMatchObject({ contacted: true, rightParty: true, dueDate: anna.debt.dueDate, firstContactAt: START });
    expect(o.firstContactAt).toBe(state.sends.find((s) => s.status === 'sent')!.at);
    expect(o).not.toHaveProperty('segment');
  });

  it('a debtor who never engages: contacted, no right-party signal', async () => {
    const { port } = await runPlan(plan, anna);
    const o = outcomeOf(port.calls);
    expect(o.outcome).not.toBe('paid');
    expect(o).toMatchObject({ contacted: true, rightParty: false });
  });

  it('a delivery or an opt-out is no right-party signal; the segment comes from the options', () => {
    const input: JourneyInput = {
      plan,
      enrollment: anna,
      options: { debtorKey: 'k', contactKeys: [], segment: 'high-risk' },
    };
    const state = initialState(input, START);
    state.events.push(
      { seq: 1, eventId: 'd', type: 'delivered', at: START, receivedAt: START },
      { seq: 2, eventId: 'o', type: 'optedOut', at: START, receivedAt: START },
    );
    expect(outcomeFacts(input, state)).toEqual({
      segment: 'high-risk',
      dueDate: anna.debt.dueDate,
      contacted: false,
      rightParty: false,
    });
    state.events.push({ seq: 3, eventId: 'r', type: 'replied', at: START, receivedAt: START });
    expect(outcomeFacts(input, state).rightParty).toBe(true);
  });
});
