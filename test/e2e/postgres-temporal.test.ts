/**
 * Settle on a production Temporal server on PostgreSQL (the `go.temporal.io/server` build of
 * scripts/setup-tools.sh, Debian's PostgreSQL), every part real and separate: the schemas created
 * with temporal-sql-tool, the namespace and search attributes registered with the `temporal` CLI
 * exactly as docs/operations.md tells operators to, then `settle worker` and `settle server` as
 * child processes, `settle enroll` of 200 debts of the demo portfolio through the example
 * journeys, debtors opening emails through the server's pixel, `settle deploy` while they run and
 * `settle status` once every journey completed.
 *
 * Run time: about 15 s to set up, then the journeys: ≈ 250 s of CPU in all (worker ≈ 80 s, Temporal
 * server and PostgreSQL ≈ 165 s, measured), so about 2.5 min on an idle 2-core machine (estimated
 * from that CPU time; the machine was never idle when this was written). On a machine loaded
 * far beyond its cores a send can outlive its 1-minute start-to-close timeout, and the plans' retry
 * intervals (10 min for late-stage's sends) are wall-clock time, not scaled by --time-scale: the
 * last journeys then wait for that retry. The progress lines name such stragglers.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmtpSink, type SinkMail, type SmtpSink } from '../../src/dev/smtp-sink.js';
import type { DeployReport } from '../../src/cli/commands/deploy-format.js';
import type { JourneyStatus } from '../../src/cli/commands/status-journey.js';
import { compilePaths } from '../../src/compiler/index.js';
import { demoPortfolio } from '../../src/dev/portfolio.js';
import { SA } from '../../src/temporal/search-attributes.js';
import { freePort } from '../../src/dev/dev-server.js';
import type { JourneyResult } from '../../src/workflows/types.js';
import { readingDataConverterOf } from '../support/codec.js';
import { ROOT } from '../support/journeys.js';
import {
  cpuMsOfTree,
  OPERATOR_COMMANDS,
  startPostgresTemporal,
  type PostgresTemporal,
} from '../support/postgres-temporal.js';
import { eventually } from '../support/wait.js';
import { runProcess } from '../ops/cli.js';
import { spawnWorker, type Proc } from '../ops/processes.js';

const DEBTS = 200;
/**
 * One journey day = 0.5 s: the longest example journey (≈ 45 days with its deferrals) would take
 * about 25 s on its timers alone, so the wall time is set by the tasks (a dozen sends per journey,
 * each a few workflow and activity tasks), i.e. by the CPU the machine has to spare.
 */
const TIME_SCALE = 172_800;
const SECRET = 'pg-e2e-secret-0123456789-abcdefghijklm';
const TASK_QUEUE = 'settle-pg';
const TSX_LOADER = pathToFileURL(join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;

const compiled = compilePaths([join(ROOT, 'journeys')]);
const plans = compiled.plans;

let tmp: string;
let temporal: PostgresTemporal;
let connection: Connection;
let client: Client;
let smtp: SmtpSink;
let webhooks: Server;
let webhookUrl: string;
const webhookCalls: string[] = [];
let worker: Proc;
let server: { child: ChildProcess; output: () => string; exited: Promise<number | null> };
let vars: Record<string, string>;

/** `settle server` as its own process, configured by its environment. */
function spawnServer(env: Record<string, string>): typeof server {
  const child = spawn(process.execPath, ['--import', TSX_LOADER, join(ROOT, 'src', 'cli', 'main.ts'), 'server'], {
    cwd: tmp,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const keep = (c: Buffer) => (log = (log + c.toString('utf8')).slice(-65_536));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => log, exited };
}

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'settle-pg-e2e-'));
  const started = Date.now();
  temporal = await startPostgresTemporal({ namespace: 'collections' });
  console.log(
    `postgres + temporal-server ready in ${((Date.now() - started) / 1000).toFixed(1)} s:\n` +
      temporal.steps.map((s) => `  ${(s.ms / 1000).toFixed(1).padStart(5)} s  ${s.command}`).join('\n'),
  );
  connection = await Connection.connect({ address: temporal.address });
  client = new Client({ connection, namespace: temporal.namespace, dataConverter: readingDataConverterOf(SECRET) });
  smtp = await startSmtpSink();
  webhooks = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      webhookCalls.push(req.url ?? '');
      res.writeHead(200).end('{}');
    });
  });
  await new Promise<void>((r) => webhooks.listen(0, '127.0.0.1', r));
  webhookUrl = `http://127.0.0.1:${(webhooks.address() as { port: number }).port}/escalation`;
  const httpAddr = `127.0.0.1:${await freePort()}`;
  vars = {
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_NAMESPACE: temporal.namespace,
    TEMPORAL_TASK_QUEUE: TASK_QUEUE,
    SETTLE_SECRET: SECRET,
    SMTP_URL: smtp.url,
    SETTLE_HTTP_ADDR: httpAddr,
    SETTLE_PUBLIC_URL: `http://${httpAddr}`,
    ESCALATION_URL: webhookUrl,
  };
  worker = spawnWorker(tmp, vars);
  server = spawnServer(vars);
  await worker.waitFor('worker ready', 120_000);
  await eventually(
    async () => {
      if (server.child.exitCode !== null) throw new Error(`settle server exited:\n${server.output()}`);
      expect((await fetch(`http://${httpAddr}/readyz`)).status).toBe(200);
    },
    { timeoutMs: 60_000, intervalMs: 250 },
  );
}, 240_000);

