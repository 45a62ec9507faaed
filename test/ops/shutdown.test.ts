/**
 * Graceful shutdown of a worker under load, every part real and separate: the Temporal dev server
 * and the worker as child processes (the first one on the workflow bundle built ahead of time, as
 * the container runs it), a deliberately slow SMTP server in this process. The worker gets SIGTERM
 * while emails are in flight: it stops polling, lets the in-flight sends finish and report, exits
 * 0; a second worker finishes every journey. No email is lost or sent twice (Message-IDs are the
 * activities' idempotency keys), and the logs are JSON lines without personal data.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { Client, Connection } from '@temporalio/client';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emailMessageId } from '../../src/activities/message.js';
import { startJourney } from '../../src/enrollment/start.js';
import type { EnrollmentData, JourneyPlan } from '../../src/ir/index.js';
import { workflowIdFor } from '../../src/ids/workflow-ids.js';
import { ALWAYS_OPEN_POLICY, exampleRecord, planFromYaml } from '../support/journeys.js';
import { startDevServerProcess, type DevServerProcess } from '../support/temporal.js';
import { runProcess } from './cli.js';
import { spawnWorker, type Proc } from './processes.js';
import { readingDataConverterOf } from '../support/codec.js';
import { journeyYaml, twoEmails } from '../support/journey-yaml.js';

const JOURNEY = 'shutdown-reminder';
const JOURNEYS = 30;
const SMTP_DELAY_MS = 1_500;
const SECRET = 'ops-test-secret-0123456789-abcdefghij';
const STEPS = ['first-email', 'second-email'];

const JOURNEY_YAML = journeyYaml({
  name: JOURNEY,
  steps: twoEmails('1d'),
});

/** An SMTP server that takes SMTP_DELAY_MS to accept each message, so sends are in flight for a while. */
async function slowSmtp(): Promise<{ url: string; inflight: () => number; ids: string[]; close: () => Promise<void> }> {
  const ids: string[] = [];
  let inflight = 0;
  const smtp = await smtpAnswering((stream, _session, callback) => {
    inflight += 1;
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => {
      setTimeout(() => {
        const id = /^Message-ID:\s*(\S+)/im.exec(Buffer.concat(chunks).toString('utf8'))?.[1] ?? '';
        ids.push(id);
        inflight -= 1;
        callback(null, 'queued');
      }, SMTP_DELAY_MS);
    });
  });
  return { ...smtp, inflight: () => inflight, ids };
}

/** An SMTP server on loopback that hands each message to `onData`. */
function smtpAnswering(
  onData: NonNullable<SMTPServerOptions['onData']>,
): Promise<{ url: string; close: () => Promise<void> }> {
  const server = new SMTPServer({ authOptional: true, disabledCommands: ['STARTTLS'], logger: false, onData });
  server.on('error', () => undefined);
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.server.address() as { port: number };
      resolve({ url: `smtp://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(() => r())) });
    });
  });
}

let tmp: string;
let server: DevServerProcess;
let connection: Connection;
let client: Client;
let smtp: Awaited<ReturnType<typeof slowSmtp>>;
let plan: JourneyPlan;
const workers: Proc[] = [];

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'settle-shutdown-'));
  plan = planFromYaml(JOURNEY_YAML, [ALWAYS_OPEN_POLICY]);
  server = await startDevServerProcess({ dbFilename: join(tmp, 'temporal', 'dev.db') });
  connection = await Connection.connect({ address: server.address });
  client = new Client({ connection, dataConverter: readingDataConverterOf(SECRET) });
  smtp = await slowSmtp();
}, 120_000);

afterAll(async () => {
  for (const w of workers) w.child.kill('SIGKILL');
  await connection?.close();
  await server?.stop();
  await smtp?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
}, 60_000);

function record(i: number): EnrollmentData {
  const r = exampleRecord((['anna-rossi', 'mary-smith', 'jan-devries'] as const)[i % 3]!);
  const debtId = `SHUT-${String(i).padStart(3, '0')}`;
  return {
    ...r,
    debtId,
    debt: { ...r.debt, reference: debtId, dueDate: new Date(Date.now() - 10 * 86_400_000).toISOString().slice(0, 10) },
  };
}

async function waitUntil(what: string, ready: () => boolean | Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ready())) {
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}\n${workers.at(-1)?.output().slice(-4000) ?? ''}`);
    await delay(50);
  }
}

