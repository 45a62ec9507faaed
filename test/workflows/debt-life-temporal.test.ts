/**
 * A debt's whole life on the real time-skipping Temporal server, with the real activities (SMTP
 * sink, SMS sink, a local webhook receiver, routeDebt and loadPlan against the plan store and the
 * routing table published in Temporal): a reply during a wait goes to the agent; a part payment
 * lowers what later messages ask; a 3-instalment plan paid through the payment page, stripe-mock
 * Checkout Sessions and signed Stripe webhooks ends paid; a missed instalment takes the broken
 * route; an unresolved pre-due debt goes on in the overdue journey after its due date; a
 * re-import updates the one running journey. The histories these runs record replay on the
 * current workflow code. The same paths on the fake runtime: debt-life.test.ts.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from '@temporalio/worker';
import { simpleParser } from 'mailparser';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emailMessageId } from '../../src/activities/message.js';
import type { SendInput } from '../../src/workflows/contract.js';
import { checkoutSessionParams } from '../../src/channels/stripe.js';
import { verifyLinkToken } from '../../src/channels/tokens.js';
import { compilePaths } from '../../src/compiler/index.js';
import { declaredAttributes } from '../../src/project/project.js';
import { instalmentScheduleMinorUnits } from '../../src/core/money.js';
import { readPortfolio } from '../../src/enrollment/read.js';
import { createRouter } from '../../src/routing/route.js';
import { routingTableOf } from '../../src/routing/table.js';
import { startJourney } from '../../src/enrollment/start.js';
import type { EngagementEvent, EnrollmentData, JourneyPlan } from '../../src/ir/index.js';
import { NO_BEHAVIOUR } from '../../src/simulate/behaviour.js';
import { simulatedRouting } from '../../src/simulate/hand-over.js';
import { runDebt } from '../../src/simulate/run-debt.js';
import { workflowIdFor } from '../../src/ids/workflow-ids.js';
import { publishRoutingTable } from '../../src/temporal/routing-store.js';
import { workflowBundle } from '../../src/temporal/journey-worker.js';
import { engagementSignal, stateQuery } from '../../src/workflows/definitions.js';
import type { JourneyResult, JourneyStateView } from '../../src/workflows/types.js';
import { dataConverterOf } from '../support/codec.js';
import { historyFromJSON, historyToJSON } from '../support/history-json.js';
import { exampleRecord, ROOT } from '../support/journeys.js';
import { SECRET } from '../support/journey-worker.js';
import { journeyPlan } from '../support/journey-yaml.js';
import { paidCheckoutSession, useJourneyServer } from '../support/journey-server.js';
import { recordStripeMock, type RecordingStripeMock } from '../support/stripe-mock.js';
import { quietTemporalRuntime } from '../support/temporal.js';
import { eventually } from '../support/wait.js';
import { scheduledSendInputs } from '../support/scheduled-sends.js';
import { agent, dunning } from './life-journeys.js';

quietTemporalRuntime();

const DAY = 86_400_000;
const HOUR = 3_600_000;
const WEBHOOK_SECRET = 'whsec_debt_life_0123456789';

let stripeMock: RecordingStripeMock;
beforeAll(async () => {
  stripeMock = await recordStripeMock();
});
afterAll(async () => stripeMock?.stop());

// The server app as `settle server` runs it: payment page, Stripe webhooks, the real dispatcher.
const t = useJourneyServer({
  // The real Stripe adapter, with the sessions it creates kept for the webhooks Stripe would send.
  stripe: { sdk: () => stripeMock.sdk, webhookSecret: WEBHOOK_SECRET },
});

const anna = exampleRecord('anna-rossi');
function annaOwing(debtId: string, amountDue: number): EnrollmentData {
  return { ...anna, debtId, debt: { ...anna.debt, reference: debtId, amountDue } };
}

const journey = (name: string, spec: string, steps: string): JourneyPlan => journeyPlan({ name, spec, steps });

const DUNNING = dunning(() => 'env:ESCALATION_URL');
const AGENT = agent(() => 'env:ESCALATION_URL');

// 25 days between instalments, not 30: with 30 the last reminder falls on the very instant the
// debtor ledger's 30-day quiet period (started by the previous reminder) ends, and the Java
// time-skipping test server cannot take an Update racing a workflow that completes — it rejects the
// ledger's task ("invalid history builder state", then "Already accepted update" forever) and the
// whole file's server stalls. A real Temporal server handles that race (the dev-server tests do).
const PLAN_SPEC = `  paymentPlans: { instalments: [3], interval: 25d }
  interrupts: { partiallyPaid: track }`;
const PLAN_STEPS = `    - { id: offer, type: send, channel: email, template: payment-plan-offer, paymentLink: true }
    - { id: pause, type: wait, duration: 20d }
    - { id: final, type: send, channel: email, template: final-notice, paymentLink: true }
    - { id: unresolved, type: exit, outcome: unresolved }
    - id: track
      type: trackPlan
      remind: { before: 3d, channel: email, template: plan-instalment-reminder, paymentLink: true }
      grace: 5d
      onBroken: broken
      next: pause
    - { id: broken, type: exit, outcome: planBroken }`;

/** Starts a journey of a plan by value under the debt's workflow id; journey time is the server's. */
const start = (plan: JourneyPlan, record: EnrollmentData) => t.start(plan, record);
let eventSeq = 0;
/** An engagement signal at the server's current instant. */
async function signal(workflowId: string, type: EngagementEvent, data?: Record<string, string | number>) {
  await t.env.client.workflow.getHandle(workflowId).signal(engagementSignal, {
    eventId: `test-${++eventSeq}`,
    type,
    at: new Date(await t.env.currentTimeMs()).toISOString(),
    ...(data && { data }),
  });
}

