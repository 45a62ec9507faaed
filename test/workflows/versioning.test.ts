/**
 * Journey versioning on the real time-skipping server: the compiled plan travels
 * in the workflow input, so a journey keeps the version it started with. Runs enrolled with v1
 * of a journey are mid-way (waiting in a timer) when the YAML changes to v2; new enrollments get
 * v2; both finish on the same worker, each following its own steps, with real messages.
 */
import type { WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { emailMessageId } from '../../src/activities/message.js';
import type { EnrollmentData, JourneyPlan } from '../../src/ir/index.js';
import { stateQuery } from '../../src/workflows/definitions.js';
import type { JourneyInput, JourneyResult } from '../../src/workflows/types.js';
import { useTimeSkippingRig } from '../support/journey-worker.js';
import { exampleRecord, planFromYaml } from '../support/journeys.js';
import { quietTemporalRuntime } from '../support/temporal.js';
import { eventually } from '../support/wait.js';
import { exit, journeyYaml, send, wait } from '../support/journey-yaml.js';

quietTemporalRuntime();

const JOURNEY = 'versioned-reminder';

/** Both versions' header. */
const HEAD = { name: JOURNEY, policy: 'eu-default', goal: 'paid' };

/** v1: email, two days, SMS, end. */
const V1 = journeyYaml({
  ...HEAD,
  steps: [
    send('hello-email', 'email', 'overdue-friendly'),
    wait('pause', '2d'),
    send('nudge-sms', 'sms', 'overdue-nudge-sms'),
    exit('done', 'unresolved'),
  ],
});

/** v2, "the YAML after the pull request": SMS first, then two different emails, another outcome. */
const V2 = journeyYaml({
  ...HEAD,
  version: 2,
  steps: [
    send('heads-up-sms', 'sms', 'overdue-nudge-sms'),
    wait('short-pause', '1d'),
    send('reminder-email', 'email', 'reminder-social-proof'),
    wait('second-pause', '1d'),
    send('last-email', 'email', 'final-friendly-reminder'),
    exit('finished', 'escalated'),
  ],
});

const t = useTimeSkippingRig();

/**
 * Journey time is pinned, whatever the wall clock says: Monday 15:30 in Paris (Anna) is 08:30 in
 * Chicago (Mary), inside eu-default's hours for both.
 */
const JOURNEY_START = Date.parse('2026-11-23T14:30:00Z');

function enrollment(name: 'anna-rossi' | 'mary-smith', debtId: string): EnrollmentData {
  const r = exampleRecord(name);
  return { ...r, debtId, debt: { ...r.debt, reference: debtId } };
}

async function enroll(plan: JourneyPlan, e: EnrollmentData): Promise<WorkflowHandle> {
  const input: JourneyInput = {
    plan,
    enrollment: e,
    options: { debtorKey: `k-${e.debtId}`, contactKeys: [], enrolledAt: JOURNEY_START },
  };
  return t.env.client.workflow.start('journeyWorkflow', {
    workflowId: `settle/${e.debtId}/${JOURNEY}`,
    taskQueue: t.rig.taskQueue,
    args: [input],
  });
}

/** The plan as the server stored it: the input of the run's first history event. */
async function planInHistory(handle: WorkflowHandle): Promise<JourneyPlan> {
  const history = await handle.fetchHistory();
  const payload = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
  if (!payload) throw new Error(`no input in the history of ${handle.workflowId}`);
  return defaultPayloadConverter.fromPayload<JourneyInput>(payload).plan;
}

/** What reached the SMTP sink and the SMS sink for one run, as `channel step` lines in send order. */
function delivered(workflowId: string, steps: string[]): string[] {
  const mail = new Set(t.rig.smtp.messages().map((m) => m.messageId));
  const sms = new Set(t.rig.sms.messages().map((m) => m.key));
  return steps.filter((s) => mail.has(emailMessageId(`${workflowId}/${s}/1`)) || sms.has(`${workflowId}/${s}/1`));
}

describe('a journey keeps the plan version it started with', () => {
  it('v1 runs mid-way when the YAML changes to v2 finish on v1; new enrollments follow v2; one worker', async () => {
    const v1 = planFromYaml(V1);
    const oldRuns = [
      await enroll(v1, enrollment('anna-rossi', 'VER-1A')),
      await enroll(v1, enrollment('mary-smith', 'VER-1B')),
    ];

    // The v1 runs have sent their email and sleep in `pause` (the server's clock is locked).
    for (const h of oldRuns) {
      await eventually(async () => {
        const s = await h.query(stateQuery);
        expect(s.current).toBe('pause');
        expect(s.sends.map((x) => x.step)).toEqual(['hello-email']);
      });
    }

    // The YAML changes: v2 compiles to a different plan; new debts are enrolled with it.
    const v2 = planFromYaml(V2);
    expect(v2.version).toBe(2);
    expect(v2.steps.map((s) => s.id)).not.toEqual(v1.steps.map((s) => s.id));
    const newRuns = [
      await enroll(v2, enrollment('anna-rossi', 'VER-2A')),
      await enroll(v2, enrollment('mary-smith', 'VER-2B')),
    ];

    // The plan travels in the input: each run answers (and its history holds) its own version.
    for (const h of oldRuns) {
      const s = await h.query(stateQuery);
      expect({ journey: s.journey, version: s.version, current: s.current }).toEqual({
        journey: JOURNEY,
        version: 1,
        current: 'pause',
      });
      expect(await planInHistory(h)).toEqual(v1);
    }
    for (const h of newRuns) {
      await eventually(async () => expect((await h.query(stateQuery)).version).toBe(2));
      expect(await planInHistory(h)).toEqual(v2);
    }

    // One result() at a time: each unlocks the server's time skipping while it waits, and
    // concurrent calls unbalance its lock (time would then skip under running activities).
    const results: JourneyResult[] = [];
    for (const h of [...oldRuns, ...newRuns]) results.push((await h.result()) as JourneyResult);
    expect(results.map((r) => `${r.journey} v${r.version} ${r.outcome} ${r.sends}`)).toEqual([
      `${JOURNEY} v1 unresolved 2`,
      `${JOURNEY} v1 unresolved 2`,
      `${JOURNEY} v2 escalated 3`,
      `${JOURNEY} v2 escalated 3`,
    ]);

    const v1Steps = ['hello-email', 'nudge-sms'];
    const v2Steps = ['heads-up-sms', 'reminder-email', 'last-email'];
    for (const h of oldRuns) {
      const s = await h.query(stateQuery);
      expect(s.sends.map((x) => `${x.status} ${x.channel} ${x.step} ${x.template}`)).toEqual([
        'sent email hello-email overdue-friendly',
        'sent sms nudge-sms overdue-nudge-sms',
      ]);
      expect(s.audit.filter((a) => a.step !== undefined && v2Steps.includes(a.step))).toEqual([]);
      expect(delivered(h.workflowId, [...v1Steps, ...v2Steps])).toEqual(v1Steps);
    }
    for (const h of newRuns) {
      const s = await h.query(stateQuery);
      expect(s.sends.map((x) => `${x.status} ${x.channel} ${x.step} ${x.template}`)).toEqual([
        'sent sms heads-up-sms overdue-nudge-sms',
        'sent email reminder-email reminder-social-proof',
        'sent email last-email final-friendly-reminder',
      ]);
      expect(delivered(h.workflowId, [...v1Steps, ...v2Steps])).toEqual(v2Steps);
    }

    // The real messages: each run's emails carry its own templates' subjects.
    const subjects = (workflowId: string) =>
      t.rig.smtp
        .messages()
        .filter((m) => [...v1Steps, ...v2Steps].some((s) => m.messageId === emailMessageId(`${workflowId}/${s}/1`)))
        .map((m) => /^Subject: (.*)$/m.exec(m.raw.toString())?.[1]);
    expect(subjects('settle/VER-1A/versioned-reminder')).toHaveLength(1);
    expect(subjects('settle/VER-2A/versioned-reminder')).toHaveLength(2);
    expect(subjects('settle/VER-1A/versioned-reminder')[0]).not.toBe(subjects('settle/VER-2A/versioned-reminder')[0]);
  }, 120_000);
});
