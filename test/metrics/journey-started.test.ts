/**
 * journeyStarted is a fresh journey's first act and only that: a journey that continues as new
 * several times reports its start once, with the plan's journey, version and the debt's amount,
 * and the worker's metrics count one start and its amount (time-skipping server, real workflow).
 */
import { Worker } from '@temporalio/worker';
import { expect, it } from 'vitest';
import { createLoadPlan } from '../../src/activities/load-plan.js';
import { createLedgerActivities } from '../../src/activities/reserve-contact.js';
import type { Activities, JourneyStartedInput } from '../../src/workflows/contract.js';
import { createProcessMetrics, instrumentActivities } from '../../src/metrics/index.js';
import { workflowBundle } from '../../src/temporal/journey-worker.js';
import type { JourneyInput, JourneyResult } from '../../src/workflows/types.js';
import { exampleRecord } from '../support/journeys.js';
import { useTemporalEnv } from '../support/journey-worker.js';
import { quietTemporalRuntime } from '../support/temporal.js';
import { exit, journeyPlan, wait } from '../support/journey-yaml.js';
import { createPlanLoader } from '../../src/temporal/plan-store.js';

quietTemporalRuntime();
const t = useTemporalEnv();

it('a journey that continues as new reports its start once', async () => {
  const plan = journeyPlan({
    name: 'waits',
    version: 2,
    steps: [...[1, 2, 3, 4, 5, 6].map((i) => wait(`w${i}`, '1d')), exit('done', 'unresolved')],
  });
  const started: JourneyStartedInput[] = [];
  const metrics = createProcessMetrics();
  const unused = () => Promise.reject(new Error('not used by this journey'));
  const activities: Activities = {
    ...createLedgerActivities(),
    sendEmail: unused,
    sendSms: unused,
    createPaymentLink: unused,
    callWebhook: unused,
    journeyStarted: async (i) => void started.push(i),
    recordOutcome: async () => undefined,
    recordPromise: async () => undefined,
    recordDispute: async () => undefined,
    loadPlan: createLoadPlan(createPlanLoader()),
    routeDebt: async () => {
      throw new Error('not used');
    },
  };
  const worker = await Worker.create({
    connection: t.env.nativeConnection,
    taskQueue: 'started',
    workflowBundle: await workflowBundle(),
    activities: instrumentActivities(activities, metrics.metrics),
  });
  const record = { ...exampleRecord('anna-rossi'), debtId: 'S-1' };
  const input: JourneyInput = {
    plan,
    enrollment: record,
    options: { debtorKey: 'd-s1', contactKeys: [], continueAsNewAfterEvents: 12, segment: 'high-risk' },
  };
  await worker.runUntil(async () => {
    const handle = await t.env.client.workflow.start('journeyWorkflow', {
      workflowId: 'settle/S-1/waits',
      taskQueue: 'started',
      args: [input],
    });
    expect(((await handle.result()) as JourneyResult).outcome).toBe('unresolved');
    // The journey did continue as new: its last run is not the first.
    expect((await t.env.client.workflow.getHandle('settle/S-1/waits').describe()).runId).not.toBe(
      handle.firstExecutionRunId,
    );
  });
  expect(started).toEqual([
    {
      workflowId: 'settle/S-1/waits',
      journey: 'waits',
      version: 2,
      amountDue: record.debt.amountDue,
      currency: record.debt.currency,
      startedAt: expect.any(Number),
      segment: 'high-risk',
    },
  ]);
  const text = await metrics.text();
  expect(text).toContain('settle_journeys_started_total{journey="waits",version="2",segment="high-risk"} 1');
  expect(text).toContain(
    `settle_amount_enrolled_total{journey="waits",version="2",segment="high-risk",currency="${record.debt.currency}"} ${record.debt.amountDue}`,
  );
}, 120_000);
