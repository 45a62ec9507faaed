/**
 * Payload encryption on a real Temporal dev server with the real worker process: a journey's
 * history holds none of the debtor's personal data in clear (inputs, activity inputs and results,
 * signals, queries all sealed), keys rotate mid-journey without stopping anything, a client
 * without the old key cannot read old payloads, and the `temporal` CLI shows decoded payloads
 * through Settle's codec endpoint to an operator with its token, and only then.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import proto from '@temporalio/proto';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmtpSink, type SmtpSink } from '../../src/dev/smtp-sink.js';
import type { EncryptionKey } from '../../src/config/encryption.js';
import { keyedHash, workflowIdFor } from '../../src/ids/workflow-ids.js';
import { temporalCliPath } from '../../src/dev/binaries.js';
import { dataConverterFor, EncryptionCodec } from '../../src/temporal/codec.js';
import { startInput } from '../../src/temporal/plan-store.js';
import { registerCodecRoutes } from '../../src/server/routes/codec.js';
import type { JourneyPlan } from '../../src/ir/index.js';
import { stateQuery } from '../../src/workflows/definitions.js';
import type { JourneyInput, JourneyResult } from '../../src/workflows/types.js';
import { SECRET } from '../support/codec.js';
import { ALWAYS_OPEN_POLICY, exampleRecord, planFromYaml } from '../support/journeys.js';
import { startDevServerProcess, type DevServerProcess } from '../support/temporal.js';
import { spawnWorkerProcess, type WorkerProcess } from '../support/worker-process.js';
import { eventually } from '../support/wait.js';
import { journeyYaml, twoEmails } from '../support/journey-yaml.js';

const run = promisify(execFile);
const TIME_SCALE = 43_200; // one journey day = 2 s
const A: EncryptionKey = { id: 'key-a', key: randomBytes(32) };
const B: EncryptionKey = { id: 'key-b', key: randomBytes(32) };
const TOKEN = randomBytes(24).toString('hex');
const JOURNEY = 'sealed-reminder';
const PLAN_YAML = journeyYaml({
  name: JOURNEY,
  steps: twoEmails('4d'),
});
const RECORDS = ['anna-rossi', 'mary-smith', 'jan-devries'] as const;
const keysEnv = (keys: EncryptionKey[]) => keys.map((k) => `${k.id}:${k.key.toString('hex')}`).join(',');

let tmp: string;
let server: DevServerProcess;
let connection: Connection;
let smtp: SmtpSink;
let codecApp: FastifyInstance;
let codecUrl: string;
const workers: WorkerProcess[] = [];
const handles: WorkflowHandle[] = [];
const personal: string[] = [];

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'settle-encryption-'));
  server = await startDevServerProcess({ dbFilename: join(tmp, 'temporal', 'dev.db') });
  connection = await Connection.connect({ address: server.address });
  smtp = await startSmtpSink();
  codecApp = Fastify();
  registerCodecRoutes(codecApp, { codec: new EncryptionCodec([B, A]), token: TOKEN });
  codecUrl = `${await codecApp.listen({ host: '127.0.0.1', port: 0 })}/codec`;
}, 120_000);

afterAll(async () => {
  for (const w of workers) await w.stop('SIGKILL');
  await codecApp?.close();
  await connection?.close();
  await server?.stop();
  await smtp?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
}, 60_000);

const client = (keys: EncryptionKey[] | undefined) =>
  new Client({ connection, ...(keys && { dataConverter: dataConverterFor({ encryptionKeys: keys })! }) });

function startWorker(keys: EncryptionKey[], taskQueue: string, cwd: string): WorkerProcess {
  const w = spawnWorkerProcess({
    cwd,
    temporalAddress: server.address,
    smtpUrl: smtp.url,
    secret: SECRET,
    taskQueue,
    env: { SETTLE_ENCRYPTION_KEYS: keysEnv(keys) },
  });
  workers.push(w);
  return w;
}

/** Every event of a workflow's history, as the server stores it (no codec). */
async function rawHistory(workflowId: string): Promise<Buffer> {
  const raw = client(undefined);
  const events: proto.temporal.api.history.v1.IHistoryEvent[] = [];
  let nextPageToken: Uint8Array | undefined;
  do {
    const page = await raw.workflowService.getWorkflowExecutionHistory({
      namespace: 'default',
      execution: { workflowId },
      ...(nextPageToken && { nextPageToken }),
    });
    events.push(...(page.history?.events ?? []));
    nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
  } while (nextPageToken);
  return Buffer.from(proto.temporal.api.history.v1.History.encode({ events }).finish());
}