describe('SIGTERM during a busy portfolio', () => {
  it('the worker drains in-flight sends and exits 0; the next worker finishes every journey; nothing lost or sent twice', async () => {
    const bundle = join(tmp, 'workflow-bundle.js');
    const built = await runProcess('scripts/build-workflow-bundle.ts', [bundle], {});
    expect(built.code, built.stderr).toBe(0);

    const taskQueue = `shutdown-${Date.now()}`;
    const records = Array.from({ length: JOURNEYS }, (_, i) => record(i));
    for (const r of records) {
      expect(
        await startJourney(client, {
          taskQueue,
          plan,
          record: r,
          secret: SECRET,
          nowMs: Date.now(),
          timeScale: 43_200,
        }),
      ).toBe('started');
    }
    const env = {
      TEMPORAL_ADDRESS: server.address,
      TEMPORAL_TASK_QUEUE: taskQueue,
      SMTP_URL: smtp.url,
      SETTLE_SECRET: SECRET,
    };
    const healthFile = join(tmp, 'worker.health');
    const first = spawnWorker(tmp, {
      ...env,
      SETTLE_WORKFLOW_BUNDLE: bundle,
      SETTLE_LOG_LEVEL: 'debug',
      SETTLE_SHUTDOWN_GRACE: '60s',
    });
    workers.push(first);
    await first.waitFor('worker ready');

    await waitUntil('emails in flight', () => smtp.inflight() > 0);
    const inflightAtTerm = smtp.inflight();
    const receivedAtTerm = smtp.ids.length;
    first.child.kill('SIGTERM');
    expect(await first.exited).toEqual({ code: 0, signal: null });
    // The sends in flight at SIGTERM finished before the worker exited.
    expect(smtp.inflight()).toBe(0);
    expect(smtp.ids.length).toBeGreaterThanOrEqual(receivedAtTerm + inflightAtTerm);
    const handles = records.map((r) => client.workflow.getHandle(workflowIdFor(r.debtId)));
    const open = await Promise.all(handles.map(async (h) => (await h.describe()).status.name));
    expect(open.filter((s) => s === 'RUNNING').length, 'journeys left for the next worker').toBeGreaterThan(0);

    const second = spawnWorker(tmp, { ...env, SETTLE_WORKER_HEALTH_FILE: healthFile });
    workers.push(second);
    await second.waitFor('worker ready');
    await waitUntil('every journey completed', async () => {
      const statuses = await Promise.all(handles.map(async (h) => (await h.describe()).status.name));
      const bad = statuses.filter((s) => s !== 'RUNNING' && s !== 'COMPLETED');
      if (bad.length > 0) throw new Error(`journeys ended badly: ${bad.join(', ')}`);
      return statuses.every((s) => s === 'COMPLETED');
    });
    for (const h of handles) expect(await h.result()).toMatchObject({ outcome: 'unresolved', sends: STEPS.length });
    const expected = records
      .flatMap((r) => STEPS.map((s) => emailMessageId(`${workflowIdFor(r.debtId)}/${s}/1`)))
      .sort();
    expect([...smtp.ids].sort()).toEqual(expected);

    // The container health check's file: fresh while the worker runs, gone after it stopped.
    await waitUntil('health file', () => existsSync(healthFile), 15_000);
    expect(JSON.parse(readFileSync(healthFile, 'utf8'))).toMatchObject({ state: 'RUNNING' });
    expect(Date.now() - statSync(healthFile).mtimeMs).toBeLessThan(30_000);
    second.child.kill('SIGINT');
    expect(await second.exited).toEqual({ code: 0, signal: null });
    expect(existsSync(healthFile)).toBe(false);

    // Structured logs: JSON lines with the ids an operator searches by, no personal data.
    const lines = first.jsonLines();
    expect(lines.find((l) => l.msg === 'worker ready')).toMatchObject({ service: 'settle-worker', taskQueue, bundle });
    expect(lines.find((l) => typeof l.msg === 'string' && l.msg.startsWith('worker stopping'))).toMatchObject({
      signal: 'SIGTERM',
    });
    expect(lines.some((l) => l.msg === 'worker stopped')).toBe(true);
    const activity = lines.find((l) => l.msg === 'activity completed' && l.activity === 'sendEmail');
    expect(activity).toMatchObject({ journey: JOURNEY, version: 1, step: 'first-email', outcome: 'completed' });
    // One workflow per debt (settle/<debtId>); the journey is named by the log line's own field.
    expect(String(activity!.workflowId)).toMatch(/^settle\/SHUT-\d{3}$/);
    for (const r of records.slice(0, 3)) {
      expect(first.output()).not.toContain(r.debtor.email!);
      expect(second.output()).not.toContain(r.debtor.email!);
    }
  }, 240_000);
});

