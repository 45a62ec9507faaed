/**
 * Durability end to end, with every part real and separate: the Temporal dev server as a child
 * process on a SQLite file, the journey worker as a child process (`settle worker`, configured
 * by its environment), a real SMTP server in this process and the SMS outbox file. Forty journeys
 * run at 43 200× speed (one journey day = 2 s).
 * 1. The worker is SIGKILLed mid-way (some messages out, journeys asleep in their timers); a new
 *    worker process finishes every journey, and no message goes out twice: every Message-ID the
 *    SMTP server received is unique and each journey sent exactly its emails; SMS keys likewise.
 * 2. The dev server is stopped (SIGTERM) while journeys wait in a timer and restarted on the same
 *    SQLite file and port; with a new worker, every journey resumes and completes, exactly once.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emailMessageId } from '../../src/activities/message.js';
import { startSmtpSink, type SmtpSink } from '../../src/dev/smtp-sink.js';
import type { EnrollmentData, JourneyPlan } from '../../src/ir/index.js';
import { keyedHash, workflowIdFor } from '../../src/ids/workflow-ids.js';
import type { JourneyInput, JourneyResult } from '../../src/workflows/types.js';
import { SECRET } from '../support/journey-worker.js';
import { exit, journeyYaml, send, wait } from '../support/journey-yaml.js';
import { ALWAYS_OPEN_POLICY, exampleRecord, planFromYaml } from '../support/journeys.js';
import { startDevServerProcess, type DevServerProcess } from '../support/temporal.js';
import { spawnWorkerProcess, type WorkerProcess } from '../support/worker-process.js';
import { readingDataConverterOf } from '../support/codec.js';

const JOURNEY = 'durable-reminder';
const JOURNEYS = 40;
/** One journey day = 2 s of wall time. */
const TIME_SCALE = 43_200;
const DAY = 86_400_000;

/**
 * Three emails and an SMS over nine journey days (18 s). The first wait is the longest, so that
 * all forty first emails are out well before anyone's SMS is due: a quiet moment to kill in.
 */
const JOURNEY_YAML = journeyYaml({
  name: JOURNEY,
  goal: 'paid',
  steps: [
    send('first-email', 'email', 'overdue-friendly'),
    wait('pause-1', '5d'),
    send('nudge-sms', 'sms', 'overdue-nudge-sms'),
    wait('pause-2', '2d'),
    send('second-email', 'email', 'reminder-social-proof'),
    wait('pause-3', '2d'),
    send('final-email', 'email', 'final-friendly-reminder'),
    exit('done', 'unresolved'),
  ],
});
const EMAIL_STEPS = ['first-email', 'second-email', 'final-email'];
const SMS_STEPS = ['nudge-sms'];

let tmp: string;
let dbFilename: string;
let server: DevServerProcess;
let connection: Connection;
let client: Client;
let plan: JourneyPlan;
const workers: WorkerProcess[] = [];
const sinks: SmtpSink[] = [];

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'settle-durability-'));
  dbFilename = join(tmp, 'temporal', 'dev.db');
  plan = planFromYaml(JOURNEY_YAML, [ALWAYS_OPEN_POLICY]);
  server = await startDevServerProcess({ dbFilename });
  connection = await Connection.connect({ address: server.address });
  client = new Client({ connection, dataConverter: readingDataConverterOf(SECRET) });
}, 120_000);

afterAll(async () => {
  for (const w of workers) await w.stop('SIGKILL');
  await connection?.close();
  await server?.stop();
  for (const s of sinks) await s.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
}, 60_000);

interface Enrolled {
  handle: WorkflowHandle;
  workflowId: string;
  smsConsent: boolean;
}

interface Rig {
  name: string;
  cwd: string;
  taskQueue: string;
  smtp: SmtpSink;
  journeys: Enrolled[];
  workers: WorkerProcess[];
  startWorker(): Promise<WorkerProcess>;
  /** Message-IDs the SMTP server received and SMS keys in the outbox file, in arrival order. */
  emailIds(): string[];
  smsKeys(): string[];
}

