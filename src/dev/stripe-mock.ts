/**
 * stripe-mock, Stripe's own API mock (its OpenAPI spec embedded), as a child process: the
 * Stripe counterpart of tests and of `settle dev` when no Stripe key is configured.
 * scripts/setup-tools.sh builds it into .tools/bin; STRIPE_MOCK_PATH points at
 * another binary. It is stateless (a created session cannot be read back) and sends no webhooks.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot, SETUP_COMMAND } from './binaries.js';

export class StripeMockMissingError extends Error {
  override name = 'StripeMockMissingError';
}

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The stripe-mock binary: STRIPE_MOCK_PATH, else .tools/bin/stripe-mock (the setup script's order). */
export function stripeMockPath(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.STRIPE_MOCK_PATH;
  if (fromEnv !== undefined && fromEnv !== '') {
    if (isExecutableFile(fromEnv)) return fromEnv;
    throw new StripeMockMissingError(
      `STRIPE_MOCK_PATH=${fromEnv} is not an executable file (unset it or fix the path)`,
    );
  }
  const local = join(projectRoot(), '.tools', 'bin', 'stripe-mock');
  if (isExecutableFile(local)) return local;
  throw new StripeMockMissingError(
    `stripe-mock not found: run \`${SETUP_COMMAND}\` to build it into .tools/bin, or set STRIPE_MOCK_PATH (looked at ${local})`,
  );
}

export interface StripeMock {
  /** http://127.0.0.1:PORT */
  url: string;
  host: string;
  port: number;
  /** Options for `new Stripe(key, …)` / createStripeCheckout. */
  sdk: { host: string; port: number; protocol: 'http' };
  stop(): Promise<void>;
}

export interface StartStripeMockOptions {
  path?: string;
  /** Milliseconds to wait for it to answer (default 15 s). */
  timeoutMs?: number;
}

const LISTENING = /Listening for HTTP at address: 127\.0\.0\.1:(\d+)/;

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Waits for the HTTP port stripe-mock prints (it binds port 0: no race for a free port). */
function listeningPort(child: ChildProcess, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(
      () => fail(new Error(`stripe-mock did not start within ${timeoutMs} ms: ${out.trim()}`)),
      timeoutMs,
    );
    function fail(error: Error): void {
      clearTimeout(timer);
      reject(error);
    }
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const m = LISTENING.exec(out);
      if (m) {
        clearTimeout(timer);
        // From here on its output is only drained (it logs nothing per request unless -verbose).
        child.stdout?.removeAllListeners('data').resume();
        child.stderr?.removeAllListeners('data').resume();
        resolve(Number(m[1]));
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.once('error', fail);
    child.once('exit', (code) => fail(new Error(`stripe-mock exited with code ${code}: ${out.trim()}`)));
  });
}

/** Polls until stripe-mock answers an authenticated API call. */
async function answers(url: string, deadline: number): Promise<void> {
  for (;;) {
    try {
      const res = await fetch(`${url}/v1/balance`, { headers: { authorization: 'Bearer sk_test_123' } });
      if (res.ok) return;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`stripe-mock at ${url} does not answer`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Starts stripe-mock on loopback. It serves HTTPS too whenever only `-http-addr` is given (on
 * all interfaces, port 12112), so that listener is pinned to a free loopback port as well.
 */
export async function startStripeMock(options: StartStripeMockOptions = {}): Promise<StripeMock> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const child = spawn(options.path ?? stripeMockPath(), ['-http-addr', '127.0.0.1:0', '-https-addr', '127.0.0.1:0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stop = async (): Promise<void> => {
    child.kill('SIGTERM');
    await exited(child);
  };
  try {
    const port = await listeningPort(child, timeoutMs);
    const url = `http://127.0.0.1:${port}`;
    await answers(url, Date.now() + timeoutMs);
    return { url, host: '127.0.0.1', port, sdk: { host: '127.0.0.1', port, protocol: 'http' }, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