/** The inputs of the sends a run scheduled, as its history holds them (decrypted). */
async function scheduledSends(workflowId: string, runId?: string): Promise<SendInput[]> {
  return (await scheduledSendInputs(t.env.client, workflowId, runId)).map((input) => {
    // Journeys since the lean sends schedule the message's parts and the values read, not the record.
    if (!('values' in input)) throw new Error(`${input.step}: scheduled with the whole template and record`);
    return input;
  });
}

const amountsAsked = (sends: SendInput[]) => sends.map((s) => s.values.debt.amountDue as number);
const sentSteps = (state: JourneyStateView) => state.sends.filter((s) => s.status === 'sent').map((s) => s.step);

/** Text of the emails the SMTP sink received for these sends, in order. */
async function mailTexts(sends: SendInput[]): Promise<string[]> {
  const out: string[] = [];
  for (const s of sends.filter((x) => x.channel === 'email')) {
    const mail = await eventually(() => {
      const m = t.rig.smtp.messages().find((x) => x.messageId === emailMessageId(s.key));
      expect(m, s.key).toBeDefined();
      return m!;
    });
    out.push(String((await simpleParser(mail.raw)).text));
  }
  return out;
}

/** Histories recorded by the tests below, replayed at the end. */
const recorded: { name: string; workflowId: string; runId?: string }[] = [];

/** Histories of the new paths kept as fixtures (SETTLE_RECORD_HISTORIES=1 rewrites them from the runs below). */
const LIFE_HISTORIES = join(ROOT, 'test', 'fixtures', 'histories-life');

describe('exit and interrupt rules on Temporal', () => {
  it('a reply during a plain wait: interrupt to the agent webhook at once, no further dunning', async () => {
    const plan = journey('life-reply', '  interrupts: { replied: agent }', DUNNING + AGENT);
    const record = annaOwing('LIFE-REPLY-1', 200);
    const handle = await start(plan, record);
    await t.env.sleep(3 * DAY);
    await signal(handle.workflowId, 'replied');
    const result = (await handle.result()) as JourneyResult;
    expect(result.outcome).toBe('handedToAgent');
    const state = await handle.query(stateQuery);
    expect(sentSteps(state)).toEqual(['first']);
    expect(state.audit.some((a) => a.message === 'interrupt: replied during pause → agent')).toBe(true);
    const hooks = t.rig.webhookCalls.filter((c) => (c.body as { debtId?: string }).debtId === record.debtId);
    expect(hooks.map((c) => (c.body as { step: string }).step)).toEqual(['agent']);
    // The history scheduled no other message: the reply ended the dunning.
    expect(await scheduledSends(handle.workflowId)).toHaveLength(1);
    recorded.push({ name: 'life-interrupt-to-agent', workflowId: handle.workflowId });
  }, 120_000);
});

