/**
 * `settle migrate` on the dev server: 51 journeys of v1 wait at three steps (a branch on the amount
 * sends each to hold-a, hold-b or hold-c); v2 renames hold-b to hold-b2 (mapped), removes hold-c
 * (unmapped), shortens hold-a and changes the template. The dry run counts the moves and the stays;
 * --apply signals the movers, which take v2 at their wait (continue-as-new, state kept): hold-a's
 * journeys send their reminder at once with v2's template, hold-b's wait in hold-b2, hold-c's stay on
 * v1. No message is sent twice, a re-run changes nothing, `settle status` shows the migration, and
 * the first run's history of a migrated journey replays on the current workflow code.
 * (51 journeys, as the issue asks.) Then a worker process killed (SIGKILL) with journeys waiting, the
 * migration applied while no worker runs: the next worker process migrates them (the signal is in
 * their histories), each message still sent once.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import type { MigrationReport } from '../../src/cli/commands/migrate.js';
import { compilePaths } from '../../src/compiler/index.js';
import { startJourney } from '../../src/enrollment/start.js';
import type { JourneyPlan } from '../../src/ir/index.js';
import { workflowIdFor } from '../../src/ids/workflow-ids.js';
import { SA } from '../../src/temporal/search-attributes.js';
import { workflowBundle } from '../../src/temporal/journey-worker.js';
import { stateQuery } from '../../src/workflows/definitions.js';
import type { JourneyStateView } from '../../src/workflows/types.js';
import { dataConverterOf, SECRET } from '../support/codec.js';
import { useJourneyRig } from '../support/journey-worker.js';
import { ALWAYS_OPEN_POLICY, exampleRecord, ROOT } from '../support/journeys.js';
import { spawnWorker } from './processes.js';
import { quietTemporalRuntime } from '../support/temporal.js';

const PER_STEP = 17;
const TIME_SCALE = 3600; // a journey hour is a second: v1's 30-day waits hold, v2's 1-hour hold-a is over at once

function journey(version: 1 | 2): string {
  const v1 = version === 1;
  return `apiVersion: settle/v1
kind: Journey
metadata:
  name: mig
  version: ${version}
spec:
  policy: always-open
${v1 ? '' : '  migration:\n    from: [1]\n    steps: { hold-b: hold-b2 }\n'}  steps:
    - id: first-email
      type: send
      channel: email
      template: mig-note
    - id: route
      type: branch
      cases:
${v1 ? '        - { when: "debt.amountDue > 1000.0", next: hold-c }\n' : ''}        - { when: "debt.amountDue > 500.0", next: ${v1 ? 'hold-b' : 'hold-b2'} }
      default: hold-a
    - id: hold-a
      type: wait
      duration: ${v1 ? '30d' : '1h'}
      next: reminder
    - id: ${v1 ? 'hold-b' : 'hold-b2'}
      type: wait
      duration: 30d
      next: reminder
${v1 ? '    - id: hold-c\n      type: wait\n      duration: 30d\n      next: reminder\n' : ''}    - id: reminder
      type: send
      channel: email
      template: mig-note
    - id: done
      type: exit
      outcome: unresolved
`;
}

function template(word: string): string {
  const locale = `      subject: "${word} {{ debt.reference }}"\n      text: "${word}: {{ debt.reference }} Stop: {{ links.optOut }}"\n`;
  return `apiVersion: settle/v1
kind: Template
metadata:
  name: mig-note
spec:
  channel: email
  defaultLocale: en
  locales:
    en:
${locale}    fr:
${locale}`;
}

quietTemporalRuntime();
const t = useJourneyRig({}, 'dev');
let project: string;
let v1: JourneyPlan;

function writeProject(version: 1 | 2): JourneyPlan {
  const dir = join(project, 'journeys');
  writeFileSync(join(dir, 'mig.journey.yaml'), journey(version));
  writeFileSync(
    join(dir, 'templates', 'mig-note.template.yaml'),
    template(version === 1 ? 'Notice-one' : 'Notice-two'),
  );
  const r = compilePaths([dir]);
  const plan = r.plans.get('mig');
  if (!plan) throw new Error(r.diagnostics.map((d) => `${d.file}:${d.line} ${d.code} ${d.message}`).join('\n'));
  return plan;
}

async function settle(args: string[], taskQueue?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await run(
    args,
    { out: (s) => (stdout += s), err: (s) => (stderr += s), color: false, cwd: project },
    {
      publicUrl: 'https://pay.example.test',
      nowMs: Date.now(),
      vars: {
        TEMPORAL_ADDRESS: t.env.address,
        TEMPORAL_TASK_QUEUE: taskQueue ?? t.rig.taskQueue,
        SETTLE_SECRET: SECRET,
      },
    },
  );
  return { code, stdout, stderr };
}

async function until<T>(what: string, fn: () => Promise<T>, ok: (v: T) => boolean, ms = 40_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    // A journey answers its state query once its first workflow task has loaded the plan (and again
    // after continue-as-new): a query in between fails, so it is asked again.
    let v: T | undefined;
    let failure: unknown;
    try {
      v = await fn();
      if (ok(v)) return v;
    } catch (e) {
      failure = e;
    }
    if (Date.now() > deadline) {
      throw new Error(`${what}: ${failure !== undefined ? String(failure) : JSON.stringify(v).slice(0, 2000)}`);
    }
    await delay(300);
  }
}

const debts = ['a', 'b', 'c'].flatMap((g) => Array.from({ length: PER_STEP }, (_, i) => `MIG-${g}-${i}`));
const amountOf = (debtId: string) => ({ a: 200, b: 700, c: 1500 })[debtId.split('-')[1] as 'a' | 'b' | 'c'];

function start(debtId: string, taskQueue: string) {
  const base = exampleRecord('anna-rossi');
  return startJourney(t.env.client, {
    taskQueue,
    plan: v1,
    record: {
      ...base,
      debtId,
      debtor: { ...base.debtor, id: `D-${debtId}`, email: `${debtId.toLowerCase()}@example.test` },
      debt: { ...base.debt, reference: debtId, amountDue: amountOf(debtId) },
    },
    secret: SECRET,
    nowMs: Date.now(),
    timeScale: TIME_SCALE,
  });
}

const subjects = () =>
  t.rig.smtp.messages().map((m) => /^Subject: (.*)$/m.exec(m.raw.toString('utf8'))?.[1]?.trim() ?? '');

const view = (debtId: string) => t.env.client.workflow.getHandle(workflowIdFor(debtId)).query(stateQuery);

beforeAll(async () => {
  project = mkdtempSync(join(tmpdir(), 'settle-migrate-'));
  mkdirSync(join(project, 'journeys', 'templates'), { recursive: true });
  mkdirSync(join(project, 'journeys', 'policies'), { recursive: true });
  writeFileSync(join(project, 'journeys', ALWAYS_OPEN_POLICY.path), ALWAYS_OPEN_POLICY.text);
  writeFileSync(
    join(project, 'journeys', 'attributes.yaml'),
    readFileSync(join(ROOT, 'journeys', 'attributes.yaml'), 'utf8'),
  );
}, 120_000);

afterAll(async () => {
  if (project) rmSync(project, { recursive: true, force: true });
});

describe('settle migrate on the dev server', () => {
  it('moves v1 journeys to v2 at their wait: renamed step mapped, removed step stays, v2 template next', async () => {
    v1 = writeProject(1);
    for (const debtId of debts) expect(await start(debtId, t.rig.taskQueue)).toBe('started');
    // Every journey waits at its step (visibility has caught up) and sent its first email.
    const waitingAt = async () => {
      const steps: Record<string, number> = {};
      for await (const wf of t.env.client.workflow.list({
        query: "SettleJourney = 'mig' AND SettleVersion = 1 AND ExecutionStatus = 'Running'",
      })) {
        const s = wf.typedSearchAttributes.get(SA.step) ?? '(none)';
        steps[s] = (steps[s] ?? 0) + 1;
      }
      return steps;
    };
    await until(
      'journeys waiting',
      waitingAt,
      (s) => s['hold-a'] === PER_STEP && s['hold-b'] === PER_STEP && s['hold-c'] === PER_STEP,
    );
    expect(subjects().filter((s) => s.startsWith('Notice-one'))).toHaveLength(debts.length);
    const firstRun = (await t.env.client.workflow.getHandle(workflowIdFor('MIG-b-0')).describe()).runId;

    const v2 = writeProject(2);
    expect(v2.version).toBe(2);

    const dry = await settle(['migrate', '--to', '2', '--journey', 'mig', '--format', 'json']);
    expect(dry.code, dry.stderr).toBe(0);
    const planned = JSON.parse(dry.stdout) as MigrationReport;
    expect(planned.mode).toBe('dry-run');
    expect(
      planned.moves.map(({ fromVersion, fromStep, toStep, count }) => ({ fromVersion, fromStep, toStep, count })),
    ).toEqual([
      { fromVersion: 1, fromStep: 'hold-a', toStep: 'hold-a', count: PER_STEP },
      { fromVersion: 1, fromStep: 'hold-b', toStep: 'hold-b2', count: PER_STEP },
    ]);
    expect(planned.stays).toHaveLength(1);
    expect(planned.stays[0]).toMatchObject({
      fromStep: 'hold-c',
      count: PER_STEP,
      reason: 'step hold-c has no place in v2',
    });
    const text = await settle(['migrate', '--to', '2']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/mig\s+v1\s+hold-b\s+→\s+hold-b2\s+17/);
    expect(text.stdout).toContain('mig v1 at hold-c: 17 — step hold-c has no place in v2');
    expect(text.stdout).toContain('run again with --apply');
    // The dry run changed nothing.
    expect((await view('MIG-b-0')).version).toBe(1);

    const applied = await settle(['migrate', '--to', '2', '--apply', '--format', 'json']);
    expect(applied.code, applied.stderr).toBe(0);
    const done = JSON.parse(applied.stdout) as MigrationReport;
    expect(done.signalled).toBe(2 * PER_STEP);
    expect(done.failed).toEqual([]);
    const requestId = done.journeys[0]!.requestId;
    expect(requestId).toMatch(/^migrate\/v2\/[0-9a-f]{12}$/);

    // hold-a's journeys take v2, whose 1-hour wait is long over: the reminder goes out with v2's template.
    await until(
      'reminders sent',
      async () => subjects().filter((s) => s.startsWith('Notice-two')).length,
      (n) => n === PER_STEP,
    );
    const views = new Map<string, JourneyStateView>();
    await until(
      'journeys migrated',
      async () => {
        for (const d of debts) views.set(d, await view(d));
        return [...views.values()].filter((v) => v.version === 2).length;
      },
      (n) => n === 2 * PER_STEP,
    );
    for (const d of debts) {
      const v = views.get(d)!;
      const group = d.split('-')[1];
      if (group === 'c') {
        expect(v.version, d).toBe(1);
        expect(v.current, d).toBe('hold-c');
        expect(v.migrations, d).toBeUndefined();
        continue;
      }
      expect(v.version, d).toBe(2);
      expect(v.migrations, d).toEqual([
        expect.objectContaining({
          requestId,
          fromVersion: 1,
          toVersion: 2,
          fromStep: `hold-${group}`,
          toStep: group === 'a' ? 'hold-a' : 'hold-b2',
        }),
      ]);
      if (group === 'b') expect(v.current, d).toBe('hold-b2');
    }
    // No message twice: one first email per debt (v1), one reminder per hold-a debt (v2), nothing else.
    const all = subjects();
    expect(all).toHaveLength(debts.length + PER_STEP);
    expect(new Set(all).size).toBe(all.length);
    for (const d of debts.filter((x) => x.includes('-a-'))) expect(all).toContain(`Notice-two ${d}`);

    // A re-run finds only hold-c's journeys on v1, which stay: nothing is signalled.
    const again = await settle(['migrate', '--to', '2', '--apply', '--format', 'json']);
    expect(again.code, again.stderr).toBe(0);
    const second = JSON.parse(again.stdout) as MigrationReport;
    expect(second.moves).toEqual([]);
    expect(second.stays.map((s) => s.count)).toEqual([PER_STEP]);
    expect(second.signalled).toBe(0);
    await delay(1_000);
    expect(subjects()).toHaveLength(all.length);

    // settle status shows the migration.
    const status = await settle(['status', 'MIG-b-0', '--dir', 'journeys']);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/migrations\n\s+\S+\s+v1 → v2\s+hold-b → hold-b2\s+migrate\/v2\//);

    // settle status --journey lists running journeys by step and version (search attributes).
    const listed = await until(
      'listed by step',
      async () => settle(['status', '--journey', 'mig', '--step', 'hold-b2', '--version', '2', '--format', 'json']),
      (r) => r.code === 0 && (JSON.parse(r.stdout) as { running: number }).running === PER_STEP,
    );
    const list = JSON.parse(listed.stdout) as { journeys: { workflowId: string; version: number; step: string }[] };
    expect(list.journeys.map((j) => j.workflowId)).toEqual(
      debts
        .filter((d) => d.includes('-b-'))
        .map(workflowIdFor)
        .sort(),
    );
    expect(list.journeys.every((j) => j.version === 2 && j.step === 'hold-b2')).toBe(true);
    const stayed = await settle(['status', '--journey', 'mig', '--version', '1']);
    expect(stayed.stdout).toMatch(new RegExp(`^${PER_STEP} running journeys`));
    expect(stayed.stdout).toMatch(/settle\/MIG-c-0\s+v1\s+hold-c/);

    // The first run of a migrated journey (the signal, the hand-over to v2) replays on the current code.
    const history = await t.env.client.workflow.getHandle(workflowIdFor('MIG-b-0'), firstRun).fetchHistory();
    expect(history.events!.some((e) => e.workflowExecutionContinuedAsNewEventAttributes)).toBe(true);
    await Worker.runReplayHistory(
      { workflowBundle: await workflowBundle(), dataConverter: dataConverterOf(SECRET) },
      history,
      workflowIdFor('MIG-b-0'),
    );
  }, 150_000);

  it('a worker killed before the journeys took the signal: the next worker migrates them', async () => {
    const taskQueue = 'migrate-kill';
    const killDebts = ['MIG-a-90', 'MIG-a-91', 'MIG-b-90', 'MIG-b-91'];
    const vars = {
      TEMPORAL_ADDRESS: t.env.address,
      TEMPORAL_TASK_QUEUE: taskQueue,
      SMTP_URL: t.rig.smtp.url,
      SETTLE_SECRET: SECRET,
    };
    const first = spawnWorker(project, vars);
    await first.waitFor('worker ready');
    for (const d of killDebts) expect(await start(d, taskQueue)).toBe('started');
    await until(
      'waiting on v1',
      async () => Promise.all(killDebts.map(async (d) => (await view(d)).current)),
      (steps) => steps.every((s) => s === 'hold-a' || s === 'hold-b'),
    );
    first.child.kill('SIGKILL');
    await first.exited;
    const applied = await settle(['migrate', '--to', '2', '--apply', '--format', 'json'], taskQueue);
    expect(applied.code, applied.stderr).toBe(0);
    expect((JSON.parse(applied.stdout) as MigrationReport).signalled).toBe(killDebts.length);
    const second = spawnWorker(project, vars);
    try {
      await second.waitFor('worker ready');
      const views = await until(
        'migrated by the next worker',
        async () => Promise.all(killDebts.map((d) => view(d))),
        (vs) => vs.every((v) => v.version === 2),
      );
      expect(views.map((v) => v.migrations?.map((m) => m.toStep))).toEqual([
        ['hold-a'],
        ['hold-a'],
        ['hold-b2'],
        ['hold-b2'],
      ]);
      await until(
        'reminders with the v2 template',
        async () => subjects().filter((x) => x === 'Notice-two MIG-a-90' || x === 'Notice-two MIG-a-91').length,
        (n) => n === 2,
      );
      for (const d of killDebts)
        expect(
          subjects().filter((x) => x.endsWith(` ${d}`)),
          d,
        ).toHaveLength(d.includes('-a-') ? 2 : 1);
    } finally {
      second.child.kill('SIGKILL');
      await second.exited;
    }
  }, 150_000);
});
