/**
 * Stoplight Prism as a validating proxy (`prism proxy SPEC UPSTREAM --errors`): every request
 * is checked against an OpenAPI document before it is forwarded, and one that violates it is
 * answered 422 (401 without the spec's credentials) instead of reaching the upstream. Prism and
 * Twilio's spec are provisioned by scripts/setup-tools.sh into .tools/ (never downloaded here).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { freePort } from '../../src/dev/dev-server.js';

const ROOT = join(import.meta.dirname, '..', '..');

export const PRISM_BIN = join(ROOT, '.tools', 'prism', 'node_modules', '.bin', 'prism');
export const TWILIO_SPEC = join(ROOT, '.tools', 'twilio', 'twilio_api_v2010.json');

export interface PrismProxy {
  url: string;
  /** Prism's log lines (warnings and errors): request and response violations. */
  log(): string[];
  close(): Promise<void>;
}

function missing(path: string): never {
  throw new Error(
    `${path} is missing: run \`npm run setup\` (scripts/setup-tools.sh installs Prism and Twilio's OpenAPI spec)`,
  );
}

export async function startPrismProxy(
  spec: string,
  upstream: string,
  { timeoutMs = 90_000 } = {},
): Promise<PrismProxy> {
  if (!existsSync(PRISM_BIN)) missing(PRISM_BIN);
  if (!existsSync(spec)) missing(spec);
  const port = await freePort();
  const args = [
    'proxy',
    spec,
    upstream,
    '--errors',
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
    '--cors',
    'false',
    '-v',
    'warn',
  ];
  const child: ChildProcess = spawn(PRISM_BIN, args, {
    env: { ...process.env, SCARF_ANALYTICS: 'false', NO_COLOR: '1', FORCE_COLOR: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const keep = (chunk: Buffer) =>
    lines.push(
      ...chunk
        .toString()
        .split('\n')
        .filter((l) => l.trim() !== ''),
    );
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const close = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`prism exited with ${child.exitCode}:\n${lines.slice(-20).join('\n')}`);
    try {
      await fetch(`${url}/`); // any answer (404: no such path in the spec) means it listens
      break;
    } catch {
      if (Date.now() > deadline) {
        await close();
        throw new Error(`prism did not listen on ${url} within ${timeoutMs} ms:\n${lines.slice(-20).join('\n')}`);
      }
      await delay(200);
    }
  }
  return { url, log: () => [...lines], close };
}
