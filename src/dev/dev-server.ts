/**
 * The Temporal dev server (`temporal server start-dev`) as a child process: used by `settle dev`
 * (SQLite file under .settle/, so journeys survive a restart) and by tests that kill and restart
 * it. Settle's search attributes are registered on every start, because the server ignores the
 * flags for a SQLite file that already exists.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { Connection, isGrpcServiceError } from '@temporalio/client';
import proto from '@temporalio/proto';
import { temporalCliPath } from './binaries.js';
import { DEV_SERVER_SEARCH_ATTRIBUTE_FLAGS, SA } from '../temporal/search-attributes.js';

const { IndexedValueType } = proto.temporal.api.enums.v1;
const GRPC_ALREADY_EXISTS = 6;

/** No fsync per write: for tests and demos, where speed matters more than surviving a power cut. */
export const SQLITE_FAST_PRAGMA_ARGS = ['--sqlite-pragma', 'journal_mode=WAL', '--sqlite-pragma', 'synchronous=OFF'];

/** Registers Settle's search attributes one by one, so one already present does not stop the others. */
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
  /** SQLite file; reuse it (and `port`) to restart the same server. Its folder is created. */
  dbFilename: string;
  port?: number;
  metricsPort?: number;
  /** Serve the Temporal Web UI on this port (headless when absent). */
  uiPort?: number;
  /** Faster, less durable SQLite settings (tests, demos). */
  fastSqlite?: boolean;
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

// Children still running when this process exits are killed, so no server outlives its owner.
const liveChildren = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of liveChildren) child.kill('SIGKILL');
});

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** Starts `temporal server start-dev` and waits until it serves the `default` namespace. */
export async function startDevServerProcess(opts: DevServerProcessOptions): Promise<DevServerProcess> {
  const port = opts.port ?? (await freePort());
  const metricsPort = opts.metricsPort ?? (await freePort());
  const address = `127.0.0.1:${port}`;
  mkdirSync(dirname(opts.dbFilename), { recursive: true });
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    ...(opts.uiPort !== undefined ? ['--ui-port', String(opts.uiPort)] : ['--headless']),
    '--db-filename',
    opts.dbFilename,
    '--metrics-port',
    String(metricsPort),
    ...DEV_SERVER_SEARCH_ATTRIBUTE_FLAGS,
    ...(opts.fastSqlite ? SQLITE_FAST_PRAGMA_ARGS : []),
    ...(opts.extraArgs ?? []),
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
