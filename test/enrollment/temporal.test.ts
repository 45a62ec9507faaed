/**
 * End to end on a real Temporal dev server: `settle enroll` starts one journey per valid row with
 * the contract's id and search attributes (hashes only), re-running starts nothing, and with a
 * worker (real workflow code, activities recorded in memory) `settle event` reaches the running
 * journey and `settle status` shows its state, audit trail and outcome.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { WorkflowExecutionDescription } from '@temporalio/client';
import { MockActivityEnvironment, type TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Activities, SendMessageInput } from '../../src/workflows/contract.js';
import { createLoadPlan } from '../../src/activities/load-plan.js';
import { createRouteDebt } from '../../src/activities/route-debt.js';
import { createLedgerActivities } from '../../src/activities/reserve-contact.js';
import { run } from '../../src/cli/main.js';
import { compilePaths } from '../../src/compiler/index.js';
import { declaredAttributes } from '../../src/project/project.js';
import { enrollPortfolio } from '../../src/enrollment/enroll.js';
import { journeyInput } from '../../src/enrollment/start.js';
import { readPortfolio } from '../../src/enrollment/read.js';
import { routingTableOf } from '../../src/routing/table.js';
import { keyedHash, workflowIdFor } from '../../src/ids/workflow-ids.js';
import { publishPlan, startInput } from '../../src/temporal/plan-store.js';
import { planRefOf } from '../../src/ids/plan-ref.js';
import { SA } from '../../src/temporal/search-attributes.js';
import type { EnrollmentData, JourneyPlan } from '../../src/ir/index.js';
import { createRoutingTableReader, publishRoutingTable, readRoutingTable } from '../../src/temporal/routing-store.js';
import {
  PLAN_WORKFLOW_TYPE,
  planWorkflowId,
  ROUTING_WORKFLOW_TYPE,
  routingWorkflowId,
} from '../../src/workflows/definitions.js';
import type { JourneyRefInput } from '../../src/workflows/types.js';
import { dataConverterOf, SECRET } from '../support/codec.js';
import { createDevServerEnv, quietTemporalRuntime } from '../support/temporal.js';
import { ROOT } from '../support/journeys.js';
import { examplePortfolio } from './support.js';
import { createPlanLoader } from '../../src/temporal/plan-store.js';

const NOW = Date.parse('2026-11-23T10:00:00Z');
const DAY = 86_400_000;
const TASK_QUEUE = 'settle-enroll-test';
const workflowsPath = fileURLToPath(new URL('../../src/workflows/index.ts', import.meta.url));

let env: TestWorkflowEnvironment;
let tmp: string;
let file: string;

interface Out {
  code: number;
  stdout: string;
  stderr: string;
}

async function settle(args: string[], vars: Record<string, string> = {}, progress = false): Promise<Out> {
  let stdout = '';
  let stderr = '';
  const code = await run(
    args,
    { out: (s) => (stdout += s), err: (s) => (stderr += s), color: false, cwd: ROOT, progress },
    {
      publicUrl: 'https://pay.example.test',
      nowMs: NOW,
      vars: { TEMPORAL_ADDRESS: env.address, TEMPORAL_TASK_QUEUE: TASK_QUEUE, SETTLE_SECRET: SECRET, ...vars },
    },
  );
  return { code, stdout, stderr };
}

async function eventually<T>(fn: () => Promise<T>, ok: (v: T) => boolean, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (ok(v) || Date.now() > deadline) return v;
    await delay(200);
  }
}

const csvRows = () =>
  readFileSync(join(ROOT, 'examples', 'portfolio.csv'), 'utf8')
    .trimEnd()
    .split('\n');

beforeAll(async () => {
  quietTemporalRuntime();
  env = await createDevServerEnv();
  tmp = mkdtempSync(join(tmpdir(), 'settle-enroll-'));
  const lines = csvRows();
  const good = lines[1]!.split(',');
  const decimalComma = [...good];
  decimalComma[0] = 'BAD-0001';
  decimalComma[12] = '"12,50"'; // debt.amountDue with a decimal comma
  const badCurrency = [...good];
  badCurrency[0] = 'BAD-0002';
  badCurrency[13] = 'euro';
  file = join(tmp, 'portfolio.csv');
  writeFileSync(file, [...lines, decimalComma.join(','), badCurrency.join(',')].join('\n') + '\n');
}, 120_000);

afterAll(async () => {
  await env?.teardown();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

type CsvRecord = { debtId: string; debtor: Record<string, string> };

const contactKeysOf = (r: CsvRecord) =>
  [
    r.debtor.email && keyedHash(SECRET, 'email', r.debtor.email),
    r.debtor.phone && keyedHash(SECRET, 'phone', r.debtor.phone),
  ].filter(Boolean);

const portfolioRecords = examplePortfolio;

/** Calls `check` for the one journey of each debt of examples/portfolio.csv; returns how many. */
async function forEachEnrolled(
  check: (r: CsvRecord, journey: string, d: WorkflowExecutionDescription) => Promise<void>,
): Promise<number> {
  const compiled = compilePaths([join(ROOT, 'journeys')]);
  let n = 0;
  for await (const row of readPortfolio(
    join(ROOT, 'examples', 'portfolio.csv'),
    declaredAttributes(compiled.project),
  )) {
    const r = row.record as CsvRecord;
    // One workflow per debt, `settle/<debtId>`; its journey is in its start input.
    const d = await env.client.workflow.getHandle(workflowIdFor(r.debtId)).describe();
    const input = (await startInput<JourneyRefInput>(env.client, d.workflowId))!;
    expect(compiled.plans.has(input.planRef.journey), r.debtId).toBe(true);
    await check(r, input.planRef.journey, d);
    n += 1;
  }
  return n;
}

