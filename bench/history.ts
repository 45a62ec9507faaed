/**
 * bench/history: how many history events the interpreter costs. On the time-skipping test
 * server, with the real activities of journeyRig (SMTP, SMS sink, local payment links, webhook
 * receiver), the soft-collection journey (v2, pinned in bench/support) runs through `journeyWorkflow` and through a
 * hand-written workflow of the same journey (bench/support/hand-written.ts) for two debtors:
 * one who never engages (every reminder, the hand-over webhook → escalated) and one who opens
 * the first email on day 1, clicks the SMS on day 2.5 and pays on day 6 (→ paid). Both get the
 * same signals at the same journey times. Prints the events per journey for both, the ratio
 * (target ≤ 1.03×, issue 20), the history bytes of both, the bytes of the sends' activity inputs (the
 * journey's carry the message in the debtor's locale and the values its template reads; the
 * hand-written workflow's the whole template and record, the older input the activities still
 * take), the event types side by side, and checks that both made the same activity calls in the
 * same order.
 *
 * Run: npx tsx bench/history.ts  (BENCH_HISTORY_EVENTS=1 also prints both histories event by event)
 */
import { readFileSync } from 'node:fs';
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import proto from '@temporalio/proto';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { journeyInput, searchAttributes } from '../src/enrollment/start.js';
import { publishPlan } from '../src/temporal/plan-store.js';
import type { EngagementEvent, EnrollmentData } from '../src/ir/index.js';
import { engagementSignal } from '../src/workflows/definitions.js';
import { WORKFLOW_TYPE } from '../src/workflows/types.js';
import { exampleRecord, planFromYaml } from '../test/support/journeys.js';
import { journeyRig, SECRET } from '../test/support/journey-worker.js';
import { createTimeSkippingEnv } from '../test/support/temporal.js';
import type { HandWrittenInput } from './support/hand-written.js';
import { handWrittenWorker } from './support/hand-written-worker.js';
import { lpad, pad } from './support/pool.js';
import { historyFigures, type HistoryFigures } from './support/actions.js';
import { figure, writeBenchResult } from './support/report.js';

const DAY = 86_400_000;
const TARGET = 1.03;
/** Journey time of every run: Monday 23 November 2026, 08:30 in Paris (inside eu-default's hours). */
const JOURNEY_START = Date.parse('2026-11-23T07:30:00Z');
const { EventType } = proto.temporal.api.enums.v1;
type HistoryEvent = proto.temporal.api.history.v1.IHistoryEvent;

interface Script {
  afterDays: number;
  type: EngagementEvent;
  ofStep?: string;
}

const SCENARIOS: { name: string; expect: string; script: Script[] }[] = [
  { name: 'never engages', expect: 'escalated', script: [] },
  {
    name: 'opens, clicks, pays',
    expect: 'paid',
    script: [
      { afterDays: 1, type: 'opened', ofStep: 'first-email' },
      { afterDays: 2.5, type: 'clicked', ofStep: 'nudge-sms' },
      { afterDays: 6, type: 'paid' },
    ],
  },
];

// Errors only: the test server does not advertise a capability core warns about on every worker start.
Runtime.install({
  logger: new DefaultLogger('ERROR'),
  telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' }, forward: {} } },
});
const env: TestWorkflowEnvironment = await createTimeSkippingEnv();
const rig = await journeyRig(env);
const hand = await handWrittenWorker(env, rig);
const running = Promise.all([rig.worker.run(), hand.worker.run()]);

/** Delivers the script's signals at their journey times, then waits for the result. */
async function drive(handle: WorkflowHandle, started: number, script: Script[]): Promise<{ outcome: string }> {
  for (const [i, s] of script.entries()) {
    const wait = started + s.afterDays * DAY - (await env.currentTimeMs());
    if (wait > 0) await env.sleep(wait);
    await handle.signal(engagementSignal, {
      eventId: `script-${i}`,
      type: s.type,
      at: new Date(await env.currentTimeMs()).toISOString(),
      ...(s.ofStep && { messageId: `${handle.workflowId}/${s.ofStep}/1` }),
    });
  }
  return (await handle.result()) as { outcome: string };
}

