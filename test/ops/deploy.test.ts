/**
 * `settle deploy` against the dev server with journeys running on two versions of one journey:
 * it reports how many run on each version and the steps they wait in (from the SettleJourney,
 * SettleVersion and SettleStep search attributes), flags the steps the new version no longer has,
 * checks compilation and the version bump against a git base, and degrades to a note when
 * Temporal is unreachable.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmtpSink, type SmtpSink } from '../../src/dev/smtp-sink.js';
import type { DeployReport } from '../../src/cli/commands/deploy-format.js';
import { compilePaths } from '../../src/compiler/index.js';
import { NOT_STARTED } from '../../src/cli/commands/deploy-running.js';
import { startJourney } from '../../src/enrollment/start.js';
import type { JourneyPlan } from '../../src/ir/index.js';
import { ALWAYS_OPEN_POLICY, exampleRecord } from '../support/journeys.js';
import { freePort, startDevServerProcess, type DevServerProcess } from '../support/temporal.js';
import { ROOT, settle } from './cli.js';
import { spawnWorker, type Proc } from './processes.js';
import { readingDataConverterOf } from '../support/codec.js';
import { exit, journeyYaml, send, wait } from '../support/journey-yaml.js';

const SECRET = 'ops-test-secret-0123456789-abcdefghij';
const FILE = 'journeys/renewal.journey.yaml';

/** v1 cools down in `cool-down`; v2 renames that wait to `pause` and shortens it. */
function journey(version: number, waitId: string, duration: string): string {
  return journeyYaml({
    name: 'renewal',
    version,
    steps: [send('first-email', 'email', 'overdue-friendly'), wait(waitId, duration), exit('done', 'unresolved')],
  });
}

let repo: string;
let server: DevServerProcess;
let connection: Connection;
let client: Client;
let smtp: SmtpSink;
let worker: Proc;

