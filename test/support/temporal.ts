/**
 * Real Temporal servers for tests, run from the binaries scripts/setup-tools.sh provisions
 * (never downloaded by the SDK: see src/dev/binaries.ts).
 * - createTimeSkippingEnv: the time-skipping test server, with Settle's search attributes
 *   registered (it only knows a few predefined ones and takes no flags for more).
 * - createDevServerEnv: the CLI dev server through @temporalio/testing (random port, killed by
 *   env.teardown()); the place for visibility queries, which the test server lacks.
 * - startDevServerProcess: the dev server as a child process the test controls, to kill and
 *   restart on the same SQLite file (durability across a server restart).
 */
import { readingDataConverterOf } from './codec.js';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { temporalCliPath, testServerPath } from '../../src/dev/binaries.js';
import { SA } from '../../src/temporal/search-attributes.js';
import {
  freePort,
  registerSearchAttributes,
  SQLITE_FAST_PRAGMA_ARGS,
  startDevServerProcess as startDevServerProcessImpl,
  type DevServerProcess,
  type DevServerProcessOptions,
} from '../../src/dev/dev-server.js';

/** SQLite settings for tests (Temporal's own SDK stress tests use them): no fsync per write. */
export const SQLITE_TEST_PRAGMA_ARGS = SQLITE_FAST_PRAGMA_ARGS;

export { freePort, registerSearchAttributes, type DevServerProcess, type DevServerProcessOptions };

/** The time-skipping test server (one per test file: its clock is global to the env). */
export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: testServerPath() } },
    client: { dataConverter: readingDataConverterOf() },
  });
  try {
    await registerSearchAttributes(env.connection);
  } catch (e) {
    await env.teardown();
    throw e;
  }
  return env;
}

export interface DevServerEnvOptions {
  /** SQLite file to persist to; in memory when absent. Its folder is created. */
  dbFilename?: string;
  /** More `temporal server start-dev` flags, appended after the SQLite pragmas. */
  extraArgs?: string[];
}

/** The CLI dev server via @temporalio/testing, with Settle's search attributes. */
export async function createDevServerEnv(opts: DevServerEnvOptions = {}): Promise<TestWorkflowEnvironment> {
  const reused = opts.dbFilename !== undefined && existsSync(opts.dbFilename);
  if (opts.dbFilename) mkdirSync(dirname(opts.dbFilename), { recursive: true });
  const env = await TestWorkflowEnvironment.createLocal({
    client: { dataConverter: readingDataConverterOf() },
    server: {
      executable: { type: 'existing-path', path: temporalCliPath() },
      ...(opts.dbFilename && { dbFilename: opts.dbFilename }),
      searchAttributes: Object.values(SA),
      extraArgs: [...SQLITE_TEST_PRAGMA_ARGS, ...(opts.extraArgs ?? [])],
    },
  });
  try {
    // --search-attribute is ignored when the SQLite file already holds the namespace.
    if (reused) await registerSearchAttributes(env.connection);
  } catch (e) {
    await env.teardown();
    throw e;
  }
  return env;
}

/** Starts a dev server child process with the fast SQLite settings of tests. */
export function startDevServerProcess(opts: DevServerProcessOptions): Promise<DevServerProcess> {
  return startDevServerProcessImpl({ fastSqlite: true, ...opts });
}

/**
 * Keeps the SDK's worker logs to warnings (its default prints every worker start and stop).
 * Call once per test file before any env or worker exists; later calls do nothing.
 */
export function quietTemporalRuntime(): void {
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // already installed in this process
  }
}
