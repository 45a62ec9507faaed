/**
 * Records the replay fixtures: test/fixtures/histories/<scenario>.json.
 *
 *   npx tsx scripts/record-histories.ts              # every scenario
 *   npx tsx scripts/record-histories.ts late-stage   # only the ones named
 *
 * Each scenario (test/support/histories.ts) runs one example journey of journeys/ on the
 * time-skipping test server, with a real worker (real SMTP sink, SMS sink, webhook receiver) and
 * scripted engagement signals, and saves the run's full event history next to its workflow id.
 * test/workflows/replay.test.ts replays every fixture against the current workflow bundle: a
 * change to journeyWorkflow, the interpreter or anything they import that would issue different
 * commands for a journey already running (a new timer, activity or search-attribute upsert, a
 * reordered step) fails the build with a DeterminismViolationError.
 *
 * When to re-record
 * - NOT to make a failing replay test pass. A failure means journeys running in production would
 *   break on the next worker deploy. Make the change replay-safe instead: guard the new behaviour
 *   with `patched('<change-id>')` from @temporalio/workflow (old histories take the old branch),
 *   or ship it as a new plan/IR version that old inputs never reach.
 * - Only when a change is intentionally incompatible AND comes with its version plan: either
 *   every run recorded on the old code has finished (drained, past retention), or the new code
 *   is deployed so old runs cannot reach it (Worker Versioning with PINNED runs, or a patch).
 *   Then re-record, and keep the old fixtures while a patch's old branch is alive (copy them to a
 *   name like `<scenario>.pre-<change-id>.json`: every file in the folder is replayed).
 * - To add a scenario or a new example journey: add it to SCENARIOS and record only it.
 * Review the diff of a re-recorded fixture like code: it is the contract with running journeys.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { engagementSignal } from '../src/workflows/definitions.js';
import { publishPlan } from '../src/temporal/plan-store.js';
import { planRefOf } from '../src/ids/plan-ref.js';
import type { JourneyResult, JourneyStartInput } from '../src/workflows/types.js';
import { historyToJSON } from '../test/support/history-json.js';
import {
  bouncing,
  DAY,
  HISTORIES_DIR,
  SCENARIOS,
  type HistoryFixture,
  type Scenario,
} from '../test/support/histories.js';
import { journeyRig } from '../test/support/journey-worker.js';
import { examplePlan } from '../test/support/journeys.js';
import { createTimeSkippingEnv, quietTemporalRuntime } from '../test/support/temporal.js';

const wanted = process.argv.slice(2);
const unknown = wanted.filter((n) => !SCENARIOS.some((s) => s.name === n));
if (unknown.length > 0) {
  console.error(`unknown scenario ${unknown.join(', ')}; known: ${SCENARIOS.map((s) => s.name).join(', ')}`);
  process.exit(2);
}
const scenarios = wanted.length > 0 ? SCENARIOS.filter((s) => wanted.includes(s.name)) : SCENARIOS;

quietTemporalRuntime();
const env = await createTimeSkippingEnv();
const rig = await journeyRig(env, { rejectEmail: bouncing });
const running = rig.worker.run();

async function record(s: Scenario): Promise<HistoryFixture> {
  const plan = examplePlan(s.journey);
  const started = await env.currentTimeMs();
  const enrollment = s.enrollment(started);
  const workflowId = `settle/${enrollment.debtId}/${s.journey}`;
  const options = { debtorKey: `replay-${enrollment.debtId}`, contactKeys: [] };
  let input: JourneyStartInput = { plan, enrollment, options };
  if (s.start === 'byReference') {
    await publishPlan(env.client, rig.taskQueue, plan);
    input = { planRef: planRefOf(plan), enrollment, options };
  }
  const handle = await env.client.workflow.start('journeyWorkflow', {
    workflowId,
    taskQueue: rig.taskQueue,
    args: [input],
  });
  for (const [i, signal] of s.signals.entries()) {
    const wait = started + signal.afterDays * DAY - (await env.currentTimeMs());
    if (wait > 0) await env.sleep(wait);
    await handle.signal(engagementSignal, {
      eventId: `script-${i}`,
      type: signal.type,
      at: new Date(await env.currentTimeMs()).toISOString(),
      ...(signal.ofStep && { messageId: `${workflowId}/${signal.ofStep}/1` }),
    });
  }
  const result = (await handle.result()) as JourneyResult;
  if (result.outcome !== s.outcome) throw new Error(`${s.name}: ended ${result.outcome}, expected ${s.outcome}`);
  const history = await handle.fetchHistory();
  return {
    workflowId,
    journey: plan.journey,
    version: plan.version,
    outcome: result.outcome,
    scenario: s.description,
    history: JSON.parse(historyToJSON(history)) as unknown,
  };
}

try {
  mkdirSync(HISTORIES_DIR, { recursive: true });
  for (const s of scenarios) {
    const fixture = await record(s);
    const file = join(HISTORIES_DIR, `${s.name}.json`);
    writeFileSync(file, `${JSON.stringify(fixture, null, 1)}\n`);
    const events = (fixture.history as { events: unknown[] }).events.length;
    console.log(
      `recorded ${s.name}: ${fixture.journey} v${fixture.version} → ${fixture.outcome}, ${events} events (${file})`,
    );
  }
} finally {
  rig.worker.shutdown();
  await running;
  await rig.close();
  await env.teardown();
}