describe('money that moves on Temporal', () => {
  it('a 50% payment: later messages ask for the remaining half, no final notice for the full amount', async () => {
    const plan = journey('life-half', '', DUNNING);
    const record = annaOwing('LIFE-HALF-1', 180);
    const handle = await start(plan, record);
    await t.env.sleep(2 * DAY);
    await signal(handle.workflowId, 'partiallyPaid', { amount: 90, currency: 'EUR' });
    const result = (await handle.result()) as JourneyResult;
    expect(result.outcome).toBe('unresolved');
    const state = await handle.query(stateQuery);
    expect(sentSteps(state)).toEqual(['first', 'reminder']);
    expect(state.debt.amountDue).toBe(90);
    expect(state.amountPaid).toBe(90);
    expect(state.events.map((e) => e.type)).toEqual(['partiallyPaid']);
    const sends = await scheduledSends(handle.workflowId);
    expect(sends.map((s) => s.step)).toEqual(['first', 'reminder']);
    expect(amountsAsked(sends)).toEqual([180, 90]);
    // The email the debtor received says the half still owed.
    const texts = await mailTexts(sends);
    expect(texts).toHaveLength(2);
    expect(texts[0]).toContain('180,00');
    expect(texts[1]).toContain('90,00');
    expect(texts[1]).not.toContain('180,00');
  }, 120_000);
});

/** The payment page of an email as the debtor reaches it: /p/<token>, directly or through the click redirect. */
async function payPathOf(raw: Buffer): Promise<string> {
  const mail = await simpleParser(raw);
  const hrefs = [...String(mail.html).matchAll(/href="([^"]+)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));
  for (const href of hrefs) {
    const url = new URL(href);
    if (url.pathname.startsWith('/p/')) return url.pathname;
    const click = /^\/t\/c\/([^/]+)$/.exec(url.pathname);
    const target = click ? verifyLinkToken(SECRET, click[1]!, 'c')?.u : undefined;
    if (target && new URL(target).pathname.startsWith('/p/')) return new URL(target).pathname;
  }
  throw new Error(`no payment link in the email (links: ${hrefs.join(', ')})`);
}

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

/** Stripe's webhook for a Checkout Session (stripe-mock sends none): signed as Stripe signs it. */
async function postStripe(type: string, object: Record<string, unknown>, id: string) {
  const payload = JSON.stringify({
    id,
    object: 'event',
    api_version: '2026-01-28',
    type,
    created: Math.floor((await t.env.currentTimeMs()) / 1000),
    livemode: false,
    data: { object },
  });
  const res = await t.app.inject({
    method: 'POST',
    url: '/webhooks/stripe',
    headers: {
      'content-type': 'application/json',
      'stripe-signature': Stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET }),
    },
    payload,
  });
  expect(res.statusCode).toBe(200);
}

/**
 * The debtor pays on the payment page: the checkout (plan=3 or full), then both events Stripe
 * sends for one payment (checkout.session.completed and payment_intent.succeeded), with the
 * metadata the page put on the session. Returns the amount charged (minor units).
 */
async function payOnPage(payPath: string, choice: string, pi: string): Promise<number> {
  const page = await t.app.inject(payPath);
  expect(page.statusCode).toBe(200);
  const before = t.sessions.length;
  const checkout = await t.app.inject({
    method: 'POST',
    url: `${payPath}/checkout`,
    headers: FORM,
    payload: `plan=${choice}`,
  });
  expect(checkout.statusCode).toBe(303);
  expect(t.sessions).toHaveLength(before + 1);
  const { request, session } = t.sessions.at(-1)!;
  const metadata = checkoutSessionParams(request).metadata;
  await postStripe('checkout.session.completed', paidCheckoutSession({ request, session }, pi), `evt_${pi}_a`);
  await postStripe(
    'payment_intent.succeeded',
    { id: pi, object: 'payment_intent', amount_received: session.amount, currency: 'eur', metadata },
    `evt_${pi}_b`,
  );
  await t.dispatcher.flush(5_000);
  return session.amount;
}

