import { describe, expect, it } from 'vitest';
import { VirtualActivityFailure } from '../../src/simulate/virtual-port.js';
import { assignVariant } from '../../src/core/split.js';
import { FAILURE } from '../../src/ir/index.js';
import { examplePlan, exampleRecord, planFromYaml } from '../support/journeys.js';
import { DAY, HOUR, runPlan, START } from './harness.js';
import { journeyYaml } from '../support/journey-yaml.js';

const anna = exampleRecord('anna-rossi');

describe('interpreter on soft-collection (fake runtime)', () => {
  const plan = examplePlan('soft-collection');

  it('opens day 1, clicks day 2.5, pays day 12: exact messages in order, a deferral, exit paid', async () => {
    const { result, sends, state } = await runPlan(plan, anna, {
      events: [
        { after: 1 * DAY, type: 'opened', ofStep: 'first-email' },
        { after: 2.5 * DAY, type: 'clicked', ofStep: 'nudge-sms' },
        { after: 12 * DAY, type: 'paid' },
      ],
    });
    expect(result.outcome).toBe('paid');
    // Day 5.5 is Saturday 22:00 in Paris: eu-default is closed until Monday 08:00, and the next wait
    // (4 days) counts from the actual send.
    const variant = state.variants['subject-test']!;
    expect(sends.map((s) => `${s.day} ${s.step}`)).toEqual([
      '0 first-email',
      '2 nudge-sms',
      '6.92 help-sms',
      `10.92 email-${variant}`,
    ]);
    expect(state.audit.filter((a) => a.kind === 'deferred')).toEqual([
      {
        at: START + 5.5 * DAY,
        kind: 'deferred',
        step: 'help-sms',
        channel: 'sms',
        reason: 'outsideWindow',
        until: Date.parse('2026-11-30T07:00:00Z'),
        message: 'SMS of step help-sms deferred from Sat 22:00 to Mon 08:00 Europe/Paris: outside send window',
      },
    ]);
    expect(state.audit.at(-1)?.message).toBe('journey ended: paid');
  });

  it('never engages: every reminder, then the hand-over to the next journey a month past due (unresolved here)', async () => {
    const { result, sends, port, state } = await runPlan(plan, anna);
    // No routing in this harness: the hand-over exit ends the journey with its outcome.
    expect(result.outcome).toBe('unresolved');
    const variant = result.variant!;
    expect(sends.map((s) => s.step)).toEqual([
      'first-email',
      'nudge-sms',
      `email-${variant}`,
      'reminder-sms',
      'final-friendly-email',
    ]);
    expect(port.calls.filter((c) => c.name === 'callWebhook')).toHaveLength(0);
    // The hand-over never comes before day 31 after the due date (2026-11-01 in Paris).
    expect(state.endedAt).toBeGreaterThanOrEqual(Date.parse('2026-12-01T23:00:00Z'));
    expect(state.current).toBe('to-late-stage');
    expect(port.calls.at(-1)?.name).toBe('recordOutcome');
  });

  it('hard bounce of the first email follows onFailure at once', async () => {
    const { sends, state } = await runPlan(plan, anna, {
      fail: {
        sendEmail: (i) =>
          i.step === 'first-email' ? new VirtualActivityFailure(FAILURE.hardBounce, '550 no such user') : undefined,
      },
      events: [{ after: 1 * HOUR, type: 'paid' }],
    });
    expect(sends.map((s) => `${s.day} ${s.step}`)).toEqual(['0 nudge-sms']);
    expect(state.sends[0]).toMatchObject({ step: 'first-email', status: 'failed', reason: 'hardBounce' });
    expect(state.events.map((e) => e.type)).toEqual(['bounced', 'paid']);
  });

  it('a debtor without SMS consent gets no SMS: the send is blocked and onBlocked is followed', async () => {
    const jan = exampleRecord('jan-devries');
    const { state } = await runPlan(plan, jan, { events: [{ after: 12 * DAY, type: 'paid' }] });
    const sms = state.sends.filter((s) => s.channel === 'sms');
    expect(sms.length).toBeGreaterThan(0);
    expect(sms.every((s) => s.status === 'blocked' && s.reason === 'noConsent')).toBe(true);
    expect(state.visits['quiet-days']).toBe(1);
  });

  it('the goal ends the journey from inside any wait, at once', async () => {
    const { result, state, port } = await runPlan(plan, anna, { events: [{ after: 3 * HOUR, type: 'paid' }] });
    expect(result.outcome).toBe('paid');
    expect(state.endedAt).toBe(START + 3 * HOUR);
    expect(port.calls.map((c) => c.name)).toEqual(['createPaymentLink', 'sendEmail', 'recordOutcome']);
  });

  it('a repeated event id counts once', async () => {
    const { state } = await runPlan(plan, anna, {
      events: [
        { after: 1 * HOUR, type: 'opened', ofStep: 'first-email', eventId: 'same' },
        { after: 2 * HOUR, type: 'opened', ofStep: 'first-email', eventId: 'same' },
        { after: 5 * DAY, type: 'paid' },
      ],
    });
    expect(state.events.filter((e) => e.type === 'opened')).toHaveLength(1);
  });

  it('continuing as new between steps changes nothing a debtor or a metric would see', async () => {
    const events = [
      { after: 1 * DAY, type: 'opened' as const, ofStep: 'first-email' },
      { after: 2.5 * DAY, type: 'clicked' as const, ofStep: 'nudge-sms' },
      { after: 30 * DAY, type: 'paid' as const },
    ];
    const straight = await runPlan(plan, anna, { events });
    let asked = 0;
    const chopped = await runPlan(plan, anna, { events, suggestContinueAsNew: () => ++asked % 2 === 0 });
    expect(chopped.continuedAsNew).toBeGreaterThan(3);
    expect(chopped.result).toEqual(straight.result);
    expect(chopped.sends).toEqual(straight.sends);
    expect(chopped.state.visits).toEqual(straight.state.visits);
  });
});