afterAll(async () => {
  worker?.child.kill('SIGKILL');
  server?.child.kill('SIGKILL');
  await connection?.close();
  await temporal?.stop();
  await smtp?.close();
  await new Promise((r) => webhooks?.close(r));
  if (tmp) rmSync(tmp, { recursive: true, force: true });
}, 60_000);

/** CPU seconds so far of the worker, `settle server`, the Temporal server and PostgreSQL (its backends included). */
function cpuLine(): string {
  const sec = (pid: number) => `${(cpuMsOfTree([pid]) / 1000).toFixed(0)} s`;
  return `worker ${sec(worker.child.pid!)}, settle server ${sec(server.child.pid!)}, temporal-server + postgres ${(temporal.cpuMs() / 1000).toFixed(0)} s`;
}

/** Where the last running journeys are: their step and what their pending activities wait on. */
async function stragglers(): Promise<string> {
  const lines: string[] = [];
  for await (const w of client.workflow.list({
    query: "WorkflowType = 'journeyWorkflow' AND ExecutionStatus = 'Running'",
  })) {
    const d = await client.workflow.getHandle(w.workflowId).describe();
    const pending = (d.raw.pendingActivities ?? []).map(
      (a) =>
        `${a.activityType?.name} attempt ${a.attempt} ${a.lastFailure?.message ?? ''}` +
        (a.scheduledTime?.seconds
          ? ` next attempt at ${new Date(Number(a.scheduledTime.seconds) * 1000).toISOString()}`
          : ''),
    );
    lines.push(`  ${w.workflowId} step ${String(d.typedSearchAttributes.get(SA.step))} ${pending.join('; ')}`);
  }
  return lines.join('\n');
}

const count = async (query: string) => (await client.workflow.count(query)).count;

/** The open-pixel URL of an email (its HTML part). */
async function pixelOf(raw: Buffer): Promise<string | undefined> {
  const html = String((await simpleParser(raw)).html);
  return /src="(http:\/\/[^"]+\/t\/o\/[^"]+)"/.exec(html)?.[1]?.replaceAll('&amp;', '&');
}

