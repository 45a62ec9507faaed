/**
 * `settle dev` as a child process for the end-to-end tests: a fresh state folder and free ports
 * (Temporal, HTTP, both metrics endpoints), so runs do not collide with each other or other tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { freePort } from '../../src/dev/dev-server.js';
import { ROOT } from '../support/journeys.js';

export interface DevProcess {
  child: ChildProcess;
  state: string;
  /** Resolves when stderr contains `text`. */
  waitFor(text: string, timeoutMs: number): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stdout(): string;
  stderr(): string;
}

const TSX_LOADER = pathToFileURL(join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;

export async function spawnDev(args: string[], vars: Record<string, string> = {}): Promise<DevProcess> {
  const state = mkdtempSync(join(tmpdir(), 'settle-dev-'));
  const env = {
    ...process.env,
    TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}`,
    SETTLE_HTTP_ADDR: `127.0.0.1:${await freePort()}`,
    SETTLE_WORKER_METRICS_ADDR: '127.0.0.1:0',
    TEMPORAL_METRICS_ADDR: '127.0.0.1:0',
    ...vars,
  };
  const child = spawn(
    process.execPath,
    ['--import', TSX_LOADER, join(ROOT, 'src', 'cli', 'main.ts'), 'dev', ...args, '--no-ui', '--state-dir', state],
    { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  const listeners = new Set<() => void>();
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => {
    err += c.toString();
    for (const l of listeners) l();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      for (const l of listeners) l();
      resolve({ code, signal });
    }),
  );
  const waitFor = (text: string, timeoutMs: number) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => done(new Error(`no "${text}" after ${timeoutMs} ms:\n${err.slice(-4000)}`)),
        timeoutMs,
      );
      const check = () => {
        if (err.includes(text)) done();
        else if (child.exitCode !== null || child.signalCode !== null)
          done(new Error(`settle dev exited before "${text}":\n${err.slice(-4000)}`));
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
  return { child, state, waitFor, exited, stdout: () => out, stderr: () => err };
}

/** Two processes spinning on a CPU each (the machine has two): a loaded machine. Kill them after. */
export function hogCpus(n = 2): ChildProcess[] {
  return Array.from({ length: n }, () => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
}