describe('tracked payment plans on Temporal', () => {
  const amounts = instalmentScheduleMinorUnits(100, 'EUR', 3);

  it('3 instalments through the payment page, stripe-mock and signed webhooks: each counted once, paid after the third', async () => {
    const plan = journey('life-plan', PLAN_SPEC, PLAN_STEPS);
    const record = annaOwing('LIFE-PLAN-1', 100);
    const handle = await start(plan, record);
    const wf = handle.workflowId;
    const offer = await eventually(() => {
      const m = t.rig.smtp.messages().find((x) => x.messageId === emailMessageId(`${wf}/offer/1`));
      expect(m).toBeDefined();
      return m!;
    });
    const payPath = await payPathOf(offer.raw);
    const page = await t.app.inject(payPath);
    expect(page.body.replace(/[\u00a0\u202f]/g, ' ')).toContain('3 mensualités de 33,34 €');

    // Day 1: the debtor picks 3 instalments; Stripe reports the first payment twice.
    await t.env.sleep(DAY);
    expect(await payOnPage(payPath, '3', 'pi_life_1')).toBe(amounts[0]);
    let state = await eventually(async () => {
      const s = await handle.query(stateQuery);
      expect(s.plan?.paid).toBe(1);
      return s;
    });
    expect(state.plan).toMatchObject({ count: 3, amounts: [33.34, 33.34, 33.32], paid: 1 });
    expect(state.debt.amountDue).toBe(66.66);
    // The same payment delivered once more (Stripe redelivers; another server instance): still once.
    await t.env.client.workflow.getHandle(wf).signal(engagementSignal, {
      eventId: 'stripe:pi_life_1',
      type: 'partiallyPaid',
      at: new Date(await t.env.currentTimeMs()).toISOString(),
      data: { amount: 33.34, currency: 'EUR', instalments: 3 },
    });

    // Day 24: the reminder of the second instalment came (3 days before day 26); the page charges it.
    await t.env.sleep(23 * DAY);
    expect(await payOnPage(payPath, 'full', 'pi_life_2')).toBe(amounts[1]);
    state = await eventually(async () => {
      const s = await handle.query(stateQuery);
      expect(s.plan?.paid).toBe(2);
      return s;
    });
    expect(state.debt.amountDue).toBe(33.32);

    // Day 49: the third and last.
    await t.env.sleep(25 * DAY);
    expect(await payOnPage(payPath, 'full', 'pi_life_3')).toBe(amounts[2]);
    const result = (await handle.result()) as JourneyResult;
    expect(result.outcome).toBe('paid');
    state = await handle.query(stateQuery);
    // The page visits are one `visited` (one per message); the payments, each once.
    expect(state.events.filter((e) => e.type !== 'visited').map((e) => [e.type, e.eventId])).toEqual([
      ['partiallyPaid', 'stripe:pi_life_1'],
      ['partiallyPaid', 'stripe:pi_life_2'],
      ['paid', 'stripe:pi_life_3'],
    ]);
    expect(state.amountPaid).toBe(100);
    expect(state.debt.amountDue).toBe(0);
    expect(state.plan).toMatchObject({ paid: 3 });
    // Each checkout charged the instalment as scheduled, with the plan in its metadata.
    const planSessions = t.sessions.filter((s) => s.request.metadata.workflow === wf);
    expect(planSessions.map((s) => s.session.amount)).toEqual(amounts);
    expect(planSessions.map((s) => checkoutSessionParams(s.request).metadata?.plan)).toEqual(['3', '3', '3']);
    // The offer, then a reminder before each later instalment, asking what is left of the plan.
    const sends = await scheduledSends(wf);
    expect(sends.map((s) => s.key.slice(wf.length + 1))).toEqual(['offer/1', 'track/1-i2', 'track/1-i3']);
    expect(amountsAsked(sends)).toEqual([100, 66.66, 33.32]);
    expect(sends.slice(1).map((s) => s.values.debt.planNextAmount)).toEqual([33.34, 33.32]);
    // The reminders the debtor received read the plan as charged: instalment, amount, date, the rest.
    const texts = (await mailTexts(sends)).map((t) => t.replace(/[\u00a0\u202f]/g, ' '));
    expect(texts[1]).toContain('La prochaine, 2 sur 3, est de 33,34 €');
    expect(texts[1]).toContain('Reste à payer au total : 66,66 €');
    expect(texts[2]).toContain('La prochaine, 3 sur 3, est de 33,32 €');
    recorded.push({ name: 'life-plan-paid-in-3', workflowId: wf });
  }, 180_000);

  it('a missed instalment takes the broken-plan route once the grace period is over', async () => {
    const plan = journey('life-plan', PLAN_SPEC, PLAN_STEPS);
    const record = annaOwing('LIFE-PLAN-MISSED-1', 100);
    const handle = await start(plan, record);
    await t.env.sleep(DAY);
    const paidAt = await t.env.currentTimeMs();
    await signal(handle.workflowId, 'partiallyPaid', { amount: amounts[0]! / 100, currency: 'EUR', instalments: 3 });
    const result = (await handle.result()) as JourneyResult;
    expect(result.outcome).toBe('planBroken');
    const state = await handle.query(stateQuery);
    expect(state.plan).toMatchObject({ count: 3, paid: 1, broken: true });
    // Due 25 days after the first instalment, 5 days' grace (journey time drifts by the ms activities take).
    const missed = state.audit.find((a) => /instalment 2 of 3 missed \(grace over\) → broken/.test(a.message));
    expect(missed).toBeDefined();
    expect(Math.abs(missed!.at - (paidAt + 30 * DAY))).toBeLessThan(60_000);
    expect(sentSteps(state)).toEqual(['offer', 'track']);
    recorded.push({ name: 'life-plan-broken', workflowId: handle.workflowId });
  }, 120_000);
});

