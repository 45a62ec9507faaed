/**
 * `disputes:` in a journey: the plan it lowers to (defaults filled in), and what the compiler
 * refuses — an unknown reason, a step that does not exist, a bound out of range, and dispute
 * events routed a second time by interrupts, exitOn or goal. Its steps count as reachable.
 */
import { describe, expect, it } from 'vitest';
import { compileJourney, EMAIL_WEEK_DONE, wait, webhook } from '../support/journey-yaml.js';

function compile(spec: string, steps = '') {
  return compileJourney({
    name: 'disputing',
    policy: 'eu-default',
    spec,
    steps: [
      ...EMAIL_WEEK_DONE,
      webhook('to-agent', 'env:ESCALATION_URL', { next: 'review' }),
      wait('review', '3d', { next: 'done' }),
      steps,
    ],
  });
}

describe('disputes in a journey', () => {
  it('lowers to the plan with its defaults; the dispute steps are reachable through it', () => {
    const { plan, errors } = compile('  disputes: { reasons: [notMine, other], to: to-agent }');
    expect(errors).toEqual([]);
    expect(plan!.disputes).toEqual({
      reasons: ['notMine', 'other'],
      maxLength: 500,
      to: 'to-agent',
      upheldOutcome: 'disputeUpheld',
    });
  });

  it('keeps what the journey declares', () => {
    const { plan } = compile(
      '  disputes: { reasons: [alreadyPaid, wrongAmount], maxLength: 80, to: to-agent, onResolved: pause, upheldOutcome: cancelled }',
    );
    expect(plan!.disputes).toEqual({
      reasons: ['alreadyPaid', 'wrongAmount'],
      maxLength: 80,
      to: 'to-agent',
      onResolved: 'pause',
      upheldOutcome: 'cancelled',
    });
  });

  it('without disputes the agent steps are unreachable (they are reached only through it)', () => {
    expect(compile('').codes).toContain('UNREACHABLE_STEP');
  });

  it('refuses an unknown reason, an unknown step and a bound out of range', () => {
    expect(compile('  disputes: { reasons: [notMine, tooExpensive], to: to-agent }').codes).toContain(
      'UNKNOWN_DISPUTE_REASON',
    );
    const unknown = compile('  disputes: { reasons: [notMine], to: to-agnet }');
    expect(unknown.codes).toContain('UNKNOWN_STEP');
    expect(unknown.errors.find((e) => e.code === 'UNKNOWN_STEP')!.hint).toContain('to-agent');
    expect(compile('  disputes: { reasons: [notMine], to: to-agent, onResolved: nowhere }').codes).toContain(
      'UNKNOWN_STEP',
    );
    expect(compile('  disputes: { reasons: [other], maxLength: 5000, to: to-agent }').codes.length).toBeGreaterThan(0);
    expect(compile('  disputes: { reasons: [], to: to-agent }').codes.length).toBeGreaterThan(0);
  });

  it('refuses dispute events routed again by interrupts, exitOn or goal', () => {
    const d = '  disputes: { reasons: [notMine], to: to-agent }\n';
    expect(compile(`${d}  interrupts: { disputed: to-agent }`).codes).toContain('DISPUTE_EVENT_ROUTED');
    expect(compile(`${d}  exitOn: [upheld]`).codes).toContain('DISPUTE_EVENT_ROUTED');
    expect(compile(`${d}  goal: resolved`).codes).toContain('DISPUTE_EVENT_ROUTED');
    // Other interrupts are fine beside it.
    expect(compile(`${d}  interrupts: { replied: to-agent }`).codes).toEqual([]);
  });
});
