/**
 * queryJourneyState asks a journey's `state` query again while the journey has not registered it
 * yet (between its start, or a continue-as-new, and its plan's loading), and gives up on anything
 * else or at its deadline. On the time-skipping test server with a workflow that registers
 * `state` only once released.
 */
import { fileURLToPath } from 'node:url';
import { QueryNotRegisteredError, WorkflowNotFoundError } from '@temporalio/client';
import { bundleWorkflowCode, Worker, type WorkflowBundle } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryJourneyState } from '../../src/temporal/query-state.js';
import { createTimeSkippingEnv, quietTemporalRuntime } from '../support/temporal.js';
import { releasedQuery, releaseSignal, stateAfterRelease } from '../support/workflows/basic.js';

const workflowsPath = fileURLToPath(new URL('../support/workflows/basic.ts', import.meta.url));
let env: TestWorkflowEnvironment;
let workflowBundle: WorkflowBundle;

beforeAll(async () => {
  quietTemporalRuntime();
  env = await createTimeSkippingEnv();
  workflowBundle = await bundleWorkflowCode({
    workflowsPath,
    logger: { ...console, trace() {}, debug() {}, info() {} },
  });
}, 120_000);

afterAll(async () => {
  await env?.teardown();
});

describe('queryJourneyState', () => {
  it('asks again until the journey answers, releasing it between two tries', async () => {
    const taskQueue = 'query-state-1';
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle });
    await worker.runUntil(async () => {
      const handle = await env.client.workflow.start(stateAfterRelease, { taskQueue, workflowId: 'qs-released' });
      expect(await handle.query(releasedQuery)).toBe(false);
      const pauses: number[] = [];
      const view = await queryJourneyState(env.client, 'qs-released', 10_000, async (ms) => {
        pauses.push(ms);
        if (pauses.length === 2) await handle.signal(releaseSignal);
      });
      expect(view).toEqual({ current: 'ready' });
      // Not registered twice (before and right after the signal), or more while the signal is handled.
      expect(pauses.length).toBeGreaterThanOrEqual(2);
      expect(pauses.slice(0, 2)).toEqual([50, 100]); // a short pause, doubling
      await handle.terminate();
    });
  }, 60_000);

  it('gives up at its deadline while the query stays unregistered, and at once on a journey that does not exist', async () => {
    const taskQueue = 'query-state-2';
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle });
    await worker.runUntil(async () => {
      const handle = await env.client.workflow.start(stateAfterRelease, { taskQueue, workflowId: 'qs-never' });
      expect(await handle.query(releasedQuery)).toBe(false);
      let tries = 0;
      const sleep = (ms: number) => {
        tries += 1;
        return new Promise<void>((resolve) => setTimeout(resolve, ms));
      };
      await expect(queryJourneyState(env.client, 'qs-never', 1_000, sleep)).rejects.toBeInstanceOf(
        QueryNotRegisteredError,
      );
      expect(tries).toBeGreaterThan(1);
      tries = 0;
      await expect(queryJourneyState(env.client, 'qs-missing', 5_000, sleep)).rejects.toBeInstanceOf(
        WorkflowNotFoundError,
      );
      expect(tries).toBe(0);
      await handle.terminate();
    });
  }, 60_000);
});