describe('Settle on Temporal with PostgreSQL', () => {
  it('docs/operations.md carries every operator command the set-up ran, verbatim', () => {
    const docs = readFileSync(join(ROOT, 'docs', 'operations.md'), 'utf8');
    for (const command of OPERATOR_COMMANDS) expect(docs, command).toContain(command);
    expect(temporal.steps.map((s) => s.command)).toEqual(OPERATOR_COMMANDS);
  });

  it('enrolls 200 debts and runs them through the example journeys to completion; deploy and status report them', async () => {
    const t0 = Date.now();
    const records = demoPortfolio(DEBTS, Date.now(), 7, 'PG');
    const file = join(tmp, 'portfolio.json');
    writeFileSync(file, JSON.stringify(records, null, 1));
    const enrolled = await runProcess(
      'src/cli/main.ts',
      ['enroll', file, '--time-scale', String(TIME_SCALE), '--format', 'json'],
      vars,
    );
    expect(enrolled.code, enrolled.stderr).toBe(0);
    const summary = JSON.parse(enrolled.stdout) as { started: number; byJourney: Record<string, number> };
    expect(summary.started).toBe(DEBTS);
    expect(Object.keys(summary.byJourney).sort()).toEqual([...plans.keys()].sort());

    // Debtors open their first emails: through `settle server`'s pixel, which signals the journey.
    const debtByEmail = new Map(records.map((r) => [r.debtor.email?.toLowerCase(), r.debtId]));
    const opened = new Set<string>();
    const seen = new Set<SinkMail>();
    // A pixel hit within 2 s of the send is a machine open (mail scanners) and signals nothing: a
    // person opens a mail later, so each pixel is fetched 2.5 s after its mail arrived at the earliest.
    const arrived = new Map<SinkMail, number>();
    await eventually(
      async () => {
        for (const mail of smtp.messages()) {
          if (opened.size >= 20 || seen.has(mail)) continue;
          if (!arrived.has(mail)) arrived.set(mail, Date.now());
          if (Date.now() - arrived.get(mail)! < 2_500) continue;
          seen.add(mail);
          const debtId = debtByEmail.get(mail.to[0]?.toLowerCase() ?? '');
          const pixel = await pixelOf(mail.raw);
          if (!debtId || !pixel) continue;
          expect((await fetch(pixel)).status).toBe(200);
          opened.add(debtId);
        }
        expect(opened.size).toBe(20);
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );

    // While they run: settle deploy counts them per journey and version from the search attributes.
    const deploy = await runProcess('src/cli/main.ts', ['deploy', '--format', 'json'], vars);
    expect(deploy.code, deploy.stderr).toBe(0);
    const report = JSON.parse(deploy.stdout) as DeployReport;
    expect(report.temporal).toMatchObject({ address: temporal.address, namespace: 'collections', reachable: true });
    const running = report.running.reduce((n, v) => n + v.running, 0);
    expect(running).toBeGreaterThan(0);
    expect(running).toBeLessThanOrEqual(DEBTS);
    for (const v of report.running) {
      expect(plans.get(v.journey)?.version, v.journey).toBe(v.version);
      expect(v.current).toBe(v.version);
    }

    // To completion: every journey closes, completed, with an outcome (progress every 15 s).
    let lastLog = Date.now();
    await eventually(
      async () => {
        const open = await count("WorkflowType = 'journeyWorkflow' AND ExecutionStatus = 'Running'");
        if (open > 0 && Date.now() - lastLog > 15_000) {
          lastLog = Date.now();
          console.log(`${((lastLog - t0) / 1000).toFixed(0)} s: ${open} journeys running; CPU so far ${cpuLine()}`);
          if (open <= 5) console.log(await stragglers());
        }
        expect(open, `journeys still running after ${((Date.now() - t0) / 1000).toFixed(0)} s`).toBe(0);
      },
      { timeoutMs: 600_000, intervalMs: 1_000 },
    );
    const ran = (Date.now() - t0) / 1000;
    expect(await count("WorkflowType = 'journeyWorkflow' AND ExecutionStatus = 'Completed'")).toBe(DEBTS);
    const outcomes: Record<string, number> = {};
    // One workflow per debt; a debt handed over to another journey continues as new under the same id.
    const listed = new Set<string>();
    for await (const w of client.workflow.list({ query: "WorkflowType = 'journeyWorkflow'" })) listed.add(w.workflowId);
    const ids = [...listed];
    expect(ids).toHaveLength(DEBTS);
    const results = await Promise.all(
      ids.map(async (id) => (await client.workflow.getHandle(id).result()) as JourneyResult),
    );
    for (const res of results) outcomes[res.outcome] = (outcomes[res.outcome] ?? 0) + 1;
    const emails = smtp.messages().length;
    console.log(
      `${DEBTS} journeys completed ${ran.toFixed(0)} s after enrollment (×${TIME_SCALE}); outcomes ${JSON.stringify(outcomes)}; ` +
        `${emails} emails, ${webhookCalls.length} webhooks, ${opened.size} opened through the server; CPU ${cpuLine()}`,
    );
    expect(results.every((r) => r.outcome.length > 0 && r.sends >= 0)).toBe(true);

    // settle status: a debt whose email was opened through the server shows it in its audit trail.
    const debtId = [...opened][0]!;
    const status = await runProcess('src/cli/main.ts', ['status', debtId, '--format', 'json'], vars);
    expect(status.code, status.stderr).toBe(0);
    const [journey] = JSON.parse(status.stdout) as JourneyStatus[];
    expect(journey).toMatchObject({ status: 'completed', taskQueue: TASK_QUEUE });
    expect(journey!.result?.outcome).toBeTruthy();
    expect(journey!.view?.events.some((e) => e.type === 'opened')).toBe(true);

    // Once all completed, nothing is left running for deploy to report.
    const after = JSON.parse(
      (await runProcess('src/cli/main.ts', ['deploy', '--format', 'json'], vars)).stdout,
    ) as DeployReport;
    expect(after.running).toEqual([]);

    // Both processes stop cleanly.
    server.child.kill('SIGTERM');
    worker.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(await worker.exited).toEqual({ code: 0, signal: null });
  }, 900_000);
});
