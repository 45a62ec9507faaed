/**
 * `settle dev --demo` as a user runs it: a child process with its own dev server, SMTP and SMS
 * sinks and worker, a synthetic portfolio flowing through the example journeys, and a summary.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../src/temporal/dev-server.js';
import type { DevSummary } from '../../src/dev/run-dev.js';
import { ROOT } from '../support/journeys.js';

describe('settle dev --demo', () => {
  it('runs journeys end to end and prints a summary, with messages in the outbox', async () => {
    const state = mkdtempSync(join(tmpdir(), 'settle-dev-'));
    const env = {
      ...process.env,
      TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}`,
      SETTLE_HTTP_ADDR: `127.0.0.1:${await freePort()}`,
    };
    const child = spawn(
      process.execPath,
      [
        '--import',
        pathToFileURL(join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href,
        join(ROOT, 'src', 'cli', 'main.ts'),
        'dev',
        '--demo',
        '--for',
        '45s',
        '--debts',
        '40',
        '--json',
        '--no-ui',
        '--state-dir',
        state,
      ],
      {
        cwd: ROOT,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code, err).toBe(0);
    const summary = JSON.parse(out) as DevSummary;
    // Outcomes, not speed: how far the journeys got in 45 s depends on the machine (and its load).
    expect(summary.stoppedBy).toBe('timer');
    expect(summary.journeys.started).toBe(40);
    const completed = Object.values(summary.journeys.completed).reduce((a, b) => a + b, 0);
    expect(completed + summary.journeys.running).toBe(40);
    expect(summary.messages.email).toBeGreaterThan(0);
    expect(
      Object.values(summary.events).reduce((a, b) => a + b, 0),
      'debtors reacted',
    ).toBeGreaterThan(0);
    const outbox = readdirSync(join(state, 'outbox'));
    expect(outbox.filter((f) => f.endsWith('.eml')).length).toBe(summary.messages.email);
    // No SMS yet is a possible outcome of 45 s on a slow machine: the sink's file then does not exist.
    const smsFile = join(state, 'outbox', 'sms.jsonl');
    const smsLines = existsSync(smsFile) ? readFileSync(smsFile, 'utf8').split('\n').filter(Boolean) : [];
    expect(smsLines.length).toBe(summary.messages.sms ?? 0);
    expect(err).toContain('demo: 40 journeys started');
  }, 150_000);
});