/** Enrolls `record` again on `taskQueue` a minute after NOW (newer facts for a running journey). */
function enrollAgain(r: ReturnType<typeof compilePaths>, taskQueue: string, record: EnrollmentData) {
  return enrollPortfolio({
    client: env.client,
    taskQueue,
    plans: r.plans,
    project: r.project,
    rows: (async function* () {
      yield { line: 2, record };
    })(),
    secret: SECRET,
    nowMs: NOW + 60_000,
  });
}

describe('settle enroll on a dev server', { timeout: 120_000 }, () => {
  const runIds = new Map<string, string>();

  it('starts one journey per valid row and lists the invalid rows', async () => {
    const res = await settle(['enroll', file, '--format', 'json']);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(1); // two invalid rows
    const summary = JSON.parse(res.stdout) as Record<string, unknown>;
    expect(summary).toMatchObject({
      started: 33,
      alreadyEnrolled: 0,
      unmatched: 0,
      byJourney: { 'pre-due-reminder': 7, 'soft-collection': 15, 'late-stage': 11 },
      evaluationErrors: 0,
      invalid: [
        {
          line: 35,
          reason: 'debt.amountDue is not a number (write digits with . as the decimal separator, e.g. 420.50)',
        },
        { line: 36, reason: 'debt.currency must match pattern "^[A-Z]{3}$"' },
      ],
    });
  });

  it('gives every journey the contract id and a start carrying the plan by reference and keyed hashes', async () => {
    const plans = compilePaths([join(ROOT, 'journeys')]).plans;
    const n = await forEachEnrolled(async (r, journey, d) => {
      runIds.set(d.workflowId, d.runId);
      expect(d.type).toBe('journeyWorkflow');
      expect(d.taskQueue).toBe(TASK_QUEUE);
      expect(d.status.name).toBe('RUNNING');
      // No worker yet: the start set no search attributes (the journey upserts them).
      expect(d.typedSearchAttributes.get(SA.journey)).toBeUndefined();
      const input = (await startInput<JourneyRefInput>(env.client, d.workflowId))!;
      expect(input.planRef).toEqual(planRefOf(plans.get(journey)!));
      expect(input).not.toHaveProperty('plan');
      expect(input.options.debtorKey).toBe(keyedHash(SECRET, 'debtor', r.debtor.id!));
      expect(input.options.contactKeys).toEqual(contactKeysOf(r));
      // The plan is in the store once per journey version, whatever the number of debts.
      expect(await startInput<JourneyPlan>(env.client, planWorkflowId(input.planRef))).toEqual(plans.get(journey));
    });
    expect(n).toBe(33);
    const count = await eventually(
      () => env.client.workflow.count(`WorkflowType = 'journeyWorkflow' AND TaskQueue = '${TASK_QUEUE}'`),
      (c) => c.count === 33,
    );
    expect(count.count).toBe(33);
    expect(
      (await env.client.workflow.count(`WorkflowType = '${PLAN_WORKFLOW_TYPE}' AND TaskQueue = '${TASK_QUEUE}'`)).count,
    ).toBe(3);
  });

  it('re-running the same file starts nothing and reports every row as already enrolled', async () => {
    const res = await settle(['enroll', file], {}, true);
    expect(res.code).toBe(1);
    // On a terminal: a progress line on stderr, redrawn in place, cleared before the summary.
    expect(res.stderr).toMatch(
      /^\r\x1b\[Kenrolling \d+\/35 rows {2}\d+\/s {2}started 0, updated 0, already enrolled \d+/,
    );
    expect(res.stderr).toContain('enrolling 35/35 rows');
    expect(res.stderr.endsWith('\r\x1b[K')).toBe(true);
    expect(res.stdout).toContain('started             0\n');
    expect(res.stdout).toContain('updated             0\n');
    expect(res.stdout).toContain('already enrolled    33\n');
    expect(res.stdout).toContain(`${file.split('/').pop()}:35  debt.amountDue is not a number`);
    for (const [id, runId] of runIds) {
      expect((await env.client.workflow.getHandle(id).describe()).runId, id).toBe(runId);
    }
    await delay(1_000); // visibility is eventually consistent: give a late start time to show up
    expect(
      (await env.client.workflow.count(`WorkflowType = 'journeyWorkflow' AND TaskQueue = '${TASK_QUEUE}'`)).count,
    ).toBe(33);
  });

  it('a journey that ended is not started again (reuse policy: reject duplicate)', async () => {
    const r = compilePaths([join(ROOT, 'journeys')]);
    const id = workflowIdFor('TN-US-2026-74877');
    await env.client.workflow.getHandle(id).terminate('test');
    const rows = (async function* () {
      const all = readPortfolio(join(ROOT, 'examples', 'portfolio.csv'), declaredAttributes(r.project));
      for await (const row of all) if ((row.record as { debtId: string }).debtId === 'TN-US-2026-74877') yield row;
    })();
    const summary = await enrollPortfolio({
      client: env.client,
      taskQueue: TASK_QUEUE,
      plans: r.plans,
      project: r.project,
      rows,
      secret: SECRET,
      nowMs: NOW,
    });
    expect(summary).toMatchObject({ started: 0, alreadyEnrolled: 1 });
    expect((await env.client.workflow.getHandle(id).describe()).status.name).toBe('TERMINATED');
  });

  it('publishes the routing table once; the routeDebt activity reads the current one and routes by it', async () => {
    const r = compilePaths([join(ROOT, 'journeys')]);
    const table = routingTableOf(r.project, r.plans);
    expect(table.segments.map((x) => x.name)).toEqual([
      'pre-due',
      'good-payers',
      'high-risk-early',
      'early-overdue',
      'late',
    ]);
    const handle = env.client.workflow.getHandle(routingWorkflowId(TASK_QUEUE));
    const first = await handle.describe();
    expect(first.type).toBe(ROUTING_WORKFLOW_TYPE);
    expect(await readRoutingTable(env.client, TASK_QUEUE)).toEqual(table);
    // Enrolled three times so far: the same content, the same run.
    const kept = await publishRoutingTable(env.client, TASK_QUEUE, table, r.plans.values());
    expect(kept.status).toBe('unchanged');
    expect((await handle.describe()).runId).toBe(first.runId);

    // The activity, in a real activity context with the test's client, on this task queue.
    const activity = new MockActivityEnvironment({ taskQueue: TASK_QUEUE }, { client: env.client });
    const routeDebt = createRouteDebt(createRoutingTableReader());
    const record = (await portfolioRecords(r)).get('TN-FR-2026-118204')!; // due 2026-11-23 in Paris, good payer
    const input = {
      workflowId: workflowIdFor(record.debtId),
      debtId: record.debtId,
      from: { journey: 'pre-due-reminder', version: 4 },
      enrollment: record,
      at: NOW,
      horizonMs: 40 * DAY,
    };
    // Due today: still pre-due now; overdue (good payers) from the next midnight in Paris.
    expect(await activity.run(routeDebt, input)).toEqual({
      to: planRefOf(r.plans.get('soft-collection')!),
      segment: 'good-payers',
      at: Date.parse('2026-11-23T23:00:00Z'),
    });
    expect(await activity.run(routeDebt, { ...input, horizonMs: DAY / 2 })).toEqual({
      none: 'the segments keep the debt in pre-due-reminder for the next 1 days',
    });

    // A changed table replaces the holder's run; a worker's reader sees it once its copy is older than the TTL.
    let clock = 0;
    const reader = createRoutingTableReader({ ttlMs: 30_000, now: () => clock });
    expect((await reader.read(env.client, TASK_QUEUE))?.contentHash).toBe(table.contentHash);
    const noPreDue = {
      ...table,
      segments: table.segments.filter((x) => x.name !== 'pre-due'),
      contentHash: 'x'.repeat(64),
    };
    // A new run, which keeps when routing was first published here (the cut-off of older journey ids).
    expect(await publishRoutingTable(env.client, TASK_QUEUE, noPreDue, r.plans.values())).toEqual({
      status: 'published',
      since: kept.since,
    });
    const second = await handle.describe();
    expect(second.runId).not.toBe(first.runId);
    expect(second.status.name).toBe('RUNNING');
    clock = 29_999;
    expect((await reader.read(env.client, TASK_QUEUE))?.contentHash).toBe(table.contentHash);
    clock = 30_000;
    expect((await reader.read(env.client, TASK_QUEUE))?.contentHash).toBe(noPreDue.contentHash);
    // Put the project's table back for the tests below.
    expect(await publishRoutingTable(env.client, TASK_QUEUE, table, r.plans.values())).toMatchObject({
      status: 'published',
    });
  });

  it('a re-import with new facts goes to the running journey: updated, one journey, the reenroll signal', async () => {
    const r = compilePaths([join(ROOT, 'journeys')]);
    const debt = 'LE-NL-2026-39852';
    const record = (await portfolioRecords(r)).get(debt)!;
    const newer = { ...record, debt: { ...record.debt, amountDue: 672.6 } };
    const handle = env.client.workflow.getHandle(workflowIdFor(debt));
    const before = await handle.describe();
    const summary = await enrollAgain(r, TASK_QUEUE, newer);
    expect(summary).toMatchObject({ started: 0, updated: 1, alreadyEnrolled: 0 });
    const after = await handle.describe();
    expect(after.runId).toBe(before.runId);
    const signals = (await handle.fetchHistory()).events!.flatMap((e) =>
      e.workflowExecutionSignaledEventAttributes ? [e.workflowExecutionSignaledEventAttributes] : [],
    );
    expect(signals.map((x) => x.signalName)).toEqual(['reenroll']);
    const { payloadConverter, payloadCodecs } = env.client.options.loadedDataConverter;
    let payloads = signals[0]!.input!.payloads!;
    for (const codec of [...payloadCodecs].reverse()) payloads = await codec.decode(payloads);
    expect(payloadConverter.fromPayload(payloads[0]!)).toEqual({
      enrollment: newer,
      planRef: planRefOf(r.plans.get('soft-collection')!),
      segment: 'good-payers',
      at: NOW + 60_000,
    });
  });

  it('a debt whose journey still runs under the older id settle/<debtId>/<journey> gets the new facts there, no second journey', async () => {
    const queue = 'settle-enroll-legacy';
    const r = compilePaths([join(ROOT, 'journeys')]);
    const debt = 'LEGACY-00311'; // not enrolled by the tests above
    const record = { ...(await portfolioRecords(r)).get('LS-FR-2026-00311')!, debtId: debt };
    const plan = r.plans.get('late-stage')!;
    // Enrolled by an older version: the id names the journey.
    const legacyId = `settle/${debt}/late-stage`;
    await publishPlan(env.client, queue, plan);
    await env.client.workflow.start('journeyWorkflow', {
      workflowId: legacyId,
      taskQueue: queue,
      args: [{ ...journeyInput({ taskQueue: queue, plan, record, secret: SECRET, nowMs: NOW }) }],
    });
    const query = `WorkflowType = 'journeyWorkflow' AND TaskQueue = '${queue}'`;
    await eventually(
      () => env.client.workflow.count(query),
      (c) => c.count === 1,
    );
    await delay(50); // the routing table's first publication comes after the older journey's start
    const newer = { ...record, debt: { ...record.debt, amountDue: 3625 } };
    const summary = await enrollAgain(r, queue, newer);
    expect(summary).toMatchObject({ started: 0, updated: 1, alreadyEnrolled: 0 });
    await expect(env.client.workflow.getHandle(workflowIdFor(debt)).describe()).rejects.toThrow(/not found/i);
    const signals = (await env.client.workflow.getHandle(legacyId).fetchHistory()).events!.flatMap((e) =>
      e.workflowExecutionSignaledEventAttributes ? [e.workflowExecutionSignaledEventAttributes.signalName] : [],
    );
    expect(signals).toEqual(['reenroll']);
    await env.client.workflow.getHandle(legacyId).terminate('test over');
  });

  it('status without a worker shows what Temporal knows and says the worker is missing', async () => {
    const res = await settle(['status', 'TN-FR-2026-118204']);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^pre-due-reminder v\d+ {2}running {2}settle\/TN-FR-2026-118204\n/m);
    expect(res.stdout).toContain(`no worker is polling task queue ${TASK_QUEUE}`);
  });

  it('refuses unknown debts and event types, a missing secret, an unreachable server', async () => {
    expect(await settle(['status', 'NO-SUCH-DEBT'])).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('unknown debt') as string,
    });
    expect(await settle(['event', 'NO-SUCH-DEBT', 'opened'])).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('unknown debt or no running journey') as string,
    });
    const bad = await settle(['event', 'TN-FR-2026-118204', 'read']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(
      'unknown event type "read" — one of delivered, bounced, softBounced, opened, clicked, visited, paid, partiallyPaid, optedOut, replied',
    );
    const noSecret = await settle(['enroll', file], { SETTLE_SECRET: '' });
    expect(noSecret.code).toBe(2);
    expect(noSecret.stderr).toContain('SETTLE_SECRET is not set');
    const down = await settle(['enroll', file], { TEMPORAL_ADDRESS: '127.0.0.1:1' });
    expect(down.code).toBe(3);
    expect(down.stderr).toContain('cannot reach Temporal at 127.0.0.1:1');
  });
});

