/**
 * The example journeys on the real time-skipping Temporal server, with real SMTP, the SMS sink and
 * a webhook receiver: scripted debtors, exact messages in order, and the same sends and outcome as
 * the interpreter on a virtual clock (one interpreter, two runtimes).
 */
import { describe, expect, it } from 'vitest';
import type { SendMessageInput } from '../../src/workflows/contract.js';
import type { EngagementEvent, EnrollmentData } from '../../src/ir/index.js';
import { engagementSignal, stateQuery } from '../../src/workflows/definitions.js';
import type { JourneyInput, JourneyResult } from '../../src/workflows/types.js';
import { examplePlan, exampleRecord } from '../support/journeys.js';
import { useTimeSkippingRig } from '../support/journey-worker.js';
import { quietTemporalRuntime } from '../support/temporal.js';
import { DAY, runPlan } from './harness.js';
import { scheduledSendInputs } from '../support/scheduled-sends.js';

quietTemporalRuntime();

const ts = useTimeSkippingRig({
  rejectEmail: (rcpt) => (rcpt.startsWith('bounce') ? { code: 550, message: '5.1.1 no such mailbox' } : undefined),
});

/**
 * Journey time is pinned (options.enrolledAt): the test server's clock starts at wall time, but the
 * journeys live from Monday 2026-11-23 08:30 Paris on, so the contact rules (eu-default: Mon–Sat
 * 08:00–21:00 Paris) give the same schedule on every run.
 */
const JOURNEY_START = Date.parse('2026-11-23T07:30:00Z');

/** A record due 10 days before `nowMs`. */
function dueTenDaysAgo(record: EnrollmentData, nowMs: number, debtId: string): EnrollmentData {
  const due = new Date(nowMs - 10 * DAY).toISOString().slice(0, 10);
  return { ...record, debtId, debt: { ...record.debt, dueDate: due } };
}

interface Script {
  afterDays: number;
  type: EngagementEvent;
  ofStep?: string;
}

async function runOnTemporal(journey: string, enrollment: EnrollmentData, script: Script[]) {
  const plan = examplePlan(journey);
  const workflowId = `settle/${enrollment.debtId}/${journey}`;
  const input: JourneyInput = {
    plan,
    enrollment,
    options: { debtorKey: `k-${enrollment.debtId}`, contactKeys: [], enrolledAt: JOURNEY_START },
  };
  {
    const serverStart = await ts.env.currentTimeMs();
    const started = JOURNEY_START;
    const handle = await ts.env.client.workflow.start('journeyWorkflow', {
      workflowId,
      taskQueue: ts.rig.taskQueue,
      args: [input],
    });
    for (const [i, s] of script.entries()) {
      const wait = serverStart + s.afterDays * DAY - (await ts.env.currentTimeMs());
      if (wait > 0) await ts.env.sleep(wait);
      await handle.signal(engagementSignal, {
        eventId: `script-${i}`,
        type: s.type,
        at: new Date(started + (await ts.env.currentTimeMs()) - serverStart).toISOString(),
        ...(s.ofStep && { messageId: `${workflowId}/${s.ofStep}/1` }),
      });
    }
    const result = (await handle.result()) as JourneyResult;
    const state = await handle.query(stateQuery);
    const sends = state.sends
      .filter((x) => x.status === 'sent')
      .map((x) => ({ step: x.step, channel: x.channel, day: Math.round(((x.at - started) / DAY) * 100) / 100 }));
    return { result, state, sends, started, workflowId };
  }
}

/** The inputs of the sends the journey scheduled, as its history holds them (decrypted). */
async function scheduledSends(workflowId: string): Promise<{ json: string; input: SendMessageInput }[]> {
  const inputs = await scheduledSendInputs(ts.env.client, workflowId);
  return inputs.map((input) => ({ json: JSON.stringify(input), input }));
}

