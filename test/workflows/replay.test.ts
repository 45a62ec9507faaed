/**
 * Replay: every recorded journey history (test/fixtures/histories, written by
 * scripts/record-histories.ts) must replay on the current workflow bundle without error. A change
 * to journeyWorkflow or the interpreter that would issue different commands for a journey already
 * running fails here, before it reaches a worker. Negative checks prove the test can fail: a
 * deliberately incompatible journeyWorkflow is a DeterminismViolationError, while the same change
 * behind `patched()` replays.
 */
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { describe, expect, it } from 'vitest';
import { parseWorkflowId } from '../../src/ids/workflow-ids.js';
import { workflowBundle } from '../../src/temporal/journey-worker.js';
import { dataConverterOf, SECRET } from '../support/codec.js';
import { historyFromJSON } from '../support/history-json.js';
import { readHistoryFixtures, SCENARIOS, type HistoryFixture } from '../support/histories.js';
import { examplePlans } from '../support/journeys.js';
import { quietTemporalRuntime } from '../support/temporal.js';

quietTemporalRuntime();

const fixtures = readHistoryFixtures();
const silent = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };

function bundleOf(file: string): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({
    workflowsPath: fileURLToPath(new URL(`../support/workflows/${file}`, import.meta.url)),
    logger: silent,
  });
}

function replay(bundle: WorkflowBundleWithSourceMap, fixture: HistoryFixture): Promise<void> {
  // Fixtures recorded since payload encryption became the default are sealed like production's (the
  // codec reads clear payloads too, so older fixtures replay through it as well).
  return Worker.runReplayHistory(
    { workflowBundle: bundle, dataConverter: dataConverterOf(SECRET) },
    historyFromJSON(fixture.history),
    fixture.workflowId,
  );
}

function eventTypes(fixture: HistoryFixture): string[] {
  return (fixture.history as { events: { eventType: string }[] }).events.map((e) => e.eventType);
}

describe('recorded journey histories', () => {
  it('cover every scenario and every example journey, each a complete run', () => {
    expect(fixtures.map((f) => f.name)).toEqual(expect.arrayContaining(SCENARIOS.map((s) => s.name)));
    // A new example journey needs a fixture (record it); fixtures of removed journeys stay, since
    // runs of them may still be alive.
    const recorded = new Set(fixtures.map((f) => f.fixture.journey));
    expect([...examplePlans().keys()].filter((j) => !recorded.has(j))).toEqual([]);
    for (const { name, fixture } of fixtures) {
      expect(parseWorkflowId(fixture.workflowId)?.journey, name).toBe(fixture.journey);
      const types = eventTypes(fixture);
      expect(types[0], name).toBe('EVENT_TYPE_WORKFLOW_EXECUTION_STARTED');
      expect(types.at(-1), name).toBe('EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED');
    }
  });

  it.each(fixtures)(
    '$name replays on the current journeyWorkflow',
    async ({ fixture }) => {
      await replay(await workflowBundle(), fixture);
    },
    60_000,
  );
});

describe('the lean history of new journeys (settle-lean-history, -2)', () => {
  type Event = {
    eventType: string;
    markerRecordedEventAttributes?: { markerName: string; details?: Record<string, { payloads: { data: string }[] }> };
    upsertWorkflowSearchAttributesEventAttributes?: {
      workflowTaskCompletedEventId: string;
      searchAttributes: { indexedFields: Record<string, unknown> };
    };
  };
  const events = (name: string) =>
    (fixtures.find((f) => f.name === name)!.fixture.history as { events: Event[] }).events;
  const patches = (es: Event[]) =>
    es
      .filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_patch')
      .map((e) => {
        const data = e.markerRecordedEventAttributes!.details!['patch-data']!.payloads[0]!.data;
        return (JSON.parse(Buffer.from(data, 'base64').toString()) as { id: string }).id;
      });
  /** Upserts of the journey's own attributes (not the SDK's TemporalChangeVersion) per workflow task. */
  const settleUpsertsPerTask = (es: Event[]) => {
    const perTask = new Map<string, number>();
    for (const e of es) {
      const u = e.upsertWorkflowSearchAttributesEventAttributes;
      if (!u || 'TemporalChangeVersion' in u.searchAttributes.indexedFields) continue;
      perTask.set(u.workflowTaskCompletedEventId, (perTask.get(u.workflowTaskCompletedEventId) ?? 0) + 1);
    }
    return [...perTask.values()];
  };

  it('records one patch marker and one upsert per workflow task; the history before it had one per patch', () => {
    const lean = events('soft-collection-paid-by-reference');
    expect(patches(lean)).toEqual(['settle-lean-history-2']);
    // The first generation's run: its marker, and the patches made after it asked for one by one.
    expect(patches(events('soft-collection-paid-by-reference.pre-settle-lean-history-2'))[0]).toBe(
      'settle-lean-history',
    );
    expect(Math.max(...settleUpsertsPerTask(lean))).toBe(1);
    const before = events('soft-collection-paid-by-reference.pre-settle-lean-history');
    expect(patches(before)).not.toContain('settle-lean-history');
    expect(patches(before).length).toBeGreaterThan(1);
    expect(settleUpsertsPerTask(lean).reduce((a, b) => a + b)).toBeLessThan(
      settleUpsertsPerTask(before).reduce((a, b) => a + b),
    );
    expect(lean.length).toBeLessThan(before.length);
  });
});

describe('the replay check can fail', () => {
  const paid = fixtures.find((f) => f.name === 'soft-collection-paid')!.fixture;

  it('a journeyWorkflow that issues one more command is a DeterminismViolationError', async () => {
    const error = await replay(await bundleOf('diverged-journey.ts'), paid).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DeterminismViolationError);
    expect((error as Error).message).toMatch(/nondeterminism/i);
  }, 60_000);

  it('the same change behind patched() replays the old history', async () => {
    await replay(await bundleOf('patched-journey.ts'), paid);
  }, 60_000);
});