const RECORDS = ['anna-rossi', 'mary-smith', 'jan-devries'] as const;

/** A record of examples/records with its own debt id, due ten days before now. */
function record(i: number, prefix: string): EnrollmentData {
  const r = exampleRecord(RECORDS[i % RECORDS.length]!);
  const debtId = `${prefix}-${String(i).padStart(3, '0')}`;
  const dueDate = new Date(Date.now() - 10 * DAY).toISOString().slice(0, 10);
  return { ...r, debtId, debt: { ...r.debt, reference: debtId, dueDate } };
}

async function setUp(name: string): Promise<Rig> {
  const cwd = join(tmp, name);
  mkdirSync(cwd, { recursive: true });
  const smtp = await startSmtpSink();
  sinks.push(smtp);
  const taskQueue = `durability-${name}-${Math.random().toString(36).slice(2)}`;
  const journeys = await Promise.all(
    Array.from({ length: JOURNEYS }, async (_, i): Promise<Enrolled> => {
      const enrollment = record(i, name.toUpperCase());
      const workflowId = workflowIdFor(enrollment.debtId);
      const input: JourneyInput = {
        plan,
        enrollment,
        options: {
          debtorKey: keyedHash(SECRET, 'debtor', enrollment.debtor.id),
          contactKeys: [],
          timeScale: TIME_SCALE,
        },
      };
      const handle = await client.workflow.start('journeyWorkflow', { workflowId, taskQueue, args: [input] });
      return { handle, workflowId, smsConsent: enrollment.debtor.consent?.sms === true };
    }),
  );
  const smsFile = join(cwd, '.settle', 'outbox', 'sms.jsonl');
  const ownWorkers: WorkerProcess[] = [];
  return {
    name,
    cwd,
    taskQueue,
    smtp,
    journeys,
    workers: ownWorkers,
    async startWorker() {
      const w = spawnWorkerProcess({
        cwd,
        temporalAddress: server.address,
        smtpUrl: smtp.url,
        secret: SECRET,
        taskQueue,
      });
      workers.push(w);
      ownWorkers.push(w);
      await w.ready;
      return w;
    },
    emailIds: () => smtp.messages().map((m) => m.messageId),
    smsKeys() {
      let text = '';
      try {
        text = readFileSync(smsFile, 'utf8');
      } catch {
        return [];
      }
      return text
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => (JSON.parse(l) as { key: string }).key);
    },
  };
}

function expectedEmailIds(rig: Rig): string[] {
  return rig.journeys.flatMap((j) => EMAIL_STEPS.map((s) => emailMessageId(`${j.workflowId}/${s}/1`))).sort();
}

function expectedSmsKeys(rig: Rig): string[] {
  return rig.journeys
    .filter((j) => j.smsConsent)
    .flatMap((j) => SMS_STEPS.map((s) => `${j.workflowId}/${s}/1`))
    .sort();
}

/** The tail of the latest worker's output, for failure messages. */
function workerLog(rig: Rig): string {
  return `\n--- worker output ---\n${rig.workers.at(-1)?.output().slice(-4_000) ?? '(no worker)'}`;
}

function duplicates(values: string[]): string[] {
  const seen = new Set<string>();
  return values.filter((v) => (seen.has(v) ? true : (seen.add(v), false)));
}

/**
 * Waits until some but not all emails went out and every journey sleeps in a timer (no activity
 * or workflow task in flight, nothing new arriving meanwhile): the moment to pull the plug. An
 * email accepted by SMTP whose completion the dead worker never reported would be retried with
 * the same Message-ID: at-least-once delivery, not a bug this test is about.
 */
async function waitForQuietMidway(rig: Rig, timeoutMs = 90_000): Promise<number> {
  const total = expectedEmailIds(rig).length;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const before = rig.emailIds().length + rig.smsKeys().length;
    if (rig.emailIds().length >= JOURNEYS && rig.emailIds().length < total) {
      const described = await Promise.all(rig.journeys.map((j) => j.handle.describe()));
      const busy = described.some(
        (d) => d.status.name !== 'RUNNING' || (d.raw.pendingActivities?.length ?? 0) > 0 || d.raw.pendingWorkflowTask,
      );
      if (!busy && rig.emailIds().length + rig.smsKeys().length === before) return rig.emailIds().length;
    }
    await delay(50);
  }
  throw new Error(
    `${rig.name}: never reached a quiet point mid-way (${rig.emailIds().length} emails)${workerLog(rig)}`,
  );
}

