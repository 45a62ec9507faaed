/**
 * The plan store (src/temporal/plan-store.ts) on a real dev server with a real worker: a journey
 * started by reference loads its plan and upserts its search attributes in its first task, keeps
 * both across continue-as-new, waits (losing nothing) while its plan is not published yet, and the
 * loader refuses a holder whose content does not hash to the reference.
 */
import { Client, WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { describe, expect, it } from 'vitest';
import type { JourneyPlan } from '../../src/ir/index.js';
import { createPlanLoader, PlanNotFoundError, publishPlan, startInput } from '../../src/temporal/plan-store.js';
import { planRefOf } from '../../src/ids/plan-ref.js';
import { SA } from '../../src/temporal/search-attributes.js';
import { PLAN_WORKFLOW_TYPE, planWorkflowId } from '../../src/workflows/definitions.js';
import type { JourneyInput, JourneyRefInput, JourneyResult } from '../../src/workflows/types.js';
import { useJourneyRig } from '../support/journey-worker.js';
import { exampleRecord } from '../support/journeys.js';
import { quietTemporalRuntime } from '../support/temporal.js';
import { exit, journeyPlan, wait } from '../support/journey-yaml.js';

quietTemporalRuntime();
const t = useJourneyRig({}, 'dev');

/** Six one-hour waits, then exit; `description` makes otherwise equal plans hash apart. */
function waitsPlan(description: string): JourneyPlan {
  return journeyPlan({
    name: 'waits',
    version: 3,
    metadata: { description },
    steps: [...[1, 2, 3, 4, 5, 6].map((i) => wait(`w${i}`, '1h')), exit('done', 'unresolved')],
  });
}

function refInput(plan: JourneyPlan, debtId: string, extra: Partial<JourneyRefInput['options']> = {}): JourneyRefInput {
  return {
    planRef: planRefOf(plan),
    enrollment: { ...exampleRecord('anna-rossi'), debtId },
    // One journey hour per 0.1 s of wall time.
    options: { debtorKey: `debtor-${debtId}`, contactKeys: [`contact-${debtId}`], timeScale: 36_000, ...extra },
  };
}

describe('the plan store', { timeout: 120_000 }, () => {
  it('publishes a plan once: a second publish keeps the running holder', async () => {
    const plan = waitsPlan('publish twice');
    await publishPlan(t.env.client, t.rig.taskQueue, plan);
    const id = planWorkflowId(planRefOf(plan));
    const first = await t.env.client.workflow.getHandle(id).describe();
    // Another client (another enroll run) publishes the same plan: USE_EXISTING keeps the holder.
    const other = new Client({ connection: t.env.connection });
    await publishPlan(other, t.rig.taskQueue, plan);
    const second = await t.env.client.workflow.getHandle(id).describe();
    expect(second.runId).toBe(first.runId);
    expect(second.type).toBe(PLAN_WORKFLOW_TYPE);
    expect(second.status.name).toBe('RUNNING');
    expect(await startInput<JourneyPlan>(t.env.client, id)).toEqual(plan);
  });

  it('runs a journey started by reference, with its attributes, across continue-as-new', async () => {
    const plan = waitsPlan('continue as new');
    await publishPlan(t.env.client, t.rig.taskQueue, plan);
    const workflowId = 'settle/PLAN-REF-1/waits';
    const handle = await t.env.client.workflow.start('journeyWorkflow', {
      workflowId,
      taskQueue: t.rig.taskQueue,
      args: [refInput(plan, 'PLAN-REF-1', { continueAsNewAfterEvents: 12 })],
    });
    const result = (await handle.result()) as JourneyResult;
    expect(result.outcome).toBe('unresolved');
    const d = await t.env.client.workflow.getHandle(workflowId).describe();
    // It did continue as new, and the last run still has the attributes of the first task.
    expect(d.runId).not.toBe(handle.firstExecutionRunId);
    expect(d.typedSearchAttributes.get(SA.journey)).toBe('waits');
    expect(d.typedSearchAttributes.get(SA.version)).toBe(3);
    expect(d.typedSearchAttributes.get(SA.debtor)).toBe('debtor-PLAN-REF-1');
    expect(d.typedSearchAttributes.get(SA.contact)).toEqual(['contact-PLAN-REF-1']);
    // The continued run carries the plan by value: it never needs the store again.
    const last = (await startInput<JourneyInput>(t.env.client, workflowId))!;
    expect(last.plan).toEqual(plan);
    expect(last.state?.visits).toMatchObject({ w1: 1 });
    expect(last).not.toHaveProperty('planRef');
  });

  it('a journey whose plan is not published yet waits for it and then runs, nothing lost', async () => {
    const plan = waitsPlan('published late');
    const workflowId = 'settle/PLAN-REF-LATE/waits';
    const handle = await t.env.client.workflow.start('journeyWorkflow', {
      workflowId,
      taskQueue: t.rig.taskQueue,
      args: [refInput(plan, 'PLAN-REF-LATE')],
    });
    // Signals sent before the plan is loaded are buffered, not lost.
    await handle.signal('engagement', { eventId: 'early-1', type: 'replied', at: new Date().toISOString() });
    await new Promise((r) => setTimeout(r, 2_500));
    expect((await handle.describe()).status.name).toBe('RUNNING');
    const history = await handle.fetchHistory();
    const types = (history.events ?? []).map((e) => e.eventType);
    // Nothing past the loading: no timer started, no activity scheduled.
    const { EVENT_TYPE_ACTIVITY_TASK_SCHEDULED, EVENT_TYPE_TIMER_STARTED } = temporal.api.enums.v1.EventType;
    expect(types.filter((t) => t === EVENT_TYPE_ACTIVITY_TASK_SCHEDULED || t === EVENT_TYPE_TIMER_STARTED)).toEqual([]);
    await publishPlan(t.env.client, t.rig.taskQueue, plan);
    const result = (await handle.result()) as JourneyResult;
    expect(result.outcome).toBe('unresolved');
    const last = (await handle.query('state')) as { events: { eventId: string }[] };
    expect(last.events.map((e) => e.eventId)).toEqual(['early-1']);
  });

  it('the loader refuses a missing holder and one whose content does not match the reference', async () => {
    const loader = createPlanLoader();
    const plan = waitsPlan('never published');
    await expect(loader.load(t.env.client, planRefOf(plan))).rejects.toThrow(PlanNotFoundError);
    await expect(loader.load(t.env.client, planRefOf(plan))).rejects.toThrow(
      /is not in the plan store \(no workflow settle-plan\/waits\/v3\//,
    );
    // A holder under the right id with other content (tampered, or a hash collision of the cut id).
    const forged = waitsPlan('forged');
    await t.env.client.workflow.start(PLAN_WORKFLOW_TYPE, {
      workflowId: planWorkflowId(planRefOf(plan)),
      taskQueue: t.rig.taskQueue,
      args: [forged],
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.FAIL,
      workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
    });
    await expect(loader.load(t.env.client, planRefOf(plan))).rejects.toThrow(/content hash differs/);
    // The real plan loads, and a second load is served from the cache (same object).
    await publishPlan(t.env.client, t.rig.taskQueue, forged);
    const a = await loader.load(t.env.client, planRefOf(forged));
    expect(a).toEqual(forged);
    expect(await loader.load(t.env.client, planRefOf(forged))).toBe(a);
  });
});
