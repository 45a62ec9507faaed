/**
 * End to end: a journey on a real Temporal sends a real email (SMTP sink); the test reads the
 * pixel and the click link out of the received HTML, requests them from a running `settle
 * server` like a mail client would, and the journey routes on them: opened, then clicked, exit.
 */
import { Writable } from 'node:stream';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emailMessageId } from '../../src/activities/message.js';
import { server } from '../../src/cli/commands/server.js';
import { verifyLinkToken } from '../../src/channels/tokens.js';
import type { JourneyResult } from '../../src/workflows/types.js';
import { journeyRig, SECRET, type JourneyRig } from '../support/journey-worker.js';
import { createDevServerEnv, freePort, quietTemporalRuntime } from '../support/temporal.js';
import { eventually } from '../support/wait.js';
import { BROWSER } from './support.js';
import { enroll, record, stateOf, trackedPlan } from './temporal-support.js';

quietTemporalRuntime();

let env: TestWorkflowEnvironment;
let rig: JourneyRig;
let running: Promise<void>;
let base: string;
let stop: () => void;
let exited: Promise<number>;
const stderr: string[] = [];
const stdout: string[] = [];
/** The server's JSON log lines (the stream `settle server` writes to stderr). */
const logs: string[] = [];

beforeAll(async () => {
  env = await createDevServerEnv();
  rig = await journeyRig(env);
  running = rig.worker.run();
  // `settle server` itself, as an operator runs it (in-process, stopped by the test instead of SIGTERM).
  const vars = {
    TEMPORAL_ADDRESS: env.address,
    SETTLE_SECRET: SECRET,
    SETTLE_PUBLIC_URL: 'https://pay.example.test',
    SETTLE_HTTP_ADDR: `127.0.0.1:${await freePort()}`,
  };
  const until = new Promise<void>((resolve) => (stop = resolve));
  const listening = new Promise<string>((resolve) => {
    const io = {
      out: (s: string) => void stdout.push(s),
      err: (s: string) => void stderr.push(s),
      color: false,
      cwd: process.cwd(),
    };
    const logStream = new Writable({ write: (c: Buffer, _e, done) => done(void logs.push(c.toString('utf8'))) });
    exited = server(['--log-level', 'info'], io, vars, { until, onListening: resolve, logStream });
  });
  base = await listening;
}, 120_000);

afterAll(async () => {
  stop?.();
  await exited;
  rig?.worker.shutdown();
  await running;
  await rig?.close();
  await env?.teardown();
});

/** The counter of the dispatcher's outcome in the server's /metrics. */
async function signals(outcome: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  return Number(new RegExp(`settle_server_signals_total\\{outcome="${outcome}"\\} (\\d+)`).exec(text)?.[1]);
}

/** The same path on the server under test (links in the email name the public URL). */
const local = (url: string) => `${base}${new URL(url).pathname}`;