/** Polls describe() until every journey closed; fails at once on anything but COMPLETED. */
async function waitAllCompleted(rig: Rig, timeoutMs = 150_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const statuses = await Promise.all(
      rig.journeys.map(async (j) => ({ id: j.workflowId, status: (await j.handle.describe()).status.name })),
    );
    const bad = statuses.filter((s) => s.status !== 'RUNNING' && s.status !== 'COMPLETED');
    if (bad.length > 0) throw new Error(`journeys ended badly: ${JSON.stringify(bad)}${workerLog(rig)}`);
    const open = statuses.filter((s) => s.status === 'RUNNING');
    if (open.length === 0) return;
    if (Date.now() > deadline)
      throw new Error(`${open.length} journeys still running, e.g. ${open[0]!.id}${workerLog(rig)}`);
    await delay(250);
  }
}

async function expectExactlyOnce(rig: Rig): Promise<void> {
  for (const j of rig.journeys) {
    const result = (await j.handle.result()) as JourneyResult;
    expect(result, j.workflowId).toMatchObject({
      outcome: 'unresolved',
      journey: JOURNEY,
      version: 1,
      sends: EMAIL_STEPS.length + (j.smsConsent ? 1 : 0),
    });
  }
  const emails = rig.emailIds();
  expect(duplicates(emails)).toEqual([]);
  expect([...emails].sort()).toEqual(expectedEmailIds(rig));
  const sms = rig.smsKeys();
  expect(duplicates(sms)).toEqual([]);
  expect([...sms].sort()).toEqual(expectedSmsKeys(rig));
}

describe('journeys survive their worker and their server', () => {
  it('a worker SIGKILLed mid-way: a new worker process finishes every journey, no message twice', async () => {
    const rig = await setUp('kill');
    const first = await rig.startWorker();
    const atKill = await waitForQuietMidway(rig);
    first.child.kill('SIGKILL');
    expect(await first.exited).toMatchObject({ signal: 'SIGKILL' });
    expect(atKill).toBeGreaterThan(0);
    expect(atKill).toBeLessThan(expectedEmailIds(rig).length);
    const running = await Promise.all(rig.journeys.map(async (j) => (await j.handle.describe()).status.name));
    expect(running.filter((s) => s === 'RUNNING')).toHaveLength(JOURNEYS);

    await rig.startWorker();
    await waitAllCompleted(rig);
    await expectExactlyOnce(rig);
    // The new worker did the rest: more mail arrived after the kill than before it.
    expect(rig.emailIds().length).toBeGreaterThan(atKill);
  }, 180_000);

  it('the dev server stopped and restarted on its SQLite file while journeys wait: they resume and complete', async () => {
    const rig = await setUp('restart');
    const worker = await rig.startWorker();
    await waitForQuietMidway(rig);

    await server.stop('SIGTERM');
    await worker.stop('SIGTERM');
    await connection.close();
    server = await startDevServerProcess({ dbFilename, port: server.port });
    connection = await Connection.connect({ address: server.address });
    client = new Client({ connection, dataConverter: readingDataConverterOf(SECRET) });
    const handles = rig.journeys.map((j) => client.workflow.getHandle(j.workflowId));
    // The journeys outlived the server: still there, still running, before any worker is back.
    const statuses = await Promise.all(handles.map(async (h) => (await h.describe()).status.name));
    expect(statuses.filter((s) => s === 'RUNNING')).toHaveLength(JOURNEYS);
    for (const [i, j] of rig.journeys.entries()) j.handle = handles[i]!;

    await rig.startWorker();
    await waitAllCompleted(rig);
    await expectExactlyOnce(rig);
  }, 180_000);
});
