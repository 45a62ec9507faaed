/**
 * The enrollment pipeline against an in-memory stand-in for the Temporal client: what the pool,
 * the retries and the summary do when the server is slow, flaky or gone — situations a real dev
 * server does not produce on demand. temporal.test.ts covers the same code against the real one.
 */
import { join } from 'node:path';
import {
  ServiceError,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  type Client,
} from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { progressLine } from '../../src/cli/commands/enroll-progress.js';
import { compilePaths } from '../../src/compiler/index.js';
import { EnrollAbortedError, enrollPortfolio } from '../../src/enrollment/enroll.js';
import type { PortfolioRow } from '../../src/project/record.js';
import { routingTableOf } from '../../src/routing/table.js';
import { isTransient, journeyInput, startJourney } from '../../src/enrollment/start.js';
import type { EnrollmentData, JourneyPlan } from '../../src/ir/index.js';
import { keyedHash } from '../../src/ids/workflow-ids.js';
import { contentHash, planRefOf } from '../../src/ids/plan-ref.js';
import {
  PLAN_WORKFLOW_TYPE,
  planWorkflowId,
  ROUTING_WORKFLOW_TYPE,
  routingWorkflowId,
} from '../../src/workflows/definitions.js';
import type { JourneyRefInput, ReenrollSignal } from '../../src/workflows/types.js';
import { ROOT } from '../support/journeys.js';

const NOW = Date.parse('2026-11-23T10:00:00Z');
const SECRET = 's'.repeat(32);
const compiled = compilePaths([join(ROOT, 'journeys')]);
const NO_WAIT = { attempts: 3, delayMs: 1 };

function rec(i: number, over: Partial<EnrollmentData['debt']> = {}): EnrollmentData {
  return {
    debtId: `D-${i}`,
    debtor: {
      id: `C-${i}`,
      firstName: 'A',
      email: `a${i}@example.com`,
      phone: '+33612345678',
      timezone: 'Europe/Paris',
    },
    debt: { reference: `R-${i}`, amountDue: 100, currency: 'EUR', dueDate: '2026-11-10', ...over },
    attributes: { paymentHistory: 'late' },
  };
}

async function* rowsOf(rows: PortfolioRow[]): AsyncGenerator<PortfolioRow> {
  for (const r of rows) yield r;
}

function grpcError(code: number): Error {
  return new ServiceError('Failed to start Workflow', {
    cause: Object.assign(new Error('unavailable'), { code, details: 'unavailable', metadata: {} }),
  });
}

interface FakeOptions {
  /** Throw this for the n-th start (1-based) instead of starting. */
  failures?: Record<number, Error>;
  /** Start the run, then throw this for the n-th start (the answer is lost). */
  lost?: Record<number, Error>;
  delayMs?: number;
}

function fakeClient(opts: FakeOptions = {}) {
  const runs = new Map<
    string,
    { input: JourneyRefInput; startedAt: Date; options: Record<string, unknown>; status: string }
  >();
  /** The plan store's and the routing table's holders, by workflow id (not counted as starts). */
  const holders = new Map<string, { plan: JourneyPlan; options: Record<string, unknown> }>();
  const signals: { workflowId: string; name: string; arg: ReenrollSignal }[] = [];
  let calls = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  const client = {
    workflow: {
      async start(type: string, o: { workflowId: string; args: [JourneyRefInput] } & Record<string, unknown>) {
        if (type === PLAN_WORKFLOW_TYPE || type === ROUTING_WORKFLOW_TYPE) {
          holders.set(o.workflowId, { plan: o.args[0] as unknown as JourneyPlan, options: o });
          return {};
        }
        expect(type).toBe('journeyWorkflow');
        calls += 1;
        const n = calls;
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        try {
          await new Promise((r) => setTimeout(r, opts.delayMs ?? 0));
          if (opts.failures?.[n]) throw opts.failures[n];
          if (runs.has(o.workflowId))
            throw new WorkflowExecutionAlreadyStartedError('already started', o.workflowId, type);
          runs.set(o.workflowId, { input: o.args[0], startedAt: new Date(), options: o, status: 'RUNNING' });
          if (opts.lost?.[n]) throw opts.lost[n];
          return {};
        } finally {
          inFlight -= 1;
        }
      },
      // No journey of the older id runs (legacyJourneys counts them first).
      count: async () => ({ count: 0, groups: [] }),
      getHandle: (id: string) => ({
        async describe() {
          const holder = holders.get(id);
          if (holder) return { status: { name: 'RUNNING' }, memo: holder.options['memo'] };
          const run = runs.get(id);
          if (!run) throw new WorkflowNotFoundError('not found', id, undefined);
          return { startTime: run.startedAt, status: { name: run.status } };
        },
        async signal(def: { name: string }, arg: ReenrollSignal) {
          if (runs.get(id)?.status !== 'RUNNING') throw new WorkflowNotFoundError('not found', id, undefined);
          signals.push({ workflowId: id, name: def.name, arg });
        },
      }),
    },
    // startInput reads the first event of a run's history through the client's converter.
    options: {
      namespace: 'default',
      loadedDataConverter: { payloadConverter: defaultPayloadConverter, payloadCodecs: [] },
    },
    workflowService: {
      async getWorkflowExecutionHistory(req: { execution: { workflowId: string } }) {
        const run = runs.get(req.execution.workflowId);
        if (!run) throw Object.assign(new Error('not found'), { code: 5 });
        const payload = defaultPayloadConverter.toPayload(run.input);
        return {
          history: { events: [{ workflowExecutionStartedEventAttributes: { input: { payloads: [payload] } } }] },
        };
      },
    },
  };
  return { client: client as unknown as Client, runs, holders, signals, stats: () => ({ calls, maxInFlight }) };
}