/** An SMTP server that never answers a message: every send hangs until the worker gives up on it. */
async function hangingSmtp(): Promise<{ url: string; inflight: () => number; close: () => Promise<void> }> {
  let inflight = 0;
  const smtp = await smtpAnswering((stream) => {
    inflight += 1;
    stream.resume(); // read the message, never answer it
  });
  return { ...smtp, inflight: () => inflight };
}

describe('a stop that cannot drain is still bounded', () => {
  let next = 100;
  async function hungWorker(grace: string) {
    const hang = await hangingSmtp();
    const taskQueue = `shutdown-hang-${Date.now()}`;
    // Debtors of their own: a debtor's ledger runs on the task queue of the journey that started it first.
    for (let i = 0; i < 3; i++) {
      const r = record(next++);
      const debtor = { ...r.debtor, id: `HANG-${taskQueue}-${i}`, email: `hang-${i}-${Date.now()}@example.com` };
      await startJourney(client, { taskQueue, plan, record: { ...r, debtor }, secret: SECRET, nowMs: Date.now() });
    }
    const w = spawnWorker(tmp, {
      TEMPORAL_ADDRESS: server.address,
      TEMPORAL_TASK_QUEUE: taskQueue,
      SMTP_URL: hang.url,
      SETTLE_SECRET: SECRET,
      SETTLE_SHUTDOWN_GRACE: grace,
    });
    workers.push(w);
    await w.waitFor('worker ready');
    await waitUntil('a send hanging', () => hang.inflight() > 0, 60_000);
    return { w, hang };
  }

  it('past SETTLE_SHUTDOWN_GRACE the worker abandons the hung sends and exits 0', async () => {
    const { w, hang } = await hungWorker('2s');
    try {
      w.child.kill('SIGTERM');
      const exit = await Promise.race([w.exited, delay(60_000).then(() => 'still running' as const)]);
      expect(exit, w.output().slice(-3000)).toEqual({ code: 0, signal: null });
      expect(w.jsonLines().some((l) => String(l.msg).startsWith('worker stopped without draining'))).toBe(true);
    } finally {
      await hang.close();
    }
  }, 120_000);

  it('a second SIGTERM while draining exits at once with code 143 and one line', async () => {
    const { w, hang } = await hungWorker('60s');
    try {
      w.child.kill('SIGTERM');
      await w.waitFor('worker stopping');
      w.child.kill('SIGTERM');
      const exit = await Promise.race([w.exited, delay(30_000).then(() => 'still running' as const)]);
      expect(exit, w.output().slice(-3000)).toEqual({ code: 143, signal: null });
      const forced = w.jsonLines().filter((l) => String(l.msg).includes('again while stopping'));
      expect(forced).toHaveLength(1);
      expect(forced[0]!.msg).toMatch(/^settle: SIGTERM again while stopping: exiting now/);
    } finally {
      await hang.close();
    }
  }, 120_000);
});