describe('interpreter step semantics', () => {
  const journey = (steps: string) => journeyYaml({ name: 'probe', policy: 'eu-default', steps });

  it('waitFor fires at once for an event that already happened since the send, earliest first', async () => {
    const plan = planFromYaml(
      journey(`    - { id: mail, type: send, channel: email, template: overdue-friendly, paymentLink: true }
    - { id: pause, type: wait, duration: 2d }
    - id: watch
      type: waitFor
      events: [opened, clicked]
      timeout: 3d
      on: { opened: was-opened, clicked: was-clicked, timeout: nothing }
    - { id: was-opened, type: exit, outcome: opened }
    - { id: was-clicked, type: exit, outcome: clicked }
    - { id: nothing, type: exit, outcome: nothing }`),
    );
    const { result, state } = await runPlan(plan, anna, {
      events: [
        { after: 1 * DAY, type: 'clicked', ofStep: 'mail' },
        { after: 0.5 * DAY, type: 'opened', ofStep: 'mail' },
      ],
    });
    expect(result.outcome).toBe('opened');
    expect(state.endedAt).toBe(START + 2 * DAY);
  });

  it('waitFor ignores events of messages sent before the send it listens to', async () => {
    const plan = planFromYaml(
      journey(`    - { id: mail, type: send, channel: email, template: overdue-friendly, paymentLink: true }
    - { id: sms, type: send, channel: sms, template: overdue-nudge-sms, paymentLink: true }
    - id: watch
      type: waitFor
      events: [clicked]
      timeout: 1d
      on: { clicked: hit, timeout: miss }
    - { id: hit, type: exit, outcome: hit }
    - { id: miss, type: exit, outcome: miss }`),
    );
    // Clicks two hours in: the SMS goes an hour after the email (eu-default's minGap).
    const old = await runPlan(plan, anna, { events: [{ after: 2 * HOUR, type: 'clicked', ofStep: 'mail' }] });
    expect(old.result.outcome).toBe('miss');
    const fresh = await runPlan(plan, anna, { events: [{ after: 2 * HOUR, type: 'clicked', ofStep: 'sms' }] });
    expect(fresh.result.outcome).toBe('hit');
  });

  it('businessDays skips closed days and keeps the local time', async () => {
    const plan = planFromYaml(
      journey(`    - { id: pause, type: wait, businessDays: 2 }
    - { id: done, type: exit, outcome: done }`),
    );
    // Friday 2026-11-27 10:00 Paris; eu-default is closed on Sundays → Saturday, Monday.
    const start = Date.parse('2026-11-27T09:00:00Z');
    const { state } = await runPlan(plan, anna, { start });
    expect(new Date(state.endedAt!).toISOString()).toBe('2026-11-30T09:00:00.000Z');
  });

  it('branch evaluates CEL over the record and engagement; an unset optional field makes a case false', async () => {
    const plan = planFromYaml(
      journey(`    - id: pick
      type: branch
      cases:
        - { when: "debtor.lastName.startsWith('Z')", next: z }
        - { when: "debt.amountDue > 400.0 && engagement.opened == 0", next: big }
      default: small
    - { id: z, type: exit, outcome: z }
    - { id: big, type: exit, outcome: big }
    - { id: small, type: exit, outcome: small }`),
    );
    expect((await runPlan(plan, anna)).result.outcome).toBe('big');
    const noName = { ...anna, debtor: { ...anna.debtor } };
    delete noName.debtor.lastName;
    const r = await runPlan(plan, { ...noName, debt: { ...anna.debt, amountDue: 10 } });
    expect(r.result.outcome).toBe('small');
    expect(r.state.audit.some((a) => a.kind === 'warning' && a.step === 'pick')).toBe(true);
  });

  it('split is sticky per debt and honours weights over a portfolio', async () => {
    const variants = [
      { name: 'a', weight: 30, next: 'x' },
      { name: 'b', weight: 70, next: 'y' },
    ];
    const counts = { a: 0, b: 0 };
    for (let i = 0; i < 20_000; i++) counts[assignVariant(`INV-${i}`, 'j', 's', variants).name as 'a' | 'b']++;
    expect(counts.a / 20_000).toBeGreaterThan(0.28);
    expect(counts.a / 20_000).toBeLessThan(0.32);
    expect(assignVariant('INV-7', 'j', 's', variants).name).toBe(assignVariant('INV-7', 'j', 's', variants).name);
  });

  it('a failing webhook follows onFailure', async () => {
    const plan = planFromYaml(
      journey(`    - { id: hook, type: webhook, url: "https://agents.example.test/queue", onFailure: failed }
    - { id: ok, type: exit, outcome: ok }
    - { id: failed, type: exit, outcome: failed }`),
    );
    const r = await runPlan(plan, anna, {
      fail: { callWebhook: () => new VirtualActivityFailure('WebhookRejected', '404') },
    });
    expect(r.result.outcome).toBe('failed');
  });

  it('an opt-out event stops that channel for the rest of the journey', async () => {
    const plan = planFromYaml(
      journey(`    - { id: sms1, type: send, channel: sms, template: overdue-nudge-sms, paymentLink: true }
    - { id: pause, type: wait, duration: 1d }
    - { id: sms2, type: send, channel: sms, template: overdue-nudge-sms, paymentLink: true, onBlocked: blocked }
    - { id: sent, type: exit, outcome: sent }
    - { id: blocked, type: exit, outcome: blocked }`),
    );
    const r = await runPlan(plan, anna, { events: [{ after: HOUR, type: 'optedOut', ofStep: 'sms1' }] });
    expect(r.result.outcome).toBe('blocked');
    expect(r.state.optedOut).toEqual(['sms']);
  });
});