/** The example project, as `settle deploy` / `settle enroll` compile it. */
function exampleProject() {
  const r = compilePaths([join(ROOT, 'journeys')]);
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return r;
}

async function portfolioRecord(r: ReturnType<typeof exampleProject>, debtId: string): Promise<EnrollmentData> {
  for await (const row of readPortfolio(join(ROOT, 'examples', 'portfolio.csv'), declaredAttributes(r.project))) {
    if ((row.record as EnrollmentData).debtId === debtId) return row.record as EnrollmentData;
  }
  throw new Error(`no ${debtId} in the example portfolio`);
}

describe('hand-over between journeys on Temporal', () => {
  it('an unresolved pre-due debt gets its first overdue message after its due date, in the next journey', async () => {
    const NOW = Date.parse('2026-11-23T10:00:00Z');
    const r = exampleProject();
    // The routing table in Temporal, as settle deploy and settle enroll publish it (with every plan it names).
    await publishRoutingTable(t.env.client, t.rig.taskQueue, routingTableOf(r.project, r.plans), r.plans.values());
    const record = await portfolioRecord(r, 'TN-US-2026-77310'); // Chicago, due 2026-11-26
    const preDue = r.plans.get('pre-due-reminder')!;
    const started = await startJourney(t.env.client, {
      taskQueue: t.rig.taskQueue,
      plan: preDue,
      record,
      secret: SECRET,
      nowMs: NOW,
      segment: 'pre-due',
    });
    expect(started).toBe('started');
    const wf = workflowIdFor(record.debtId);
    const handle = t.env.client.workflow.getHandle(wf);
    const firstRunId = (await handle.describe()).runId;
    // Let the days pass until the debt is in its next journey and that journey has written to it.
    let state = await handle.query(stateQuery);
    for (
      let i = 0;
      i < 40 && !(state.journey !== preDue.journey && state.sends.some((s) => s.status === 'sent'));
      i++
    ) {
      await t.env.sleep(6 * HOUR);
      state = await handle.query(stateQuery);
    }
    expect(state.journey).toBe('soft-collection');
    expect(state.path).toEqual([
      expect.objectContaining({
        journey: 'pre-due-reminder',
        version: preDue.version,
        segment: 'pre-due',
        outcome: 'unresolved',
      }),
    ]);
    const handedOverAt = state.path![0]!.endedAt;
    // Not before the end of the due date in Chicago.
    expect(handedOverAt).toBeGreaterThanOrEqual(Date.parse('2026-11-27T06:00:00Z'));
    const sent = state.sends.filter((s) => s.status === 'sent');
    const preDueSteps = new Set(preDue.steps.map((s) => s.id));
    const softSteps = new Set(r.plans.get('soft-collection')!.steps.map((s) => s.id));
    const before = sent.filter((s) => s.at < handedOverAt);
    const after = sent.filter((s) => s.at >= handedOverAt);
    expect(before.length).toBeGreaterThan(0);
    for (const s of before) expect(preDueSteps.has(s.step), s.step).toBe(true);
    expect(after.length).toBeGreaterThan(0);
    expect(softSteps.has(after[0]!.step)).toBe(true);
    // One workflow for the debt all along: the hand-over continued it as new with its history.
    expect((await handle.describe()).runId).not.toBe(firstRunId);
    const firstRun = await t.env.client.workflow.getHandle(wf, firstRunId).describe();
    expect(firstRun.status.name).toBe('CONTINUED_AS_NEW');
    // The overdue message went out through the real channel, asking the amount still owed.
    const next = (await scheduledSends(wf)).find((s) => s.step === after[0]!.step)!;
    expect(next.values.debt.amountDue).toBe(record.debt.amountDue);

    // The simulator moves the same debt the same way: the same messages, at the same minutes.
    const simulated = await runDebt({
      plan: preDue,
      record,
      segment: 'pre-due',
      startMs: NOW,
      horizonMs: after[0]!.at + HOUR,
      behaviour: NO_BEHAVIOUR,
      seed: 1,
      routing: simulatedRouting(createRouter(r.project, r.plans), r.plans),
    });
    const minutes = (s: { step: string; at: number }) =>
      `${s.step} ${new Date(Math.round(s.at / 60_000) * 60_000).toISOString()}`;
    expect(simulated).toMatchObject({ journey: 'soft-collection', segment: 'early-overdue' });
    expect(
      simulated.state.sends.filter((s) => s.status === 'sent' && s.at <= after[0]!.at + 60_000).map(minutes),
    ).toEqual([...before, after[0]!].map(minutes));
    recorded.push({ name: 'life-hand-over', workflowId: wf, runId: firstRunId });
    await handle.terminate('test over');
  }, 180_000);
});

