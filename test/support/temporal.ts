/**
 * Real Temporal servers for tests, run from the binaries scripts/setup-tools.sh provisions
 * (never downloaded by the SDK: see src/temporal/binaries.ts).
 * - createTimeSkippingEnv: the time-skipping test server, with Settle's search attributes
 *   registered (it only knows a few predefined ones and takes no flags for more).
 * - createDevServerEnv: the CLI dev server through @temporalio/testing (random port, killed by
 *   env.teardown()); the place for visibility queries, which the test server lacks.
 * - startDevServerProcess: the dev server as a child process the test controls, to kill and
 *   restart on the same SQLite file (durability across a server restart).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { Connection, isGrpcServiceError } from '@temporalio/client';
import proto from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { temporalCliPath, testServerPath } from '../../src/temporal/binaries.js';
import { DEV_SERVER_SEARCH_ATTRIBUTE_FLAGS, SA } from '../../src/temporal/search-attributes.js';

const { IndexedValueType } = proto.temporal.api.enums.v1;
const GRPC_ALREADY_EXISTS = 6;

/** SQLite settings for tests (Temporal's own SDK stress tests use them): no fsync per write. */
export const SQLITE_TEST_PRAGMA_ARGS = ['--sqlite-pragma', 'journal_mode=WAL', '--sqlite-pragma', 'synchronous=OFF'];

/**
 * Registers Settle's search attributes (src/temporal/search-attributes.ts) one by one, so that
 * one already present (ALREADY_EXISTS) does not stop the others.
 */
export async function registerSearchAttributes(connection: Connection, namespace = 'default'): Promise<void> {
  for (const key of Object.values(SA)) {
    try {
      await connection.operatorService.addSearchAttributes({
        namespace,
        searchAttributes: { [key.name]: IndexedValueType[`INDEXED_VALUE_TYPE_${key.type}`] },
      });
    } catch (e) {
      if (!(isGrpcServiceError(e) && e.code === GRPC_ALREADY_EXISTS)) throw e;
    }
  }
}

/** The time-skipping test server (one per test file: its clock is global to the env). */
export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: testServerPath() } },
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

/** A free TCP port on 127.0.0.1 (bind port 0, read it, close). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const addr = server.address();
      server.close(() => (addr && typeof addr === 'object' ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

export interface DevServerProcessOptions {
  /** SQLite file; reuse it (and `port`) to restart the "same" server. Its folder is created. */
  dbFilename: string;
  port?: number;
  metricsPort?: number;
  extraArgs?: string[];
  /** How long to wait for the server to answer (default 30 s). */
  readyTimeoutMs?: number;
}

export interface DevServerProcess {
  /** host:port for Connection.connect / NativeConnection.connect. */
  address: string;
  port: number;
  metricsPort: number;
  process: ChildProcess;
  /** The last 64 KB the server printed (for failure messages). */
  output(): string;
  /** Sends `signal` (default SIGTERM; SIGKILL after 10 s) and resolves once the process exited. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

// Children still running when the test process exits are killed, so no server outlives a run.
const liveChildren = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of liveChildren) child.kill('SIGKILL');
});

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** Starts `temporal server start-dev` as a child process and waits until it serves `default`. */
export async function startDevServerProcess(opts: DevServerProcessOptions): Promise<DevServerProcess> {
  const port = opts.port ?? (await freePort());
  const metricsPort = opts.metricsPort ?? (await freePort());
  const address = `127.0.0.1:${port}`;
  mkdirSync(dirname(opts.dbFilename), { recursive: true });
  const args = [
    'server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--headless',
    '--db-filename', opts.dbFilename, '--metrics-port', String(metricsPort),
    ...DEV_SERVER_SEARCH_ATTRIBUTE_FLAGS, ...SQLITE_TEST_PRAGMA_ARGS, ...(opts.extraArgs ?? []),
  ];
  const child = spawn(temporalCliPath(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
  liveChildren.add(child);
  let log = '';
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString('utf8')).slice(-65_536);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exit = new Promise<void>((resolve) => {
    child.once('exit', () => {
      liveChildren.delete(child);
      resolve();
    });
    child.once('error', (e) => {
      keep(Buffer.from(`spawn failed: ${e.message}\n`));
      liveChildren.delete(child);
      resolve();
    });
  });

  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (exited(child)) return;
    child.kill(signal);
    const escalate = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exit;
    clearTimeout(escalate);
  };

  const deadline = Date.now() + (opts.readyTimeoutMs ?? 30_000);
  let lastError: unknown;
  for (;;) {
    if (exited(child) || child.pid === undefined) {
      throw new Error(`temporal dev server exited before it was ready (${args.join(' ')}):\n${log}`);
    }
    try {
      const connection = await Connection.connect({ address, connectTimeout: '1s' });
      try {
        await connection.workflowService.describeNamespace({ namespace: 'default' });
        // Search attributes given as flags are ignored for a SQLite file that already has them.
        await registerSearchAttributes(connection);
      } finally {
        await connection.close();
      }
      break;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() > deadline) {
      await stop('SIGKILL');
      throw new Error(`temporal dev server not ready at ${address}: ${String(lastError)}\n${log}`);
    }
    await delay(200);
  }
  return { address, port, metricsPort, process: child, output: () => log, stop };
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
