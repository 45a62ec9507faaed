/**
 * A debt-wide event that arrives while a send is on its way counts for the waitFor after that
 * send (time-skipping server, a worker whose email activity is held open until the test lets it
 * finish). The send takes its sequence number when the ledger grants it, behind
 * patched('settle-send-seq-at-grant'); without it, the reply was numbered before the send and the
 * journey went on as if the debtor had never answered.
 */
import { Worker } from '@temporalio/worker';
import { expect, it } from 'vitest';
import { createLoadPlan } from '../../src/activities/load-plan.js';
import { createLedgerActivities } from '../../src/activities/reserve-contact.js';
import type { Activities, SendMessageInput } from '../../src/workflows/contract.js';
import { workflowBundle } from '../../src/temporal/journey-worker.js';
import { engagementSignal, stateQuery } from '../../src/workflows/definitions.js';
import type { JourneyInput, JourneyResult } from '../../src/workflows/types.js';
import { exampleRecord } from '../support/journeys.js';
import { useTemporalEnv } from '../support/journey-worker.js';
import { quietTemporalRuntime } from '../support/temporal.js';
import { eventually } from '../support/wait.js';
import { exit, journeyPlan, send, waitFor } from '../support/journey-yaml.js';
import { createPlanLoader } from '../../src/temporal/plan-store.js';

quietTemporalRuntime();
const t = useTemporalEnv();

const plan = journeyPlan({
  name: 'reply-race',
  steps: [
    send('first-email', 'email', 'overdue-friendly'),
    waitFor('listen', '3d', { replied: 'answered', timeout: 'silent' }),
    exit('answered', 'handedToAgent'),
    exit('silent', 'unresolved'),
  ],
});

it('a reply that arrives while the email is being sent is heard by the waitFor after it', async () => {
  const started: SendMessageInput[] = [];
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  const unused = () => Promise.reject(new Error('not used by this journey'));
  const activities: Activities = {
    ...createLedgerActivities(),
    loadPlan: createLoadPlan(createPlanLoader()),
    routeDebt: async () => {
      throw new Error('not used');
    },
    sendEmail: async (i) => {
      started.push(i);
      await held;
      return { messageId: i.key, locale: 'en' };
    },
    sendSms: unused,
    createPaymentLink: async (i) => ({ url: `https://pay.example.test/p/${encodeURIComponent(i.key)}` }),
    callWebhook: unused,
    journeyStarted: async () => undefined,
    recordOutcome: async () => undefined,
    recordPromise: async () => undefined,
    recordDispute: async () => undefined,
  };
  const taskQueue = 'send-race';
  const worker = await Worker.create({
    connection: t.env.nativeConnection,
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities,
  });
  await worker.runUntil(async () => {
    const enrollment = { ...exampleRecord('anna-rossi'), debtId: 'RACE-1' };
    const input: JourneyInput = { plan, enrollment, options: { debtorKey: 'race-debtor', contactKeys: [] } };
    const handle = await t.env.client.workflow.start('journeyWorkflow', {
      workflowId: 'settle/RACE-1/reply-race',
      taskQueue,
      args: [input],
    });
    await eventually(() => expect(started).toHaveLength(1));
    // The debtor answers while the email activity is still running.
    await handle.signal(engagementSignal, { eventId: 'reply-1', type: 'replied', at: new Date().toISOString() });
    await eventually(async () =>
      expect((await handle.query(stateQuery)).events.map((e) => e.eventId)).toEqual(['reply-1']),
    );
    expect((await handle.query(stateQuery)).sends).toEqual([]);
    release();
    const result = (await handle.result()) as JourneyResult;
    expect(result.outcome).toBe('handedToAgent');
    const view = await handle.query(stateQuery);
    // The send was numbered when granted, before the reply that arrived during it.
    expect(view.sends[0]!.seq).toBeLessThan(view.events[0]!.seq);
  });
}, 120_000);