/** enrollPortfolio through a fake client on task queue `q`, with the example journeys, at NOW. */
function enrollFake(
  fake: ReturnType<typeof fakeClient>,
  rows: PortfolioRow[],
  more: Partial<Parameters<typeof enrollPortfolio>[0]> = {},
) {
  return enrollPortfolio({
    client: fake.client,
    taskQueue: 'q',
    plans: compiled.plans,
    project: compiled.project,
    rows: rowsOf(rows),
    secret: SECRET,
    nowMs: NOW,
    ...more,
  });
}

describe('startJourney', () => {
  it('builds the contract input: plan reference, record, hashed keys, enrollment instant', () => {
    const plan = compiled.plans.get('soft-collection')!;
    const input = journeyInput({ taskQueue: 'q', plan, record: rec(1), secret: SECRET, nowMs: NOW, timeScale: 60 });
    expect(input.planRef).toEqual({
      journey: 'soft-collection',
      version: plan.version,
      contentHash: contentHash(plan),
    });
    expect(input.planRef.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(input).not.toHaveProperty('plan');
    expect(input.options).toEqual({
      debtorKey: keyedHash(SECRET, 'debtor', 'C-1'),
      contactKeys: [keyedHash(SECRET, 'email', 'a1@example.com'), keyedHash(SECRET, 'phone', '+33612345678')],
      enrolledAt: NOW,
      timeScale: 60,
    });
  });

  it('uses conflict policy FAIL and reuse policy REJECT_DUPLICATE; a second start is "already enrolled"', async () => {
    const fake = fakeClient();
    const req = { taskQueue: 'q', plan: compiled.plans.get('late-stage')!, record: rec(1), secret: SECRET, nowMs: NOW };
    expect(await startJourney(fake.client, req, NO_WAIT)).toBe('started');
    expect(await startJourney(fake.client, req, NO_WAIT)).toBe('alreadyEnrolled');
    const { options, input } = fake.runs.get('settle/D-1')!;
    expect(options).toMatchObject({
      taskQueue: 'q',
      workflowIdConflictPolicy: 'FAIL',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
    });
    // No search attributes at start (the journey upserts them); the plan went to the store once.
    expect(options).not.toHaveProperty('typedSearchAttributes');
    expect([...fake.holders.keys()]).toEqual([planWorkflowId(input.planRef)]);
    // The same record again sends nothing to the running journey.
    expect(fake.signals).toEqual([]);
    expect(fake.holders.get(planWorkflowId(input.planRef))).toMatchObject({
      plan: req.plan,
      options: { taskQueue: 'q', workflowIdConflictPolicy: 'USE_EXISTING', workflowIdReusePolicy: 'ALLOW_DUPLICATE' },
    });
  });

  it('a re-import with new facts goes to the running journey (reenroll), never a second journey', async () => {
    const fake = fakeClient();
    const late = compiled.plans.get('late-stage')!;
    const soft = compiled.plans.get('soft-collection')!;
    const req = { taskQueue: 'q', plan: late, record: rec(1), secret: SECRET, nowMs: NOW };
    expect(await startJourney(fake.client, req, NO_WAIT)).toBe('started');
    const newer = rec(1, { amountDue: 60 });
    const again = { ...req, plan: soft, record: newer, nowMs: NOW + 1000, segment: 'early-overdue' };
    expect(await startJourney(fake.client, again, NO_WAIT)).toBe('updated');
    expect([...fake.runs.keys()]).toEqual(['settle/D-1']);
    expect(fake.signals).toEqual([
      {
        workflowId: 'settle/D-1',
        name: 'reenroll',
        arg: { enrollment: newer, planRef: planRefOf(soft), segment: 'early-overdue', at: NOW + 1000 },
      },
    ]);
    // The routed journey's plan is in the store before the signal names it.
    expect(fake.holders.has(planWorkflowId(planRefOf(soft)))).toBe(true);
    // A journey that ended stays ended: already enrolled, no signal.
    fake.runs.get('settle/D-1')!.status = 'COMPLETED';
    expect(await startJourney(fake.client, { ...again, record: rec(1, { amountDue: 10 }) }, NO_WAIT)).toBe(
      'alreadyEnrolled',
    );
    expect(fake.signals).toHaveLength(1);
  });

  it('retries a transient failure; a run its own lost attempt created counts as started', async () => {
    const fake = fakeClient({ lost: { 1: grpcError(14) } });
    const req = { taskQueue: 'q', plan: compiled.plans.get('late-stage')!, record: rec(1), secret: SECRET, nowMs: NOW };
    expect(await startJourney(fake.client, req, NO_WAIT)).toBe('started');
    expect(fake.stats().calls).toBe(2);
  });

  it('gives up on a permanent failure at once, and on a transient one after its attempts', async () => {
    const req = { taskQueue: 'q', plan: compiled.plans.get('late-stage')!, record: rec(1), secret: SECRET, nowMs: NOW };
    const permanent = fakeClient({ failures: { 1: grpcError(3) } });
    await expect(startJourney(permanent.client, { ...req, record: rec(2) }, NO_WAIT)).rejects.toThrow(ServiceError);
    expect(permanent.stats().calls).toBe(1);
    expect(isTransient(grpcError(14))).toBe(true);
    expect(isTransient(grpcError(3))).toBe(false);
    expect(isTransient(new Error('x'))).toBe(false);
  });
});

describe('enrollPortfolio', () => {
  it('keeps at most `concurrency` starts in flight and counts every row once', async () => {
    const fake = fakeClient({ delayMs: 5 });
    const rows: PortfolioRow[] = [
      ...Array.from({ length: 40 }, (_, i) => ({ line: i + 2, record: rec(i) })),
      { line: 42, error: 'has 3 values, the header has 21 columns' },
      { line: 43, record: { ...rec(99), debt: { ...rec(99).debt, currency: 'eur' } } },
      { line: 44, record: rec(100, { dueDate: '2025-01-01' }) }, // far past every segment
      { line: 45, record: rec(0) }, // the same debt again
    ];
    const progress: number[] = [];
    const summary = await enrollFake(fake, rows, { concurrency: 4, onProgress: (p) => progress.push(p.done) });
    expect(fake.stats().maxInFlight).toBe(4);
    // The routing table went out first (hand-overs route with it), with its hash in the memo.
    const table = routingTableOf(compiled.project, compiled.plans);
    expect(fake.holders.get(routingWorkflowId('q'))?.options).toMatchObject({
      args: [table],
      memo: { contentHash: table.contentHash },
      workflowIdConflictPolicy: 'TERMINATE_EXISTING',
    });
    expect(summary).toEqual({
      started: 40,
      updated: 0,
      alreadyEnrolled: 1,
      unmatched: 1,
      unmatchedLines: [44],
      invalid: [
        { line: 42, reason: 'has 3 values, the header has 21 columns' },
        { line: 43, reason: 'debt.currency must match pattern "^[A-Z]{3}$"' },
      ],
      byJourney: { 'soft-collection': 40 },
      evaluationErrors: 0,
    });
    expect(progress).toEqual(Array.from({ length: 44 }, (_, i) => i + 1));
  });

  it('--journey sends every valid row to that journey, whatever the segments say', async () => {
    const fake = fakeClient();
    const summary = await enrollFake(fake, [{ line: 2, record: rec(1, { dueDate: '2025-01-01' }) }], {
      journey: 'late-stage',
    });
    expect(summary).toMatchObject({ started: 1, unmatched: 0, byJourney: { 'late-stage': 1 } });
    expect([...fake.runs.keys()]).toEqual(['settle/D-1']);
  });

  it('stops when Temporal keeps failing, with what was done so far', async () => {
    const down = grpcError(14);
    const fake = fakeClient({ failures: Object.fromEntries(Array.from({ length: 100 }, (_, i) => [i + 3, down])) });
    const rows = Array.from({ length: 50 }, (_, i) => ({ line: i + 2, record: rec(i) }));
    const err = await enrollFake(fake, rows, { concurrency: 1, retry: NO_WAIT }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EnrollAbortedError);
    // Two starts went through, the third was tried three times; reading stopped there.
    expect((err as EnrollAbortedError).summary.started).toBe(2);
    expect(fake.stats().calls).toBe(5);
    expect((err as EnrollAbortedError).message).toContain('enrollment stopped');
  });
});

describe('progress line', () => {
  it('redraws at most every 100 ms, always the last row, and clears itself', () => {
    let t = 0;
    let err = '';
    const bar = progressLine({ out: () => undefined, err: (s) => (err += s), color: false, cwd: '/' }, 3, () => t);
    t = 1000;
    bar.update({ done: 1, started: 1, updated: 0, alreadyEnrolled: 0 });
    t = 1050;
    bar.update({ done: 2, started: 2, updated: 0, alreadyEnrolled: 0 });
    t = 1060;
    bar.update({ done: 3, started: 2, updated: 0, alreadyEnrolled: 1 });
    bar.done();
    expect(err.split('\r\x1b[K')).toEqual([
      '',
      'enrolling 1/3 rows  1/s  started 1, updated 0, already enrolled 0',
      'enrolling 3/3 rows  3/s  started 2, updated 0, already enrolled 1',
      '',
    ]);
  });
});
