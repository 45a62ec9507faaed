/**
 * Proves the provisioned Temporal servers run for real (scripts/setup-tools.sh): the
 * time-skipping test server skips a 30-day timer, the dev server runs workflows with Settle's
 * search attributes, and a spawned dev server keeps a workflow across a kill and restart on
 * the same SQLite file. Assertions are about behaviour; the only clock checks are generous.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, NativeConnection, Worker, type WorkflowBundle } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { temporalCliPath, TemporalBinaryMissingError, testServerPath } from '../../src/dev/binaries.js';
import { SA } from '../../src/temporal/search-attributes.js';
import {
  createDevServerEnv,
  createTimeSkippingEnv,
  quietTemporalRuntime,
  registerSearchAttributes,
  startDevServerProcess,
  type DevServerProcess,
} from '../support/temporal.js';
import { greet, releasedQuery, releaseSignal, sleepFor, waitForRelease } from '../support/workflows/basic.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const workflowsPath = fileURLToPath(new URL('../support/workflows/basic.ts', import.meta.url));
const settleAttributes = [
  { key: SA.journey, value: 'reminder' },
  { key: SA.version, value: 3 },
  { key: SA.step, value: 'start' },
  { key: SA.debtor, value: 'h-debtor' },
  { key: SA.contact, value: ['h-email', 'h-phone'] },
];

let workflowBundle: WorkflowBundle;
let tmp: string;

beforeAll(async () => {
  quietTemporalRuntime();
  tmp = mkdtempSync(join(tmpdir(), 'settle-temporal-'));
  workflowBundle = await bundleWorkflowCode({
    workflowsPath,
    logger: { ...console, trace() {}, debug() {}, info() {} },
  });
}, 120_000);

afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

describe('binaries', () => {
  it('resolves the provisioned binaries and lets env vars win', () => {
    expect(existsSync(temporalCliPath())).toBe(true);
    expect(existsSync(testServerPath())).toBe(true);
    expect(temporalCliPath({ TEMPORAL_CLI_PATH: testServerPath() })).toBe(testServerPath());
    expect(() => testServerPath({ TEMPORAL_TEST_SERVER_PATH: join(tmp, 'nope') })).toThrow(TemporalBinaryMissingError);
  });
});

describe('time-skipping test server', { timeout: 120_000 }, () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await createTimeSkippingEnv();
  }, 120_000);
  afterAll(async () => {
    await env?.teardown();
  });

  it('has Settle search attributes registered (a second registration is tolerated)', async () => {
    await registerSearchAttributes(env.connection);
    const taskQueue = 'ts-attributes';
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle });
    const described = await worker.runUntil(async () => {
      const handle = await env.client.workflow.start(greet, {
        args: ['settle'],
        taskQueue,
        workflowId: 'ts-attributes',
        typedSearchAttributes: settleAttributes,
      });
      expect(await handle.result()).toBe('hello settle');
      return handle.describe();
    });
    expect(described.typedSearchAttributes.get(SA.journey)).toBe('reminder');
    expect(described.typedSearchAttributes.get(SA.version)).toBe(3);
    expect(described.typedSearchAttributes.get(SA.contact)).toEqual(['h-email', 'h-phone']);
  });

  it('skips a 30-day sleep', async () => {
    const taskQueue = 'ts-sleep';
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle });
    const wallStart = Date.now();
    const { startedAt, wokeAt } = await worker.runUntil(
      env.client.workflow.execute(sleepFor, { args: [30 * DAY_MS], taskQueue, workflowId: 'ts-sleep' }),
    );
    expect(wokeAt - startedAt).toBeGreaterThanOrEqual(30 * DAY_MS);
    expect(Date.now() - wallStart).toBeLessThan(60_000); // sanity only: 30 real days would never end
  });
});

describe('dev server through createLocal', { timeout: 120_000 }, () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await createDevServerEnv({ dbFilename: join(tmp, 'local', 'temporal.db') });
  }, 120_000);
  afterAll(async () => {
    await env?.teardown();
  });

  it('runs a workflow with Settle search attributes, visible to list queries', async () => {
    const taskQueue = 'local-greet';
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle });
    const result = await worker.runUntil(
      env.client.workflow.execute(greet, {
        args: ['dev'],
        taskQueue,
        workflowId: 'local-greet',
        typedSearchAttributes: settleAttributes,
      }),
    );
    expect(result).toBe('hello dev');
    // Visibility is eventually consistent: poll.
    const query = `SettleJourney = 'reminder' AND SettleVersion = 3 AND ExecutionStatus = 'Completed'`;
    let count = 0;
    for (let i = 0; i < 100 && count === 0; i++) {
      count = (await env.client.workflow.count(query)).count;
      if (count === 0) await new Promise((r) => setTimeout(r, 100));
    }
    expect(count).toBe(1);
  });
});

describe('spawned dev server', { timeout: 180_000 }, () => {
  const servers: DevServerProcess[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop('SIGKILL')));
  });

  async function withClient<T>(address: string, fn: (client: Client, native: NativeConnection) => Promise<T>) {
    const connection = await Connection.connect({ address });
    const native = await NativeConnection.connect({ address });
    try {
      return await fn(new Client({ connection }), native);
    } finally {
      await native.close();
      await connection.close();
    }
  }

  it('keeps a workflow started before a kill and restart on the same SQLite file', async () => {
    const dbFilename = join(tmp, 'spawned', 'temporal.db');
    const taskQueue = 'spawned';
    const workflowId = 'survives-restart';

    const first = await startDevServerProcess({ dbFilename });
    servers.push(first);
    await withClient(first.address, async (client, connection) => {
      const worker = await Worker.create({ connection, taskQueue, workflowBundle });
      await worker.runUntil(async () => {
        const handle = await client.workflow.start(waitForRelease, { taskQueue, workflowId });
        expect(await handle.query(releasedQuery)).toBe(false);
      });
    });
    await first.stop('SIGKILL');
    expect(first.process.signalCode).toBe('SIGKILL');

    const second = await startDevServerProcess({ dbFilename, port: first.port });
    servers.push(second);
    expect(second.address).toBe(first.address);
    await withClient(second.address, async (client, connection) => {
      const handle = client.workflow.getHandle(workflowId);
      expect((await handle.describe()).status.name).toBe('RUNNING');
      const worker = await Worker.create({ connection, taskQueue, workflowBundle });
      const result = await worker.runUntil(async () => {
        await handle.signal(releaseSignal);
        return handle.result();
      });
      expect(result).toBe('released');
    });
    await second.stop();
  });
});