describe('one journey per debt on Temporal', () => {
  it('a re-import with a new amount: the running journey takes it (same workflow), its next message asks it', async () => {
    const plan = journey('life-reimport', '', DUNNING);
    const record = annaOwing('LIFE-REIMPORT-1', 200);
    const req = { taskQueue: t.rig.taskQueue, plan, record, secret: SECRET, nowMs: await t.env.currentTimeMs() };
    expect(await startJourney(t.env.client, req)).toBe('started');
    const handle = t.env.client.workflow.getHandle(workflowIdFor(record.debtId));
    const runId = (await handle.describe()).runId;
    await t.env.sleep(2 * DAY);
    // The creditor's books now say 80: enrolled again, the same file path `settle enroll` takes.
    const newer = { ...record, debt: { ...record.debt, amountDue: 80 } };
    expect(await startJourney(t.env.client, { ...req, record: newer, nowMs: await t.env.currentTimeMs() })).toBe(
      'updated',
    );
    const state = await eventually(async () => {
      const s = await handle.query(stateQuery);
      expect(s.debt.amountDue).toBe(80);
      return s;
    });
    expect(state.audit.some((a) => a.message === 're-enrolled: amount due 200 → 80 EUR')).toBe(true);
    const description = await handle.describe();
    expect(description.runId).toBe(runId);
    expect(description.status.name).toBe('RUNNING');
    const result = (await handle.result()) as JourneyResult;
    expect(result.outcome).toBe('unresolved');
    // Under 100 now: the friendly reminder with the new amount, not the final notice for 200.
    const sends = await scheduledSends(handle.workflowId);
    expect(sends.map((s) => s.step)).toEqual(['first', 'reminder']);
    expect(amountsAsked(sends)).toEqual([200, 80]);
    const signals = (await handle.fetchHistory()).events!.flatMap((e) =>
      e.workflowExecutionSignaledEventAttributes ? [e.workflowExecutionSignaledEventAttributes.signalName] : [],
    );
    expect(signals).toEqual(['reenroll']);
  }, 120_000);
});

