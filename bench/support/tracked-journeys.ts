/**
 * For bench/server: a Temporal dev server (child process, fast SQLite), the worker as a child
 * process (`settle worker`) sending to an SMTP sink in this process, N running journeys that each sent one real email and now wait in
 * `waitFor [opened, clicked]`, and the pixel and click paths read out of those emails.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { Client, Connection } from '@temporalio/client';
import { simpleParser } from 'mailparser';
import { startSmtpSink } from '../../src/dev/smtp-sink.js';
import { dataConverterOf } from '../../test/support/codec.js';
import { SECRET } from '../../test/support/journey-worker.js';
import { startDevServerProcess } from '../../test/support/temporal.js';
import { spawnWorkerProcess } from '../../test/support/worker-process.js';
import { enroll, record, trackedPlan } from '../../test/server/temporal-support.js';
import { pool } from './pool.js';

export const PUBLIC_URL = 'https://settle.bench.test';

export interface TrackedJourneys {
  client: Client;
  workflowIds: string[];
  /** Per journey: the path of its open pixel and of its first click link. */
  pixels: string[];
  clicks: string[];
  /** Wall time to enroll the journeys and receive all their emails. */
  setupMs: number;
  close(): Promise<void>;
}

export async function trackedJourneys(n: number, prefix: string): Promise<TrackedJourneys> {
  const dir = mkdtempSync(join(tmpdir(), 'settle-bench-server-'));
  const server = await startDevServerProcess({ dbFilename: join(dir, 'temporal.db') });
  const connection = await Connection.connect({ address: server.address });
  // Payloads encrypted as `settle server` and the worker do (the journeys' results and queries are sealed).
  const client = new Client({ connection, dataConverter: dataConverterOf(SECRET) });
  const sink = await startSmtpSink();
  // The worker in its own process, configured by its environment, as in production.
  const taskQueue = `bench-server-${prefix}`;
  const worker = spawnWorkerProcess({
    cwd: dir,
    temporalAddress: server.address,
    smtpUrl: sink.url,
    secret: SECRET,
    taskQueue,
  });
  await worker.ready;
  const t0 = performance.now();
  const plan = trackedPlan();
  const workflowIds: string[] = [];
  await pool(
    Array.from({ length: n }, (_, i) => i),
    16,
    async (i) =>
      void workflowIds.push(await enroll(client, taskQueue, plan, record(`${prefix}-${i}`, `debtor${i}@example.com`))),
  );
  while (sink.messages().length < n) await delay(100);
  const setupMs = performance.now() - t0;
  const pixels: string[] = [];
  const clicks: string[] = [];
  for (const mail of sink.messages()) {
    const html = String((await simpleParser(mail.raw)).html);
    const pixel = /<img src="([^"]+\/t\/o\/[^"]+)"/.exec(html)?.[1];
    const click = /href="([^"]+\/t\/c\/[^"]+)"/.exec(html)?.[1];
    if (!pixel || !click) throw new Error('an email without pixel or click link');
    pixels.push(new URL(pixel).pathname);
    clicks.push(new URL(click).pathname);
  }
  return {
    client,
    workflowIds,
    pixels,
    clicks,
    setupMs,
    async close() {
      await worker.stop('SIGTERM');
      await sink.close();
      await connection.close();
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
