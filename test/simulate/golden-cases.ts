/** The debts and instants of the golden schedules (golden.test.ts). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EnrollmentData, JourneyPlan } from '../../src/ir/index.js';
import { NO_BEHAVIOUR } from '../../src/simulate/behaviour.js';
import { runDebt } from '../../src/simulate/run-debt.js';
import type { TimelineEntry } from '../../src/simulate/timeline.js';
import { examplePlan, exampleRecord, planFromYaml, ROOT } from '../support/journeys.js';

export const DAY = 86_400_000;

export function withDebtor(
  r: EnrollmentData,
  debtId: string,
  debtor: Partial<EnrollmentData['debtor']>,
  dueDate: string,
): EnrollmentData {
  return { ...r, debtId, debtor: { ...r.debtor, ...debtor }, debt: { ...r.debt, reference: debtId, dueDate } };
}

/** soft-collection under the us-reg-f policy (the journey's text with its policy swapped). */
export function softCollectionUs(): JourneyPlan {
  const text = readFileSync(join(ROOT, 'journeys', 'soft-collection.journey.yaml'), 'utf8').replace(
    'policy: eu-default',
    'policy: us-reg-f',
  );
  return planFromYaml(text);
}

export async function schedule(plan: JourneyPlan, record: EnrollmentData, start: string, days = 45): Promise<string[]> {
  const startMs = Date.parse(start);
  const d = await runDebt({ plan, record, startMs, horizonMs: startMs + days * DAY, behaviour: NO_BEHAVIOUR, seed: 1 });
  return d.events.map(line);
}

export function line(e: TimelineEntry): string {
  return [e.at, e.type, e.step, e.channel, e.reason].filter((x) => x !== undefined).join(' ');
}

export const cases = {
  anna: exampleRecord('anna-rossi'),
  jan: exampleRecord('jan-devries'),
  mary: exampleRecord('mary-smith'),
  plan: examplePlan,
};
