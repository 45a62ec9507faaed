/**
 * `settle worker`'s logs as an operator gets them: the worker a child process configured by its
 * environment, a real Temporal dev server, and a hostile webhook receiver whose refusal quotes an
 * email address, a phone number and a payment link with its token — text that reaches the
 * activity's error, hence the worker's own line and the Temporal SDK's. Every line is JSON on
 * stderr with `service: settle-worker`; stdout stays empty; none of the hostile text is written.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signLinkToken } from '../../src/channels/tokens.js';
import { startJourney } from '../../src/enrollment/start.js';
import { workflowIdFor } from '../../src/ids/workflow-ids.js';
import { readingDataConverterOf } from '../support/codec.js';
import { ALWAYS_OPEN_POLICY, exampleRecord, planFromYaml } from '../support/journeys.js';
import { startDevServerProcess, type DevServerProcess } from '../support/temporal.js';
import { spawnWorker, type Proc } from './processes.js';
import { exit, journeyYaml, webhook } from '../support/journey-yaml.js';

const SECRET = 'ops-logs-secret-0123456789-abcdefghijkl';
const JOURNEY = 'logs-handover';
const EMAIL = 'anna.rossi@example.com';
const PHONE = '+33 6 12 34 56 78';
const TOKEN = signLinkToken(SECRET, { p: 'p', w: 'settle/LOG-1/logs-handover', s: 'hand-over', c: 'email', k: 'k' });

const JOURNEY_YAML = journeyYaml({
  name: JOURNEY,
  steps: [
    webhook('hand-over', 'env:ESCALATION_URL', { retry: { maxAttempts: 1 }, onFailure: 'failed' }),
    exit('done', 'escalated'),
    exit('failed', 'unresolved'),
  ],
});

let tmp: string;
let temporal: DevServerProcess;
let connection: Connection;
let receiver: Server;
let receiverUrl: string;
let calls = 0;
let worker: Proc | undefined;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'settle-logs-'));
  temporal = await startDevServerProcess({ dbFilename: join(tmp, 'dev.db') });
  connection = await Connection.connect({ address: temporal.address });
  // Refuses every call with a reason phrase quoting personal data and a link: it ends up in the activity's error.
  receiver = createServer((req, res) => {
    calls += 1;
    req.resume();
    res.writeHead(404, `Unknown debtor ${EMAIL} (${PHONE}), see https://pay.example.test/p/${TOKEN}?email=${EMAIL}`);
    res.end();
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hooks/escalate`;
}, 120_000);

afterAll(async () => {
  worker?.child.kill('SIGKILL');
  await connection?.close();
  await temporal?.stop();
  await new Promise((resolve) => receiver?.close(resolve));
  if (tmp) rmSync(tmp, { recursive: true, force: true });
}, 60_000);

describe('settle worker logs', () => {
  it('JSON lines on stderr with service settle-worker, the SDK runtime included; no address, number or token from a hostile answer', async () => {
    const taskQueue = `logs-${Date.now()}`;
    const client = new Client({ connection, dataConverter: readingDataConverterOf(SECRET) });
    const record = { ...exampleRecord('anna-rossi'), debtId: 'LOG-1' };
    const plan = planFromYaml(JOURNEY_YAML, [ALWAYS_OPEN_POLICY]);
    expect(await startJourney(client, { taskQueue, plan, record, secret: SECRET, nowMs: Date.now() })).toBe('started');

    worker = spawnWorker(tmp, {
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_TASK_QUEUE: taskQueue,
      SMTP_URL: 'smtp://127.0.0.1:2525',
      SETTLE_SECRET: SECRET,
      SETTLE_LOG_LEVEL: 'debug',
      ESCALATION_URL: receiverUrl,
    });
    let stdout = '';
    worker.child.stdout?.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    await worker.waitFor('worker ready', 120_000);
    const result = (await client.workflow.getHandle(workflowIdFor(record.debtId)).result()) as {
      outcome: string;
    };
    expect(result.outcome).toBe('unresolved');
    expect(calls).toBe(1);
    await worker.waitFor('"activity failed"', 30_000);
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toEqual({ code: 0, signal: null });

    expect(stdout).toBe('');
    const text = worker.output();
    const lines = text.split('\n').filter((l) => l.trim() !== '');
    expect(lines.length).toBeGreaterThan(3);
    for (const line of lines) {
      const parsed = JSON.parse(line) as Record<string, unknown>;
      expect(parsed.service, line).toBe('settle-worker');
    }
    const json = worker.jsonLines();
    // The Temporal SDK's own lines (worker lifecycle, activity logs) come through the same logger.
    expect(json.some((l) => l.source === 'temporal')).toBe(true);
    // The hostile answer did reach the worker's line, masked.
    const failed = json.find((l) => l.msg === 'activity failed' && l.activity === 'callWebhook');
    expect(failed).toMatchObject({ journey: JOURNEY, step: 'hand-over', outcome: 'failed' });
    // The activity's own line, through the same logger.
    expect(json.find((l) => l.msg === 'webhook failed')).toMatchObject({
      journey: JOURNEY,
      step: 'hand-over',
      status: 404,
    });
    const message = (failed!.err as { message: string }).message;
    expect(message).toContain('answered 404 Unknown debtor <email> (<phone>), see https://pay.example.test/p/…?…');
    expect(text).not.toContain(EMAIL);
    expect(text).not.toContain('anna.rossi');
    expect(text).not.toMatch(/\+33[\d ]{6,}/);
    expect(text).not.toContain(TOKEN.split('.')[0]!.slice(0, 24));
    expect(text).not.toContain(TOKEN.split('.')[1]!);
  }, 240_000);
});
