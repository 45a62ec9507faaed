import { describe, expect, it } from 'vitest';
import { assignVariant } from '../../src/core/split.js';
import { exampleRecord, planFromYaml } from '../support/journeys.js';
import { DAY, runPlan } from './harness.js';
import { exit, journeyYaml, send, wait } from '../support/journey-yaml.js';

/** The probe journey; `holdouts` names the variants marked as holdouts. */
const journey = (holdouts: string[]) =>
  journeyYaml({
    name: 'probe',
    policy: 'eu-default',
    steps: [
      {
        id: 'test',
        type: 'split',
        variants: ['holdout', 'email'].map((name) => ({
          name,
          weight: 50,
          next: 'mail',
          ...(holdouts.includes(name) && { holdout: true }),
        })),
      },
      send('mail', 'email', 'overdue-friendly'),
      wait('pause', '5d'),
      send('again', 'email', 'overdue-friendly'),
      wait('pause-again', '5d'),
      exit('done', 'unresolved'),
    ],
  });

const VARIANTS = [
  { name: 'holdout', weight: 50 },
  { name: 'email', weight: 50 },
];

/** A debt id of each arm, found by the journey's own sticky assignment. */
function debtIn(variant: string): string {
  for (let i = 1; ; i++) if (assignVariant(`H-${i}`, 'probe', 'test', VARIANTS).name === variant) return `H-${i}`;
}

describe('a holdout variant (fake runtime)', () => {
  const plan = planFromYaml(journey(['holdout']));
  const anna = exampleRecord('anna-rossi');

  it('is lowered into the plan; a split without one lowers as before', () => {
    const split = plan.steps.find((s) => s.id === 'test');
    expect(split).toMatchObject({ kind: 'split', variants: [{ name: 'holdout', holdout: true }, { name: 'email' }] });
    const plain = planFromYaml(journey([]));
    const variants = (plain.steps.find((s) => s.id === 'test') as { variants: object[] }).variants;
    expect(variants.every((v) => !('holdout' in v))).toBe(true);
  });

  it('sends a holdout debt nothing, with the same waits, and counts it in its variant', async () => {
    const held = await runPlan(plan, { ...anna, debtId: debtIn('holdout') });
    const treated = await runPlan(plan, { ...anna, debtId: debtIn('email') });
    expect(held.result).toMatchObject({ outcome: 'unresolved', variant: 'holdout', sends: 0 });
    expect(treated.result).toMatchObject({ outcome: 'unresolved', variant: 'email', sends: 2 });
    expect(held.sends).toEqual([]);
    expect(treated.sends.map((s) => s.step)).toEqual(['mail', 'again']);
    // No activity but the outcome: no payment link, no ledger reservation, no message.
    expect(held.port.calls.map((c) => c.name)).toEqual(['recordOutcome']);
    expect(held.state.sends.map((s) => `${s.step} ${s.status} ${s.reason}`)).toEqual([
      'mail blocked holdout',
      'again blocked holdout',
    ]);
    expect(held.state.audit.filter((a) => a.kind === 'blocked').map((a) => a.message)).toEqual([
      'email of step mail not sent: variant holdout of split test is a holdout',
      'email of step again not sent: variant holdout of split test is a holdout',
    ]);
    // Both arms end at the same journey time: the holdout waited like the others.
    expect(held.port.calls.at(-1)!.at).toBe(treated.port.calls.at(-1)!.at);
    expect((held.port.calls.at(-1)!.input as { variant?: string; contacted?: boolean }).variant).toBe('holdout');
    expect((held.port.calls.at(-1)!.input as { contacted?: boolean }).contacted).toBe(false);
  });

  it('a holdout debt that pays on its own ends paid', async () => {
    const held = await runPlan(
      plan,
      { ...anna, debtId: debtIn('holdout') },
      { events: [{ after: 3 * DAY, type: 'paid' }] },
    );
    expect(held.result).toMatchObject({ outcome: 'paid', variant: 'holdout', sends: 0 });
  });

  it('refuses two holdouts in one split (SPLIT_HOLDOUTS)', () => {
    const text = journey(['holdout', 'email']);
    expect(() => planFromYaml(text)).toThrow(/SPLIT_HOLDOUTS split `test` has 2 holdout variants \(holdout, email\)/);
  });
});