describe('tracking end to end', () => {
  it('a journey in waitFor [opened, clicked] routes on the pixel and then the click of its real email', async () => {
    const workflowId = await enroll(env.client, rig.taskQueue, trackedPlan(), record('E2E-TRACK-1'));
    const raw = await eventually(() => {
      const m = rig.smtp.messages().find((x) => x.messageId === emailMessageId(`${workflowId}/first-email/1`));
      expect(m).toBeDefined();
      return m!.raw;
    });
    const html = String((await simpleParser(raw)).html);
    const pixel = /<img src="([^"]+\/t\/o\/[^"]+)" width="1" height="1"/.exec(html)?.[1];
    const clicks = [...html.matchAll(/href="([^"]+\/t\/c\/[^"]+)"/g)].map((m) => m[1]!);
    expect(pixel).toBeDefined();
    expect(clicks.length).toBeGreaterThan(0);
    await eventually(async () => expect((await stateOf(env.client, workflowId)).current).toBe('watch'));
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    // A hit within 2 s of the sending is a mail gateway's, not the recipient's: wait past it.
    const iat = verifyLinkToken(SECRET, new URL(pixel!).pathname.split('/').pop()!, 'o')!.iat;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, iat * 1000 + 2_100 - Date.now())));

    // The recipient opens the email (twice: the second is a repeat) …
    for (let i = 0; i < 2; i++) {
      const res = await fetch(local(pixel!), { headers: { 'user-agent': BROWSER } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/gif');
    }
    await eventually(async () => expect((await stateOf(env.client, workflowId)).current).toBe('watch-click'));

    // … then clicks the pay button: a redirect to the landing page signed in the link.
    const click = await fetch(local(clicks[0]!), { headers: { 'user-agent': BROWSER }, redirect: 'manual' });
    expect(click.status).toBe(302);
    expect(click.headers.get('location')).toMatch(/^https:\/\/pay\.example\.test\/p\/[\w-]+\.[\w-]+$/);
    await fetch(local(clicks[0]!), { headers: { 'user-agent': BROWSER }, redirect: 'manual' });

    const result = (await env.client.workflow.getHandle(workflowId).result()) as JourneyResult;
    expect(result.outcome).toBe('clicked');
    const state = await stateOf(env.client, workflowId);
    expect(state.events.map((e) => e.type)).toEqual(['opened', 'clicked']);
    expect(state.events.every((e) => e.messageId === `${workflowId}/first-email/1`)).toBe(true);
    expect([
      await signals('queued'),
      await signals('duplicate'),
      await signals('delivered'),
      await signals('failed'),
    ]).toEqual([2, 2, 2, 0]);
  });

  it("one-click unsubscribe from the email's List-Unsubscribe header opts out every running journey of that address", async () => {
    const plan = trackedPlan();
    const address = 'unsubscriber@example.com';
    const [first, second] = [
      await enroll(env.client, rig.taskQueue, plan, record('E2E-UNSUB-1', address)),
      await enroll(env.client, rig.taskQueue, plan, record('E2E-UNSUB-2', address)),
    ];
    const raw = await eventually(() => {
      const m = rig.smtp.messages().find((x) => x.messageId === emailMessageId(`${first}/first-email/1`));
      expect(m).toBeDefined();
      return m!.raw;
    });
    const header = (await simpleParser(raw)).headerLines.find((h) => h.key === 'list-unsubscribe')!.line;
    const unsubscribe = /<([^>]+)>/.exec(header.replace(/\r?\n\s+/g, ''))![1]!;
    // The second journey must be visible to the contact query before the unsubscribe comes.
    await eventually(async () => expect((await stateOf(env.client, second)).current).toBe('watch'));
    await eventually(async () => {
      const running = await env.client.workflow.count(`WorkflowId = '${second}' AND ExecutionStatus = 'Running'`);
      expect(running.count).toBe(1);
    });
    const res = await fetch(local(unsubscribe), {
      method: 'POST',
      body: new URLSearchParams({ 'List-Unsubscribe': 'One-Click' }),
    });
    expect(res.status).toBe(200);
    for (const id of [first, second]) {
      await eventually(async () => expect((await stateOf(env.client, id)).optedOut).toEqual(['email']));
    }
    const events = (await stateOf(env.client, first)).events.map((e) => e.type);
    expect(events).toEqual(['optedOut']);
  });

  it('stops on request: closes the port, flushes, exits 0', async () => {
    stop();
    expect(await exited).toBe(0);
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
    // Its logs: JSON lines with service settle-server, nothing on stdout, no token or address of the debtors' links.
    expect(stdout).toEqual([]);
    const lines = logs.map((l) => JSON.parse(l) as Record<string, unknown>);
    for (const l of lines) expect(l.service).toBe('settle-server');
    expect(lines.find((l) => l.msg === 'server listening')?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(lines.some((l) => l.msg === 'not serving /webhooks/stripe (set STRIPE_WEBHOOK_SECRET)')).toBe(true);
    expect(lines.some((l) => (l.req as { url?: string } | undefined)?.url === '/u/…')).toBe(true);
    expect(logs.join('')).not.toMatch(/eyJ|@example|\+33/);
  });
});