const git = (...args: string[]) =>
  execFileSync('git', args, { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

function planOf(): JourneyPlan {
  const r = compilePaths([join(repo, 'journeys')]);
  const plan = r.plans.get('renewal');
  if (!plan) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  return plan;
}

beforeAll(async () => {
  repo = mkdtempSync(join(tmpdir(), 'settle-deploy-'));
  cpSync(join(ROOT, 'journeys'), join(repo, 'journeys'), { recursive: true });
  cpSync(join(ROOT, 'schemas'), join(repo, 'schemas'), { recursive: true });
  writeFileSync(join(repo, 'journeys', ALWAYS_OPEN_POLICY.path), ALWAYS_OPEN_POLICY.text);
  writeFileSync(join(repo, FILE), journey(1, 'cool-down', '30d'));
  git('init', '-q', '-b', 'main');
  git('add', '.');
  git('-c', 'user.name=test', '-c', 'user.email=test@example.test', 'commit', '-q', '-m', 'v1');
  server = await startDevServerProcess({ dbFilename: join(repo, '.temporal', 'dev.db') });
  connection = await Connection.connect({ address: server.address });
  client = new Client({ connection, dataConverter: readingDataConverterOf(SECRET) });
  smtp = await startSmtpSink();
}, 120_000);

afterAll(async () => {
  worker?.child.kill('SIGKILL');
  await connection?.close();
  await server?.stop();
  await smtp?.close();
  if (repo) rmSync(repo, { recursive: true, force: true });
}, 60_000);

describe('settle deploy', () => {
  it('reports running journeys per version and the steps they wait in, against the dev server', async () => {
    const taskQueue = 'deploy-test';
    const v1 = planOf();
    writeFileSync(join(repo, FILE), journey(2, 'pause', '20d'));
    const v2 = planOf();
    expect([v1.version, v2.version]).toEqual([1, 2]);

    const start = (plan: JourneyPlan, i: number) => {
      const r = exampleRecord('anna-rossi');
      const debtId = `DEP-${plan.version}-${i}`;
      return startJourney(client, {
        taskQueue,
        plan,
        record: { ...r, debtId, debt: { ...r.debt, reference: debtId } },
        secret: SECRET,
        nowMs: Date.now(),
      });
    };
    for (let i = 0; i < 3; i++) expect(await start(v1, i)).toBe('started');
    for (let i = 0; i < 2; i++) expect(await start(v2, i)).toBe('started');

    // No worker yet: enrolled by reference, the journeys have no search attributes; deploy takes
    // their journey and version from the start input (the id `settle/<debtId>` names only the debt).
    const early = { TEMPORAL_ADDRESS: server.address };
    let before: DeployReport['running'] = [];
    for (const until = Date.now() + 30_000; Date.now() < until; await delay(250)) {
      const r = await settle(['deploy', '--base', 'HEAD', '--format', 'json'], early, repo);
      expect(r.code, r.stderr).toBe(0);
      before = (JSON.parse(r.stdout) as DeployReport).running;
      if (before.reduce((n, v) => n + v.running, 0) === 5) break;
    }
    expect(before.map(({ journey, version, running, steps }) => ({ journey, version, running, steps }))).toEqual([
      { journey: 'renewal', version: 1, running: 3, steps: [{ step: NOT_STARTED, count: 3 }] },
      { journey: 'renewal', version: 2, running: 2, steps: [{ step: NOT_STARTED, count: 2 }] },
    ]);

    worker = spawnWorker(repo, {
      TEMPORAL_ADDRESS: server.address,
      TEMPORAL_TASK_QUEUE: taskQueue,
      SMTP_URL: smtp.url,
      SETTLE_SECRET: SECRET,
    });
    await worker.waitFor('worker ready');

    const vars = { TEMPORAL_ADDRESS: server.address };
    let report: DeployReport | undefined;
    const deadline = Date.now() + 90_000;
    for (;;) {
      const r = await settle(['deploy', '--base', 'HEAD', '--format', 'json'], vars, repo);
      expect(r.code, r.stderr).toBe(0);
      report = JSON.parse(r.stdout) as DeployReport;
      // Not yet run by the worker (no search attributes), between two steps, or still in the first
      // send (SettleStep names the start step from the first workflow task on): not waiting yet.
      const waiting = report.running.flatMap((v) =>
        v.steps.filter((s) => s.step === 'cool-down' || s.step === 'pause').map((s) => s.count),
      );
      if (waiting.reduce((a, b) => a + b, 0) === 5) break;
      if (Date.now() > deadline)
        throw new Error(
          `deploy never saw 5 waiting journeys: ${JSON.stringify(report.running)}\n${worker.output().slice(-3000)}`,
        );
      await delay(250);
    }
    expect(report.temporal).toMatchObject({ address: server.address, namespace: 'default', reachable: true });
    // The checks passed: the routing table went out with the first deploy, the later ones found it unchanged.
    expect(report.temporal.routing).toEqual({ status: 'unchanged', segments: 5, taskQueue: 'settle' });
    expect(report.compileErrors).toEqual([]);
    expect(report.versions).toMatchObject({ changed: [{ journey: 'renewal', before: 1, after: 2 }], errors: [] });
    expect(report.running).toEqual([
      {
        journey: 'renewal',
        version: 1,
        running: 3,
        steps: [{ step: 'cool-down', count: 3 }],
        current: 2,
        stepsGone: ['cool-down'],
        // v2 has no migration map: the renamed wait has no place there, so settle migrate would leave them.
        migration: [{ step: 'cool-down', count: 3, stay: 'step cool-down has no place in v2' }],
      },
      { journey: 'renewal', version: 2, running: 2, steps: [{ step: 'pause', count: 2 }], current: 2, stepsGone: [] },
    ]);

    const md = await settle(['deploy', '--base', 'HEAD'], vars, repo);
    expect(md.code).toBe(0);
    expect(md.stdout).toContain('✅ versions against `HEAD`: renewal v1 → v2');
    expect(md.stdout).toContain('✅ routing table (5 segments) for task queue `settle`: unchanged');
    expect(md.stdout).toContain('| renewal | v1 (repository: v2) | 3 | cool-down 3 |');
    expect(md.stdout).toContain('| renewal | v2 (current) | 2 | pause 2 |');
    expect(md.stdout).toMatch(/no longer has[^\n]*\n- renewal v1: cool-down/);
    expect(md.stdout).toContain(
      '- `settle migrate --to 2 --journey renewal`: v1 cool-down 3 stay (step cool-down has no place in v2)',
    );
  }, 180_000);

  it('fails on a change without a version bump and on a journey that does not compile', async () => {
    writeFileSync(join(repo, FILE), journey(1, 'cool-down', '10d'));
    const notBumped = await settle(['deploy', '--base', 'HEAD'], { TEMPORAL_ADDRESS: server.address }, repo);
    expect(notBumped.code).toBe(1);
    expect(notBumped.stdout).toMatch(/renewal.*the plan changed but the version did not increase \(1 → 1\)/);
    // Checks failed: nothing is published.
    expect(notBumped.stdout).not.toContain('routing table');

    writeFileSync(join(repo, FILE), journey(3, 'cool-down', 'soon'));
    const broken = await settle(['deploy'], { TEMPORAL_ADDRESS: server.address }, repo);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toMatch(/❌ `journeys` has \d+ errors?/);
    expect(broken.stdout).toContain('renewal.journey.yaml');
    expect(broken.stdout).not.toContain('routing table');
    writeFileSync(join(repo, FILE), journey(2, 'pause', '20d'));
  });

  it('without a reachable Temporal: the checks still run, a note says why nothing is counted; --require-temporal exits 3', async () => {
    const vars = { TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}` };
    const r = await settle(['deploy', '--base', 'HEAD'], vars, repo);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Temporal at `127\.0\.0\.1:\d+` was not reachable, so running journeys are not reported/);
    expect((await settle(['deploy', '--require-temporal'], vars, repo)).code).toBe(3);
    expect((await settle(['deploy'], { TEMPORAL_ADDRESS: 'nowhere' }, repo)).code).toBe(2);
  }, 60_000);
});