interface Run {
  outcome: string;
  events: HistoryEvent[];
  bytes: number;
}

async function history(handle: WorkflowHandle, outcome: string): Promise<Run> {
  const h = await handle.fetchHistory();
  const events = h.events ?? [];
  return { outcome, events, bytes: proto.temporal.api.history.v1.History.encode(h).finish().length };
}

const typeName = (e: HistoryEvent) => (EventType[e.eventType ?? 0] ?? String(e.eventType)).replace(/^EVENT_TYPE_/, '');
/** A short label of an event: its type's initials, with the marker's name, the activity or the search attributes it sets. */
function eventLabel(e: HistoryEvent): string {
  const short = typeName(e)
    .split('_')
    .map((w) => w[0])
    .join('');
  const detail =
    e.markerRecordedEventAttributes?.markerName ??
    e.activityTaskScheduledEventAttributes?.activityType?.name ??
    Object.keys(e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields ?? {}).join('+');
  return detail ? `${short}(${detail})` : short;
}
const activityCalls = (r: Run) =>
  r.events
    .filter((e) => e.activityTaskScheduledEventAttributes)
    .map((e) => e.activityTaskScheduledEventAttributes!.activityType!.name!);
const count = (r: Run, type: string) => r.events.filter((e) => typeName(e) === type).length;
/** Bytes of the (encrypted) payloads of the sends' activity inputs, and how many sends. */
function sendInputs(r: Run): { sends: number; bytes: number } {
  const sends = r.events
    .map((e) => e.activityTaskScheduledEventAttributes)
    .filter((a) => a?.activityType?.name === 'sendEmail' || a?.activityType?.name === 'sendSms');
  const bytes = sends.reduce(
    (n, a) => n + (a!.input?.payloads ?? []).reduce((m, p) => m + (p.data?.length ?? 0), 0),
    0,
  );
  return { sends: sends.length, bytes };
}

/** Debt due 10 days before `nowMs` (journey time). */
function debt(debtId: string, nowMs: number): EnrollmentData {
  const anna = exampleRecord('anna-rossi');
  return { ...anna, debtId, debt: { ...anna.debt, dueDate: new Date(nowMs - 10 * DAY).toISOString().slice(0, 10) } };
}

