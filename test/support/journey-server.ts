/**
 * The server app as `settle server` runs it, in front of journeys on the time-skipping server:
 * a journeyRig (real activities), the real signal dispatcher and journey lookup, the app either
 * listening on loopback (for a browser) or answering `app.inject`. One per test file.
 */
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll } from 'vitest';
import type { EnrollmentData, JourneyPlan } from '../../src/ir/index.js';
import { workflowIdFor } from '../../src/ids/workflow-ids.js';
import { createServerApp } from '../../src/server/app.js';
import type { ServerDeps } from '../../src/server/deps.js';
import { createJourneyLookup } from '../../src/server/journey-lookup.js';
import { createSignalDispatcher, type TemporalSignalDispatcher } from '../../src/server/signal-dispatcher.js';
import type { JourneyInput } from '../../src/workflows/types.js';
import { journeyRig, SECRET, type JourneyRig } from './journey-worker.js';
import { createTimeSkippingEnv, freePort } from './temporal.js';

export const PUBLIC_URL = 'https://pay.example.test';

export interface JourneyServer {
  env: TestWorkflowEnvironment;
  rig: JourneyRig;
  app: FastifyInstance;
  dispatcher: TemporalSignalDispatcher;
  /** SETTLE_PUBLIC_URL of the rig's messages: the app's loopback address when it listens. */
  publicUrl: string;
  /** Starts a journey of a plan by value under the debt's workflow id; journey time is the server's. */
  start(plan: JourneyPlan, record: EnrollmentData): Promise<WorkflowHandle>;
}

export interface JourneyServerOptions {
  /** Listen on a free loopback port (publicUrl is then its address); else PUBLIC_URL and inject. */
  listen?: boolean;
  /** More of the app's dependencies (clock, checkout, stripe...), read when the app is made. */
  app?: () => Partial<ServerDeps>;
}

export function useJourneyServer(opts: JourneyServerOptions = {}): JourneyServer {
  const t = {} as JourneyServer;
  let running: Promise<void> | undefined;
  beforeAll(async () => {
    t.env = await createTimeSkippingEnv();
    const port = opts.listen ? await freePort() : undefined;
    t.publicUrl = port === undefined ? PUBLIC_URL : `http://127.0.0.1:${port}`;
    t.rig = await journeyRig(t.env, { publicUrl: t.publicUrl });
    running = t.rig.worker.run();
    t.dispatcher = createSignalDispatcher(t.env.client);
    t.app = createServerApp({
      secret: SECRET,
      publicUrl: t.publicUrl,
      lookup: createJourneyLookup(t.env.client, { ttlMs: 0 }),
      dispatcher: t.dispatcher,
      ready: async () => true,
      metrics: async () => '',
      log: false,
      ...opts.app?.(),
    });
    if (port === undefined) await t.app.ready();
    else await t.app.listen({ host: '127.0.0.1', port });
  }, 120_000);
  afterAll(async () => {
    await t.dispatcher?.flush(5_000);
    await t.app?.close();
    t.rig?.worker.shutdown();
    await running;
    await t.rig?.close();
    await t.env?.teardown();
  });
  t.start = (plan, record) => {
    const input: JourneyInput = {
      plan,
      enrollment: record,
      options: { debtorKey: `k-${record.debtId}`, contactKeys: [] },
    };
    return t.env.client.workflow.start('journeyWorkflow', {
      workflowId: workflowIdFor(record.debtId),
      taskQueue: t.rig.taskQueue,
      args: [input],
    });
  };
  return t;
}
