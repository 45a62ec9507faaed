/**
 * Recorded journey histories (test/fixtures/histories/*.json): the scenarios that produce them
 * (scripts/record-histories.ts) and how tests read them back (test/workflows/replay.test.ts).
 * A fixture is `{ workflowId, journey, version, outcome, scenario, history }`, where `history` is
 * exactly what `historyToJSON` writes (the format of `temporal workflow show --output json`).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EngagementEvent, EnrollmentData } from '../../src/ir/index.js';
import { exampleRecord, ROOT } from './journeys.js';

export const HISTORIES_DIR = join(ROOT, 'test', 'fixtures', 'histories');
export const DAY = 86_400_000;

export interface ScriptedSignal {
  /** Days after enrollment (server time). */
  afterDays: number;
  type: EngagementEvent;
  /** The event is about this step's first message. */
  ofStep?: string;
}

export interface Scenario {
  /** Fixture file name (without .json). */
  name: string;
  journey: string;
  description: string;
  /** The enrollment record, given the server's clock at enrollment. */
  enrollment(nowMs: number): EnrollmentData;
  signals: ScriptedSignal[];
  /** The outcome the journey must end with (the recorder refuses anything else). */
  outcome: string;
  /**
   * How the journey is started: its plan by value (journeys enrolled before the plan store, the
   * default) or, as `settle enroll` does now, by reference to the plan store.
   */
  start?: 'byValue' | 'byReference';
}

function dueDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function withDebt(record: EnrollmentData, debtId: string, dueMs: number): EnrollmentData {
  return { ...record, debtId, debt: { ...record.debt, dueDate: dueDate(dueMs) } };
}

/** The journeys of journeys/ down their main paths, with scripted debtors. */
export const SCENARIOS: Scenario[] = [
  {
    name: 'soft-collection-paid',
    journey: 'soft-collection',
    description: 'opens the email on day 1, clicks the SMS on day 2.5, pays on day 6',
    enrollment: (now) => withDebt(exampleRecord('anna-rossi'), 'REPLAY-PAID-1', now - 10 * DAY),
    signals: [
      { afterDays: 1, type: 'opened', ofStep: 'first-email' },
      { afterDays: 2.5, type: 'clicked', ofStep: 'nudge-sms' },
      { afterDays: 6, type: 'paid' },
    ],
    outcome: 'paid',
  },
  {
    name: 'soft-collection-escalated',
    journey: 'soft-collection',
    description: 'never answers: every reminder, the A/B split, the hand-over webhook',
    enrollment: (now) => withDebt(exampleRecord('anna-rossi'), 'REPLAY-SILENT-1', now - 10 * DAY),
    signals: [],
    outcome: 'escalated',
  },
  {
    name: 'soft-collection-paid-by-reference',
    journey: 'soft-collection',
    description:
      'started as settle enroll starts it (plan store reference, attributes upserted); opens day 1, clicks day 2.5, pays day 6',
    enrollment: (now) => withDebt(exampleRecord('anna-rossi'), 'REPLAY-PAID-REF-1', now - 10 * DAY),
    signals: [
      { afterDays: 1, type: 'opened', ofStep: 'first-email' },
      { afterDays: 2.5, type: 'clicked', ofStep: 'nudge-sms' },
      { afterDays: 6, type: 'paid' },
    ],
    outcome: 'paid',
    start: 'byReference',
  },
  {
    name: 'soft-collection-hard-bounce',
    journey: 'soft-collection',
    description: 'the first email is refused (SMTP 550): onFailure to the SMS, then pays on day 1',
    enrollment: (now) => {
      const r = withDebt(exampleRecord('anna-rossi'), 'REPLAY-BOUNCE-1', now - 10 * DAY);
      return { ...r, debtor: { ...r.debtor, email: 'bounce@example.com' } };
    },
    signals: [{ afterDays: 1, type: 'paid' }],
    outcome: 'paid',
  },
  {
    name: 'soft-collection-debtor-bounce',
    journey: 'soft-collection',
    description:
      "the first email is refused (SMTP 550): the debtor's ledger hears the bounce (settle-debtor-bounce), onFailure to the SMS at once, then pays on day 1",
    enrollment: (now) => {
      const r = withDebt(exampleRecord('anna-rossi'), 'REPLAY-BOUNCE-2', now - 10 * DAY);
      return { ...r, debtor: { ...r.debtor, email: 'bounce-again@example.com' } };
    },
    signals: [{ afterDays: 1, type: 'paid' }],
    outcome: 'paid',
  },
  {
    name: 'pre-due-reminder',
    journey: 'pre-due-reminder',
    description: 'enrolled 5 days before the due date, never pays',
    enrollment: (now) => withDebt(exampleRecord('mary-smith'), 'REPLAY-PRE-1', now + 5 * DAY),
    signals: [],
    outcome: 'unresolved',
  },
  {
    name: 'late-stage',
    journey: 'late-stage',
    description: '50 days past due, never answers: formal reminder, plan offer, final notice, hand-over',
    enrollment: (now) => withDebt(exampleRecord('jan-devries'), 'REPLAY-LATE-1', now - 50 * DAY),
    signals: [],
    outcome: 'escalated',
  },
];

/** Recipients the recording rig's SMTP server refuses with 550 (a hard bounce). */
export function bouncing(rcpt: string): { code: number; message: string } | undefined {
  return rcpt.startsWith('bounce') ? { code: 550, message: '5.1.1 no such mailbox' } : undefined;
}

export interface HistoryFixture {
  /** The recorded run's workflow id: replay must use it (the interpreter keys messages with it). */
  workflowId: string;
  journey: string;
  version: number;
  outcome: string;
  scenario: string;
  /** historyToJSON output, parsed. */
  history: unknown;
}

export function readHistoryFixtures(): { name: string; fixture: HistoryFixture }[] {
  return readdirSync(HISTORIES_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({
      name: f.replace(/\.json$/, ''),
      fixture: JSON.parse(readFileSync(join(HISTORIES_DIR, f), 'utf8')) as HistoryFixture,
    }));
}
