/**
 * Many journeys asking their ledgers at once on a worker with few workflow-task slots. The ledger
 * is reached through a regular activity: had it been a local activity, each journey would hold
 * its workflow-task slot while the ledger's own workflow task waited for one, and the worker
 * would only get out of it through workflow-task timeouts (seen as 150 s for 30 journeys on 2
 * slots, against under 2 s now). The histories show it: a stalled journey has timed-out or
 * heartbeat workflow tasks.
 */
import { Worker } from '@temporalio/worker';
import { expect, it } from 'vitest';
import { createLedgerActivities } from '../../src/activities/reserve-contact.js';
import { workflowBundle } from '../../src/temporal/journey-worker.js';
import type { JourneyInput } from '../../src/workflows/types.js';
import { exampleRecord } from '../support/journeys.js';
import { useTemporalEnv } from '../support/journey-worker.js';
import { quietTemporalRuntime } from '../support/temporal.js';
import { exit, journeyPlan, send } from '../support/journey-yaml.js';

quietTemporalRuntime();
const t = useTemporalEnv();

it('thirty journeys deciding at once on two workflow-task slots: no workflow task ever times out', async () => {
  const plan = journeyPlan({
    name: 'load',
    steps: [send('s', 'email', 'overdue-friendly'), exit('done', 'unresolved')],
  });
  const worker = await Worker.create({
    connection: t.env.nativeConnection,
    taskQueue: 'load',
    workflowBundle: await workflowBundle(),
    maxConcurrentWorkflowTaskExecutions: 2,
    activities: {
      ...createLedgerActivities(),
      sendEmail: async (i: { key: string }) => ({ messageId: i.key, locale: 'en' }),
      createPaymentLink: async () => ({ url: 'https://x.test/p' }),
      journeyStarted: async () => undefined,
      recordOutcome: async () => undefined,
    },
  });
  await worker.runUntil(async () => {
    const handles = [];
    for (let i = 0; i < 30; i++) {
      const input: JourneyInput = {
        plan,
        enrollment: { ...exampleRecord('anna-rossi'), debtId: `L-${i}` },
        options: { debtorKey: `d-${i}`, contactKeys: [] },
      };
      handles.push(
        await t.env.client.workflow.start('journeyWorkflow', {
          workflowId: `settle/L-${i}/load`,
          taskQueue: 'load',
          args: [input],
        }),
      );
    }
    for (const h of handles) expect((await h.result()).outcome).toBe('unresolved');
    for (const h of handles) {
      const { events } = await h.fetchHistory();
      expect(events?.filter((e) => e.workflowTaskTimedOutEventAttributes) ?? []).toEqual([]);
      // Six workflow tasks: the start, then one per activity result (journeyStarted, ledger, payment
      // link, email, outcome). A journey stuck behind a held slot would show extra (heartbeat) tasks.
      expect(events?.filter((e) => e.workflowTaskCompletedEventAttributes)).toHaveLength(6);
    }
  });
}, 300_000);