describe('example journeys on the time-skipping server', () => {
  it('soft-collection: opens day 1, clicks the SMS day 2.5, pays day 8 → exact messages, exit paid', async () => {
    const now = JOURNEY_START;
    const anna = dueTenDaysAgo(exampleRecord('anna-rossi'), now, 'TS-PAID-1');
    const script: Script[] = [
      { afterDays: 1, type: 'opened', ofStep: 'first-email' },
      { afterDays: 2.5, type: 'clicked', ofStep: 'nudge-sms' },
      { afterDays: 8, type: 'paid' },
    ];
    const before = ts.rig.smtp.messages().length;
    const t = await runOnTemporal('soft-collection', anna, script);
    expect(t.result.outcome).toBe('paid');
    expect(t.sends.map((s) => `${s.day} ${s.step}`)).toEqual(['0 first-email', '2 nudge-sms', '6.98 help-sms']);
    // Day 5.5 is Saturday 20:30 in Paris, after eu-default's Saturday hours (09:00–17:00): Monday 08:00.
    // (journey time drifts by the milliseconds activities take, hence 20:29 or 20:30)
    const deferred = t.state.audit.filter((a) => a.kind === 'deferred');
    expect(deferred).toHaveLength(1);
    expect(deferred[0]).toMatchObject({
      step: 'help-sms',
      channel: 'sms',
      reason: 'outsideWindow',
      until: Date.parse('2026-11-30T07:00:00Z'),
    });
    expect(deferred[0]!.message).toMatch(
      /^SMS of step help-sms deferred from Sat 20:(29|30) to Mon 08:00 Europe\/Paris: outside send window$/,
    );
    const mails = ts.rig.smtp.messages().slice(before);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.to).toEqual(['anna.rossi@example.com']);
    expect(mails[0]!.raw.toString()).toMatch(/^Subject: Anna, un petit rappel/m);
    expect(
      ts.rig.sms
        .messages()
        .filter((m) => m.key.startsWith(t.workflowId))
        .map((m) => m.key.split('/').at(-2)),
    ).toEqual(['nudge-sms', 'help-sms']);
    // The same debt, script and plan through the interpreter on a virtual clock: the same journey.
    const virtual = await runPlan(examplePlan('soft-collection'), anna, {
      start: t.started,
      events: script.map((s) => ({ after: s.afterDays * DAY, type: s.type, ...(s.ofStep && { ofStep: s.ofStep }) })),
    });
    expect(virtual.result.outcome).toBe(t.result.outcome);
    expect(virtual.sends).toEqual(t.sends);
  }, 120_000);

  it('soft-collection: never engages → every reminder, then the hand-over exit (no routing table here: unresolved)', async () => {
    const now = JOURNEY_START;
    const anna = dueTenDaysAgo(exampleRecord('anna-rossi'), now, 'TS-SILENT-1');
    const calls = ts.rig.webhookCalls.length;
    const t = await runOnTemporal('soft-collection', anna, []);
    // The debt would go on to late-stage (test/workflows/debt-life-temporal.test.ts follows it there).
    expect(t.result.outcome).toBe('unresolved');
    const variant = t.result.variant!;
    expect(t.sends.map((s) => s.step)).toEqual([
      'first-email',
      'nudge-sms',
      `email-${variant}`,
      'reminder-sms',
      'final-friendly-email',
    ]);
    expect(ts.rig.webhookCalls.slice(calls)).toHaveLength(0);
    expect(ts.rig.outcomes.find((o) => o.debtId === 'TS-SILENT-1')?.outcome).toBe('unresolved');
    const virtual = await runPlan(examplePlan('soft-collection'), anna, { start: t.started });
    expect(virtual.sends).toEqual(t.sends);

    // The history holds what each send needed: the French sources, the one address, the values read.
    const plan = examplePlan('soft-collection');
    const sends = await scheduledSends(t.workflowId);
    expect(sends).toHaveLength(5);
    for (const { json, input } of sends) {
      if (!('message' in input)) throw new Error(`${input.step}: scheduled with the whole template and record`);
      const template = plan.templates[input.message.template]!;
      expect(input.message).toEqual({
        template: template.name,
        channel: input.channel,
        locale: 'fr',
        sources: template.locales.fr,
      });
      expect(input.recipient.address).toBe(input.channel === 'email' ? anna.debtor.email : anna.debtor.phone);
      for (const other of ['en', 'nl']) expect(json).not.toContain(template.locales[other]!.text);
      const personal = [
        anna.debtor.id,
        anna.debtor.lastName,
        input.channel === 'email' ? anna.debtor.phone : anna.debtor.email,
      ];
      for (const p of personal) expect(json, input.step).not.toContain(p!);
      expect(Object.keys(input.values.debtor)).toEqual(['firstName']);
    }
  }, 120_000);

  it('soft-collection: a hard bounce (SMTP 550) follows onFailure to the SMS at once', async () => {
    const now = JOURNEY_START;
    const base = dueTenDaysAgo(exampleRecord('anna-rossi'), now, 'TS-BOUNCE-1');
    const anna = { ...base, debtor: { ...base.debtor, email: 'bounce@example.com' } };
    const t = await runOnTemporal('soft-collection', anna, [{ afterDays: 1, type: 'paid' }]);
    expect(t.result.outcome).toBe('paid');
    expect(t.state.sends[0]).toMatchObject({ step: 'first-email', status: 'failed', reason: 'hardBounce' });
    expect(t.sends.map((s) => `${s.day} ${s.step}`)).toEqual(['0 nudge-sms']);
    expect(t.state.events.map((e) => e.type)).toEqual(['bounced', 'paid']);
  }, 120_000);

  it('pre-due-reminder and late-stage run to their end with nobody answering', async () => {
    const now = JOURNEY_START;
    const mary = exampleRecord('mary-smith');
    const preDue = {
      ...mary,
      debtId: 'TS-PRE-1',
      debt: { ...mary.debt, dueDate: new Date(now + 5 * DAY).toISOString().slice(0, 10) },
    };
    const pre = await runOnTemporal('pre-due-reminder', preDue, []);
    const preVirtual = await runPlan(examplePlan('pre-due-reminder'), preDue, { start: pre.started });
    expect(pre.result.outcome).toBe(preVirtual.result.outcome);
    expect(pre.sends).toEqual(preVirtual.sends);
    expect(pre.sends.length).toBeGreaterThan(0);

    const late = dueTenDaysAgo(exampleRecord('jan-devries'), now - 40 * DAY, 'TS-LATE-1');
    const l = await runOnTemporal('late-stage', late, []);
    const lVirtual = await runPlan(examplePlan('late-stage'), late, { start: l.started });
    expect(l.result.outcome).toBe('escalated');
    expect(l.sends).toEqual(lVirtual.sends);
  }, 180_000);
});
