/**
 * The journey worker as a real child process (`node --import tsx src/cli/main.ts worker`), configured
 * only through its environment like in production, so tests can SIGKILL it mid-journey and start
 * another one. Children still alive when the test process exits are killed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from './journeys.js';

export interface WorkerProcessOptions {
  /** Working directory: SMS go to `.settle/outbox/sms.jsonl` under it. */
  cwd: string;
  temporalAddress: string;
  smtpUrl: string;
  secret: string;
  taskQueue: string;
  /** How long to wait for "worker ready" (it bundles the workflow code first). */
  readyTimeoutMs?: number;
  /** More environment variables (e.g. SETTLE_ENCRYPTION_KEYS). */
  env?: Record<string, string>;
}

export interface WorkerProcess {
  child: ChildProcess;
  /** Resolves once the worker printed "worker ready"; rejects if it exits or times out first. */
  ready: Promise<void>;
  /** Resolves when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The last 64 KB it printed (stdout and stderr), for failure messages. */
  output(): string;
  /** Sends `signal` and waits for the exit (SIGKILL after `graceMs` if it is still alive). */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
}

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** The tsx loader by absolute URL: the worker's cwd is a temp dir where `tsx` would not resolve. */
const TSX_LOADER = pathToFileURL(join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
const WORKER_ENTRY = join(ROOT, 'src', 'cli', 'main.ts');

export function spawnWorkerProcess(o: WorkerProcessOptions): WorkerProcess {
  const child = spawn(process.execPath, ['--import', TSX_LOADER, WORKER_ENTRY, 'worker'], {
    cwd: o.cwd,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      TEMPORAL_ADDRESS: o.temporalAddress,
      TEMPORAL_TASK_QUEUE: o.taskQueue,
      SMTP_URL: o.smtpUrl,
      SETTLE_SECRET: o.secret,
      ...o.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  let log = '';
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString('utf8')).slice(-65_536);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      live.delete(child);
      resolve({ code, signal });
    });
  });
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`worker not ready after ${o.readyTimeoutMs ?? 90_000} ms:\n${log}`)),
      o.readyTimeoutMs ?? 90_000,
    );
    const onData = () => {
      if (log.includes('worker ready')) {
        clearTimeout(timer);
        child.stderr?.off('data', onData);
        resolve();
      }
    };
    child.stderr?.on('data', onData);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`worker exited (code ${code}, signal ${signal}) before it was ready:\n${log}`));
    });
  });
  ready.catch(() => undefined); // observed by whoever awaits it
  const stop = async (signal: NodeJS.Signals = 'SIGTERM', graceMs = 10_000) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill(signal);
    const escalate = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(escalate);
  };
  return { child, ready, exited, output: () => log, stop };
}
