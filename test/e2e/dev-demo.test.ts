/**
 * `settle dev --demo` as a user runs it: a child process with its own dev server, SMTP and SMS
 * sinks and worker, a synthetic portfolio flowing through the example journeys, and a summary.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../src/dev/dev-server.js';
import type { DevSummary } from '../../src/app/dev-process.js';
import { ROOT } from '../support/journeys.js';

describe('settle dev --demo', () => {
  it('runs journeys end to end and prints a summary, with messages in the outbox', async () => {
    const state = mkdtempSync(join(tmpdir(), 'settle-dev-'));
    const env = {
      ...process.env,
      TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}`,
      SETTLE_HTTP_ADDR: `127.0.0.1:${await freePort()}`,
      // Request lines too (info), so that the HTTP server's and the SDK's lines are there to check.
      SETTLE_LOG_LEVEL: 'info',
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
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    // Once the demo runs, a hostile request: an address and a number in the query of a link with a token.
    while (!err.includes('demo: 40 journeys started') && child.exitCode === null) await delay(200);
    const hostileToken = 'eyJwIjoidSIsInciOiJzZXR0bGUvREVWLTEvc29mdCJ9.c2lnbmF0dXJlLW9mLXRlc3Q';
    const hostile = await fetch(
      `http://${env.SETTLE_HTTP_ADDR}/u/${hostileToken}?email=anna.rossi@example.com&phone=%2B33612345678`,
    ).catch(() => undefined);
    const code = await exited;
    expect(code, err).toBe(0);
    expect(hostile?.status).toBe(404);
    // stdout is the summary alone (it parses as one JSON document).
    const summary = JSON.parse(out) as DevSummary;
    // Outcomes, not speed: how far the journeys got in 45 s depends on the machine (and its load).
    expect(summary.stoppedBy).toBe('timer');
    expect(summary.journeys.started).toBe(40);
    const completed = Object.values(summary.journeys.completed).reduce((a, b) => a + b, 0);
    // A debt handed over runs once in each journey: runs ended plus runs still going are the runs started.
    const runs = Object.values(summary.journeys.byJourney).reduce((a, j) => a + j.started, 0);
    expect(runs).toBeGreaterThanOrEqual(40);
    expect(completed + summary.journeys.running).toBe(runs);
    // Each debt still running is in one journey at a time: no more running than debts not yet ended.
    expect(summary.journeys.running).toBeLessThanOrEqual(40);
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
    // stderr: the progress lines, and JSON lines of the process logger, each with service settle-dev.
    const json = err
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(json.length).toBeGreaterThan(0);
    for (const l of json) expect(l.service).toBe('settle-dev');
    expect(json.some((l) => (l.req as { url?: string } | undefined)?.url === '/u/…?…')).toBe(true);
    // No debtor's address or number, no link token: neither the demo's own nor the hostile request's.
    expect(err).not.toMatch(/[\w.+-]+@[\w-]+\.[a-z]{2,}/i);
    expect(err).not.toMatch(/\+\d{9,}|%2B\d{6,}/);
    expect(err).not.toMatch(/eyJ[\w-]{8,}/);
  }, 150_000);
});