describe('one journey per debt: the same file imported again', () => {
  it('changes nothing: a payment made since the first re-import is not undone', async () => {
    const plan = journey('life-reimport-again', '', DUNNING);
    const record = annaOwing('LIFE-REIMPORT-2', 200);
    const req = { taskQueue: t.rig.taskQueue, plan, record, secret: SECRET, nowMs: await t.env.currentTimeMs() };
    expect(await startJourney(t.env.client, req)).toBe('started');
    const handle = t.env.client.workflow.getHandle(workflowIdFor(record.debtId));
    await t.env.sleep(DAY);
    const newer = { ...record, debt: { ...record.debt, amountDue: 80 } };
    await startJourney(t.env.client, { ...req, record: newer, nowMs: await t.env.currentTimeMs() });
    await eventually(async () => expect((await handle.query(stateQuery)).debt.amountDue).toBe(80));
    await signal(handle.workflowId, 'partiallyPaid', { amount: 30, currency: 'EUR' });
    await eventually(async () => expect((await handle.query(stateQuery)).debt.amountDue).toBe(50));
    // The operator runs the same import again (a retried cron job): the debtor still owes 50.
    await startJourney(t.env.client, { ...req, record: newer, nowMs: await t.env.currentTimeMs() });
    await t.env.sleep(HOUR);
    const state = await handle.query(stateQuery);
    expect({ due: state.debt.amountDue, paid: state.amountPaid }).toEqual({ due: 50, paid: 30 });
    await t.env.sleep(7 * DAY);
    const sends = await scheduledSends(handle.workflowId);
    expect(amountsAsked(sends)).toEqual([200, 50]);
    await handle.terminate('test over');
  }, 120_000);
});

describe('replay of the new paths', () => {
  const replay = async (workflowId: string, history: Parameters<typeof Worker.runReplayHistory>[1]) =>
    Worker.runReplayHistory(
      { workflowBundle: await workflowBundle(), dataConverter: dataConverterOf(SECRET) },
      history,
      workflowId,
    );

  it('the histories recorded above (a plan paid and broken, an interrupt, a hand-over) replay on the current code', async () => {
    expect(recorded.map((r) => r.name).sort()).toEqual([
      'life-hand-over',
      'life-interrupt-to-agent',
      'life-plan-broken',
      'life-plan-paid-in-3',
    ]);
    for (const r of recorded) {
      const history = await t.env.client.workflow.getHandle(r.workflowId, r.runId).fetchHistory();
      const types = (history.events ?? []).map((e) => e.eventType);
      expect(types.length, r.name).toBeGreaterThan(5);
      await replay(r.workflowId, history);
      if (process.env.SETTLE_RECORD_HISTORIES === '1') {
        mkdirSync(LIFE_HISTORIES, { recursive: true });
        const fixture = {
          workflowId: r.workflowId,
          scenario: r.name,
          history: JSON.parse(historyToJSON(history)) as unknown,
        };
        writeFileSync(join(LIFE_HISTORIES, `${r.name}.json`), `${JSON.stringify(fixture, null, 1)}\n`);
      }
    }
  }, 120_000);

  it('the stored histories of the new paths replay on the current code', async () => {
    const files = readdirSync(LIFE_HISTORIES)
      .filter((f) => f.endsWith('.json'))
      .sort();
    expect(files).toEqual([
      'life-hand-over.json',
      'life-interrupt-to-agent.json',
      'life-plan-broken.json',
      'life-plan-paid-in-3.json',
    ]);
    for (const f of files) {
      const fixture = JSON.parse(readFileSync(join(LIFE_HISTORIES, f), 'utf8')) as {
        workflowId: string;
        history: unknown;
      };
      await replay(fixture.workflowId, historyFromJSON(fixture.history));
    }
  }, 120_000);
});