/** The CLI's JSON output with every payload's base64 `data` decoded, as one text. */
function payloadText(json: string): string {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object')
      for (const [k, x] of Object.entries(v)) {
        if (k === 'data' && typeof x === 'string') out.push(Buffer.from(x, 'base64').toString('utf8'));
        else walk(x);
      }
  };
  try {
    walk(JSON.parse(json));
  } catch {
    return '';
  }
  return out.join('\n');
}

/** The key ids named by the history's payloads. */
function keyIds(history: Buffer): Set<string> {
  return new Set([...history.toString('latin1').matchAll(/key-[ab]/g)].map((m) => m[0]));
}

describe('payload encryption on the dev server', { timeout: 240_000 }, () => {
  it('keeps personal data out of history, survives a key rotation mid-journey, and decodes only with the key', async () => {
    const cwd = join(tmp, 'work');
    mkdirSync(cwd, { recursive: true });
    const taskQueue = `sealed-${Math.random().toString(36).slice(2)}`;
    const plan: JourneyPlan = planFromYaml(PLAN_YAML, [ALWAYS_OPEN_POLICY]);
    const writer = client([A]);
    for (const [i, name] of RECORDS.entries()) {
      const r = exampleRecord(name);
      const enrollment = { ...r, debtId: `SEALED-${i}`, debt: { ...r.debt, reference: `SEALED-${i}` } };
      personal.push(r.debtor.email!, r.debtor.firstName, r.debtor.lastName!, r.debtor.phone!);
      const input: JourneyInput = {
        plan,
        enrollment,
        options: { debtorKey: keyedHash(SECRET, 'debtor', r.debtor.id), contactKeys: [], timeScale: TIME_SCALE },
      };
      handles.push(
        await writer.workflow.start('journeyWorkflow', {
          workflowId: workflowIdFor(enrollment.debtId),
          taskQueue,
          args: [input],
        }),
      );
    }
    // Worker 1 knows key A only; once every first email is out, it stops and worker 2 takes over
    // with B as the new current key and A kept for what was written before.
    const first = startWorker([A], taskQueue, cwd);
    await first.ready;
    await eventually(() => expect(smtp.messages().length).toBe(RECORDS.length), { timeoutMs: 60_000 });
    await first.stop('SIGTERM');
    const second = startWorker([B, A], taskQueue, cwd);
    await second.ready;
    const reader = client([B, A]);
    for (const h of handles) {
      const result = (await reader.workflow.getHandle(h.workflowId).result()) as JourneyResult;
      expect(result.outcome).toBe('unresolved');
    }
    expect(smtp.messages().length).toBe(2 * RECORDS.length);
    const view = await reader.workflow.getHandle(handles[0]!.workflowId).query(stateQuery);
    expect(view.sends.map((s) => s.step)).toEqual(['first-email', 'second-email']);

    for (const h of handles) {
      const history = await rawHistory(h.workflowId);
      for (const s of personal) expect(history.includes(Buffer.from(s)), `${h.workflowId}: ${s}`).toBe(false);
      // Written under A before the rotation and under B after it.
      expect(keyIds(history)).toEqual(new Set(['key-a', 'key-b']));
    }
    // A process that was given only the new key cannot read what the old one sealed.
    await expect(startInput(client([B]), handles[0]!.workflowId)).rejects.toThrow(/key "key-a", which is not among/);
    const input = await startInput<JourneyInput>(client([B, A]), handles[0]!.workflowId);
    expect(input?.enrollment.debtor.email).toBe(exampleRecord('anna-rossi').debtor.email);
  });

  it('the temporal CLI shows decoded payloads through the codec endpoint with the token, and only then', async () => {
    const workflowId = handles[0]!.workflowId;
    const cli = temporalCliPath();
    const base = ['workflow', 'show', '-w', workflowId, '--address', server.address, '-o', 'json'];
    const sealed = await run(cli, base, { maxBuffer: 32 * 1024 * 1024 });
    const decoded = await run(cli, [...base, '--codec-endpoint', codecUrl, '--codec-auth', `Bearer ${TOKEN}`], {
      maxBuffer: 32 * 1024 * 1024,
    });
    const anna = exampleRecord('anna-rossi').debtor.email!;
    expect(payloadText(sealed.stdout)).not.toContain(anna);
    expect(payloadText(decoded.stdout)).toContain(anna);
    const refused = await run(cli, [...base, '--codec-endpoint', codecUrl, '--codec-auth', 'Bearer wrong-token'], {
      maxBuffer: 32 * 1024 * 1024,
    }).catch((e: { stdout?: string; stderr?: string }) => e);
    expect(payloadText(refused.stdout ?? '')).not.toContain(anna);
  });
});
