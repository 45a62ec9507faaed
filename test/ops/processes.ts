/**
 * Long-running Settle processes for the operations tests: `settle worker` through src/cli/main.ts,
 * configured only by its environment as in the container, with its JSON log lines kept.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from './cli.js';

export interface Proc {
  child: ChildProcess;
  /** Resolves when a log line contains `text`. */
  waitFor(text: string, timeoutMs?: number): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
  /** The stderr lines that are JSON objects. */
  jsonLines(): Record<string, unknown>[];
}

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of live) c.kill('SIGKILL');
});

const TSX_LOADER = pathToFileURL(join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;

export function spawnWorker(cwd: string, vars: Record<string, string>): Proc {
  const child = spawn(process.execPath, ['--import', TSX_LOADER, join(ROOT, 'src', 'cli', 'main.ts'), 'worker'], {
    cwd,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      SETTLE_WORKER_METRICS_ADDR: '127.0.0.1:0',
      TEMPORAL_METRICS_ADDR: '127.0.0.1:0',
      ...vars,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  let log = '';
  const listeners = new Set<() => void>();
  const keep = (chunk: Buffer) => {
    log += chunk.toString('utf8');
    for (const l of listeners) l();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      live.delete(child);
      for (const l of listeners) l();
      resolve({ code, signal });
    });
  });
  const waitFor = (text: string, timeoutMs = 90_000) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => done(new Error(`no "${text}" after ${timeoutMs} ms:\n${log.slice(-4000)}`)),
        timeoutMs,
      );
      const check = () => {
        if (log.includes(text)) done();
        else if (child.exitCode !== null || child.signalCode !== null)
          done(new Error(`worker exited before "${text}":\n${log.slice(-4000)}`));
      };
      const done = (e?: Error) => {
        clearTimeout(timer);
        listeners.delete(check);
        if (e) reject(e);
        else resolve();
      };
      listeners.add(check);
      check();
    });
  const jsonLines = () =>
    log
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { child, waitFor, exited, output: () => log, jsonLines };
}