describe('settle event and status with a worker', { timeout: 180_000 }, () => {
  const sent: SendMessageInput[] = [];
  const localeOf = (i: SendMessageInput) => ('message' in i ? i.message.locale : i.template.defaultLocale);
  const activities: Activities = {
    sendEmail: async (i) => (sent.push(i), { messageId: i.key, locale: localeOf(i) }),
    sendSms: async (i) => (sent.push(i), { messageId: i.key, locale: localeOf(i) }),
    createPaymentLink: async (i) => ({ url: `https://pay.example.test/p/${encodeURIComponent(i.key)}` }),
    callWebhook: async () => ({ status: 200 }),
    journeyStarted: async () => undefined,
    recordOutcome: async () => undefined,
    recordPromise: async () => undefined,
    recordDispute: async () => undefined,
    ...createLedgerActivities(),
    loadPlan: createLoadPlan(createPlanLoader()),
    routeDebt: createRouteDebt(createRoutingTableReader()),
  };

  it('signals the running journey of a debt, whose state and audit trail status then shows', async () => {
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: TASK_QUEUE,
      workflowsPath,
      activities,
      // settle enroll encrypts the payloads with the key of its SETTLE_SECRET (payload encryption is on by default).
      dataConverter: dataConverterOf(SECRET),
    });
    await worker.runUntil(async () => {
      const debt = 'TN-FR-2026-118204';
      // Due today: the due-date SMS goes out at once (journey time 11:00 in Paris).
      await eventually(
        async () => sent.filter((s) => s.debtId === debt).length,
        (n) => n > 0,
      );
      // Running, each journey has upserted its search attributes: keyed hashes, no personal data.
      const plans = compilePaths([join(ROOT, 'journeys')]).plans;
      const checked = await forEachEnrolled(async (r, journey, before) => {
        if (before.status.name === 'TERMINATED') return; // by the reuse-policy test, before any worker ran it
        const d = await eventually(
          () => env.client.workflow.getHandle(workflowIdFor(r.debtId)).describe(),
          (x) => x.typedSearchAttributes.get(SA.debtor) !== undefined,
        );
        const sa = d.typedSearchAttributes;
        expect(sa.get(SA.journey)).toBe(journey);
        expect(sa.get(SA.version)).toBe(plans.get(journey)!.version);
        expect(sa.get(SA.debtor)).toBe(keyedHash(SECRET, 'debtor', r.debtor.id!));
        expect(sa.get(SA.contact)).toEqual(contactKeysOf(r));
        const everything =
          JSON.stringify(d.raw.workflowExecutionInfo?.searchAttributes ?? {}) + JSON.stringify(sa.getAll());
        for (const personal of [r.debtor.id, r.debtor.email, r.debtor.phone, r.debtor.firstName, r.debtor.lastName]) {
          if (personal) expect(everything).not.toContain(personal);
        }
      });
      expect(checked).toBe(33);
      const ev = await settle(['event', debt, 'opened', '--message-id', `${workflowIdFor(debt)}/due-date-sms/1`]);
      expect(ev).toMatchObject({ code: 0, stdout: `opened → settle/${debt}\n` });

      const shown = await eventually(
        () => settle(['status', debt]),
        (r) => r.stdout.includes('opened'),
      );
      expect(shown.code).toBe(0);
      expect(shown.stdout).toMatch(/^pre-due-reminder v\d+ {2}running {2}settle\/TN-FR-2026-118204$/m);
      expect(shown.stdout).toMatch(/current step +end-of-due-date/);
      expect(shown.stdout).toMatch(/sends\n +2026-11-23T10:00:\d\dZ +due-date-sms +sms +sent/);
      expect(shown.stdout).toMatch(
        /events\n +2026-11-23T10:\d\d:\d\dZ +opened +message settle\/TN-FR-2026-118204\/due-date-sms\/1/,
      );
      const audit = shown.stdout.slice(shown.stdout.indexOf('  audit'), shown.stdout.indexOf('contact ledger'));
      const times = [...audit.matchAll(/^ {4}(\S+)/gm)].map((m) => m[1]!);
      expect(times.length).toBeGreaterThan(2);
      expect([...times].sort()).toEqual(times);
      // The debtor's contact ledger (shared by all their journeys) booked the SMS.
      expect(shown.stdout).toMatch(
        /contact ledger \(every journey of the debtor\)\n +opted out +none\n +contacts of this debt\n +2026-11-23T10:00:\d\dZ +sms +pre-due-reminder\n/,
      );

      // Every debt of the person, found by the keyed hash of their debtor id (SettleDebtor).
      const byDebtor = await eventually(
        () => settle(['status', '--debtor', 'C-10233']),
        (r) => r.stdout.includes(`debt ${debt}`),
      );
      expect(byDebtor.code).toBe(0);
      expect(byDebtor.stdout).toMatch(
        /^debtor C-10233: 1 debt\n\ndebt TN-FR-2026-118204\n {2}pre-due-reminder v\d+ {2}running/,
      );
      expect(byDebtor.stdout).toMatch(
        /contact ledger of the debtor \(every debt, every journey\)\n +opted out +none\n +bounced +none\n +contacts\n +2026-11-23T10:00:\d\dZ +sms +TN-FR-2026-118204 +pre-due-reminder\n/,
      );
      expect(await settle(['status', '--debtor', 'C-NOBODY'])).toMatchObject({
        code: 1,
        stderr: expect.stringContaining('unknown debtor') as string,
      });
      expect((await settle(['status', debt, '--debtor', 'C-10233'])).code).toBe(2);

      const json = JSON.parse((await settle(['status', debt, '--format', 'json'])).stdout) as {
        view: { events: { type: string }[] };
      }[];
      expect(json[0]!.view.events.map((e) => e.type)).toEqual(['opened']);

      // Paying reaches the goal: the journey completes, and status says how.
      expect((await settle(['event', debt, 'paid', '--journey', 'pre-due-reminder'])).code).toBe(0);
      const done = await eventually(
        () => settle(['status', debt]),
        (r) => r.stdout.includes('completed'),
      );
      expect(done.stdout).toMatch(/^pre-due-reminder v\d+ {2}completed \(paid\)/m);
      expect(await settle(['event', debt, 'clicked'])).toMatchObject({ code: 1 });
    });
    // Worker gone: a completed journey still shows its outcome (from its result).
    const after = await settle(['status', 'TN-FR-2026-118204']);
    expect(after.stdout).toMatch(/^pre-due-reminder v\d+ {2}completed \(paid\)/m);
  });
});