// The version the hand-written workflow implements, pinned: the example journey has moved on since.
const plan = planFromYaml(readFileSync(new URL('./support/soft-collection-v2.journey.yaml', import.meta.url), 'utf8'));
const totals = { journey: 0, hand: 0, journeyBytes: 0, handBytes: 0 };
const rows: { path: string; journey: number; hand: number; journeyBytes: number; handBytes: number }[] = [];
let allSameCalls = true;
/** For BENCH_JSON (bench/support/report.ts): events, actions, workflow tasks and journey days per path. */
const measured: { path: string; journey: HistoryFigures; hand: HistoryFigures }[] = [];
try {
  console.log(
    'soft-collection on the time-skipping server, real activities (journeyRig), debtor anna-rossi due 10 days ago.',
  );
  for (const [i, scenario] of SCENARIOS.entries()) {
    const now = await env.currentTimeMs();
    const enrollment = debt(`BENCH-HIST-${i + 1}`, JOURNEY_START);
    const input = journeyInput({ taskQueue: rig.taskQueue, plan, record: enrollment, secret: SECRET, nowMs: now });
    const typedSearchAttributes = searchAttributes(input);

    let started = await env.currentTimeMs();
    // Journey time of both runs: Monday 08:30 in Paris, inside the policy's hours.
    const enrolledAt = JOURNEY_START;
    // As settle enroll starts it: the plan by reference, the search attributes upserted by the journey.
    await publishPlan(env.client, rig.taskQueue, plan);
    const jh = await env.client.workflow.start(WORKFLOW_TYPE, {
      workflowId: `settle/${enrollment.debtId}/soft-collection`,
      taskQueue: rig.taskQueue,
      args: [{ ...input, options: { ...input.options, enrolledAt } }],
    });
    const journey = await history(jh, (await drive(jh, started, scenario.script)).outcome);

    started = await env.currentTimeMs();
    const handInput: HandWrittenInput = {
      enrollment,
      templates: plan.templates,
      policy: plan.policy,
      debtorKey: `hand-${input.options.debtorKey}`,
      enrolledAt,
    };
    const hh = await env.client.workflow.start('softCollectionHandWritten', {
      workflowId: `hand/${enrollment.debtId}/soft-collection`,
      taskQueue: hand.taskQueue,
      args: [handInput],
      typedSearchAttributes,
    });
    const handRun = await history(hh, (await drive(hh, started, scenario.script)).outcome);

    if (journey.outcome !== scenario.expect || handRun.outcome !== scenario.expect) {
      throw new Error(
        `${scenario.name}: expected ${scenario.expect}, journeyWorkflow ended ${journey.outcome}, hand-written ${handRun.outcome}`,
      );
    }
    const jCalls = activityCalls(journey);
    const hCalls = activityCalls(handRun);
    const sameCalls = jCalls.join() === hCalls.join();
    allSameCalls &&= sameCalls;
    totals.journey += journey.events.length;
    totals.hand += handRun.events.length;
    totals.journeyBytes += journey.bytes;
    totals.handBytes += handRun.bytes;
    measured.push({
      path: scenario.name,
      journey: historyFigures(journey.events),
      hand: historyFigures(handRun.events),
    });
    rows.push({
      path: `${scenario.name} → ${journey.outcome}`,
      journey: journey.events.length,
      hand: handRun.events.length,
      journeyBytes: journey.bytes,
      handBytes: handRun.bytes,
    });

    console.log(`\n=== ${scenario.name} → ${journey.outcome} ===`);
    console.log(
      `events: journeyWorkflow ${journey.events.length}, hand-written ${handRun.events.length}, ratio ${(journey.events.length / handRun.events.length).toFixed(2)}×`,
    );
    const inputKiB = (r: Run) =>
      ((r.events[0]!.workflowExecutionStartedEventAttributes?.input?.payloads?.[0]?.data?.length ?? 0) / 1024).toFixed(
        1,
      );
    console.log(
      `history size: journeyWorkflow ${journey.bytes.toLocaleString('en-US')} bytes, hand-written ${handRun.bytes.toLocaleString('en-US')} bytes; start input ${inputKiB(journey)} KiB (the plan by reference: it comes in the loadPlan marker) vs ${inputKiB(handRun)} KiB (templates and policy by value)`,
    );
    const js = sendInputs(journey);
    const hs = sendInputs(handRun);
    console.log(
      `send inputs: journeyWorkflow ${js.sends} sends, ${js.bytes.toLocaleString('en-US')} bytes (${Math.round(js.bytes / Math.max(1, js.sends)).toLocaleString('en-US')} per send: the message in the debtor's locale and the values it reads), hand-written ${hs.sends} sends, ${hs.bytes.toLocaleString('en-US')} bytes (whole template and record)`,
    );
    console.log(
      `activity calls ${sameCalls ? 'identical' : 'DIFFER'} (${jCalls.length}): ${jCalls.join(', ')}${sameCalls ? '' : `\n  hand-written (${hCalls.length}): ${hCalls.join(', ')}`}`,
    );
    if (process.env.BENCH_HISTORY_EVENTS) {
      for (const [label, r] of [
        ['journeyWorkflow', journey],
        ['hand-written', handRun],
      ] as const)
        console.log(`  ${label} events: ${r.events.map(eventLabel).join(' ')}`);
    }
    const types = [...new Set([...journey.events, ...handRun.events].map(typeName))];
    console.log(`  ${pad('event type', 42)} ${lpad('journey', 7)} ${lpad('hand', 5)} ${lpad('diff', 5)}`);
    for (const t of types) {
      const a = count(journey, t);
      const b = count(handRun, t);
      console.log(
        `  ${pad(t, 42)} ${lpad(a, 7)} ${lpad(b, 5)} ${lpad(a - b === 0 ? '' : (a > b ? '+' : '') + String(a - b), 5)}`,
      );
    }
  }

  const ratio = totals.journey / totals.hand;
  console.log(`\nSummary (events per journey):`);
  console.log(`  ${pad('path', 32)} ${lpad('journeyWorkflow', 15)} ${lpad('hand-written', 12)} ${lpad('ratio', 6)}`);
  for (const r of rows)
    console.log(
      `  ${pad(r.path, 32)} ${lpad(r.journey, 15)} ${lpad(r.hand, 12)} ${lpad((r.journey / r.hand).toFixed(2) + '×', 6)}`,
    );
  console.log(
    `  both paths: ${totals.journey} vs ${totals.hand} events → ratio ${ratio.toFixed(3)}× (target ≤ ${TARGET}×: ${ratio <= TARGET ? 'met' : 'NOT met'}); same activity calls: ${allSameCalls ? 'yes' : 'NO'}`,
  );
  console.log(`\nSummary (history bytes per journey):`);
  console.log(`  ${pad('path', 32)} ${lpad('journeyWorkflow', 15)} ${lpad('hand-written', 12)} ${lpad('ratio', 6)}`);
  for (const r of rows)
    console.log(
      `  ${pad(r.path, 32)} ${lpad(r.journeyBytes.toLocaleString('en-US'), 15)} ${lpad(r.handBytes.toLocaleString('en-US'), 12)} ${lpad((r.journeyBytes / r.handBytes).toFixed(2) + '×', 6)}`,
    );
  console.log(
    `  both paths: ${totals.journeyBytes.toLocaleString('en-US')} vs ${totals.handBytes.toLocaleString('en-US')} bytes → ratio ${(totals.journeyBytes / totals.handBytes).toFixed(2)}×`,
  );
  const avg = (pick: (m: (typeof measured)[number]) => number) =>
    measured.reduce((n, m) => n + pick(m), 0) / Math.max(1, measured.length);
  const handRef = (name: string, value: number, unit: string) => ({
    name: `hand-written workflow, same paths: ${name}`,
    value,
    unit,
  });
  writeBenchResult({
    bench: 'history',
    params: { paths: SCENARIOS.map((sc) => sc.name).join(', ') },
    figures: [
      figure(
        'history.eventsPerJourney',
        'history events per journey (average of the paths)',
        avg((m) => m.journey.events),
        'events',
        handRef(
          'events',
          avg((m) => m.hand.events),
          'events',
        ),
        { text: `≤ ${TARGET}×`, met: ratio <= TARGET },
      ),
      figure(
        'history.actionsPerJourney',
        'Temporal Cloud actions per journey (estimate, bench/support/actions.ts)',
        avg((m) => m.journey.actions),
        'actions',
        handRef(
          'actions',
          avg((m) => m.hand.actions),
          'actions',
        ),
      ),
      figure(
        'history.workflowTasksPerJourney',
        'workflow tasks per journey',
        avg((m) => m.journey.workflowTasks),
        'tasks',
        handRef(
          'tasks',
          avg((m) => m.hand.workflowTasks),
          'tasks',
        ),
      ),
      figure(
        'history.journeyDays',
        'journey time, start to end (average of the paths)',
        avg((m) => m.journey.days),
        'days',
      ),
      figure(
        'history.bytesPerJourney',
        'history bytes per journey',
        totals.journeyBytes / Math.max(1, rows.length),
        'bytes',
        handRef('bytes', totals.handBytes / Math.max(1, rows.length), 'bytes'),
      ),
    ],
    details: { paths: measured },
  });
} finally {
  rig.worker.shutdown();
  hand.worker.shutdown();
  await running;
  hand.close();
  await rig.close();
  await env.teardown();
}
