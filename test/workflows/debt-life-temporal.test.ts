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
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { simpleParser } from 'mailparser';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emailMessageId } from '../../src/activities/message.js';
import type { SendMessageInput } from '../../src/activities/types.js';
import { createStripeCheckout, checkoutSessionParams, type CheckoutSession } from '../../src/channels/stripe.js';
import type { CheckoutSessionRequest } from '../../src/channels/stripe.js';
import { verifyLinkToken } from '../../src/channels/tokens.js';
import { compilePaths, compileSources } from '../../src/compiler/index.js';
import { declaredAttributes } from '../../src/compiler/project.js';
import { instalmentScheduleMinorUnits } from '../../src/core/money.js';
import { readPortfolio } from '../../src/enrollment/read.js';
import { createRouter } from '../../src/enrollment/route.js';
import { routingTableOf } from '../../src/enrollment/routing-table.js';
import { startJourney } from '../../src/enrollment/start.js';
import type { EngagementEvent, EnrollmentData, JourneyPlan } from '../../src/ir/index.js';
import { createServerApp } from '../../src/server/app.js';
import { createJourneyLookup } from '../../src/server/journey-lookup.js';
import { createSignalDispatcher } from '../../src/server/signal-dispatcher.js';
import { NO_BEHAVIOUR } from '../../src/simulate/behaviour.js';
import { simulatedRouting } from '../../src/simulate/hand-over.js';
import { runDebt } from '../../src/simulate/run-debt.js';
import { workflowIdFor } from '../../src/temporal/ids.js';
import { publishRoutingTable } from '../../src/temporal/routing-store.js';
import { workflowBundle } from '../../src/temporal/worker.js';
import { engagementSignal, stateQuery } from '../../src/workflows/definitions.js';
import type { JourneyInput, JourneyResult, JourneyStateView } from '../../src/workflows/types.js';
import { dataConverterOf } from '../support/codec.js';
import { historyFromJSON } from '../support/history-json.js';
import { ALWAYS_OPEN_POLICY, exampleRecord, planFromYaml, ROOT } from '../support/journeys.js';
import { journeyRig, SECRET, type JourneyRig } from '../support/journey-worker.js';
import { recordStripeMock, type RecordingStripeMock } from '../support/stripe-mock.js';
import { createTimeSkippingEnv, quietTemporalRuntime } from '../support/temporal.js';
import { eventually } from '../support/wait.js';

quietTemporalRuntime();

const DAY = 86_400_000;
const HOUR = 3_600_000;
const PUBLIC_URL = 'https://pay.example.test';
const WEBHOOK_SECRET = 'whsec_debt_life_0123456789';

let env: TestWorkflowEnvironment;
let rig: JourneyRig;
let running: Promise<void>;
let stripeMock: RecordingStripeMock;
let app: FastifyInstance;
let dispatcher: ReturnType<typeof createSignalDispatcher>;
const sessions: { request: CheckoutSessionRequest; session: CheckoutSession }[] = [];

beforeAll(async () => {
  env = await createTimeSkippingEnv();
  rig = await journeyRig(env, { publicUrl: PUBLIC_URL });
  running = rig.worker.run();
  stripeMock = await recordStripeMock();
  dispatcher = createSignalDispatcher(env.client);
  const stripe = createStripeCheckout({ secretKey: 'sk_test_settle', ...stripeMock.sdk });
  // The server app as `settle server` runs it: payment page, Stripe webhooks, the real dispatcher.
  app = createServerApp({
    secret: SECRET,
    publicUrl: PUBLIC_URL,
    lookup: createJourneyLookup(env.client, { ttlMs: 0 }),
    dispatcher,
    ready: async () => true,
    metrics: async () => '',
    log: false,
    checkout: {
      async createCheckoutSession(request) {
        const session = await stripe.createCheckoutSession(request);
        sessions.push({ request, session });
        return session;
      },
    },
    stripe: { webhookSecret: WEBHOOK_SECRET },
  });
  await app.ready();
}, 120_000);

afterAll(async () => {
  await dispatcher?.flush(5_000);
  await app?.close();
  rig?.worker.shutdown();
  await running;
  await rig?.close();
  await stripeMock?.stop();
  await env?.teardown();
});

const anna = exampleRecord('anna-rossi');
function annaOwing(debtId: string, amountDue: number): EnrollmentData {
  return { ...anna, debtId, debt: { ...anna.debt, reference: debtId, amountDue } };
}

const journey = (name: string, spec: string, steps: string): JourneyPlan =>
  planFromYaml(
    `apiVersion: settle/v1
kind: Journey
metadata: { name: ${name}, version: 1 }
spec:
  policy: always-open
${spec}
  steps:
${steps}`,
    [ALWAYS_OPEN_POLICY],
  );

/** Plain dunning: a large debt gets the final notice, a small one a friendly reminder; then the hand-over webhook. */
const DUNNING = `    - { id: first, type: send, channel: email, template: overdue-friendly, paymentLink: true }
    - { id: pause, type: wait, duration: 7d }
    - id: large
      type: branch
      cases: [{ when: "debt.amountDue > 100.0", next: final }]
      default: reminder
    - { id: reminder, type: send, channel: email, template: overdue-friendly, paymentLink: true, next: pause-2 }
    - { id: final, type: send, channel: email, template: final-notice, paymentLink: true }
    - { id: pause-2, type: wait, duration: 10d }
    - { id: handover, type: webhook, url: "env:ESCALATION_URL", retry: { maxAttempts: 1 } }
    - { id: unresolved, type: exit, outcome: unresolved }`;
const AGENT = `
    - { id: agent, type: webhook, url: "env:ESCALATION_URL", retry: { maxAttempts: 1 }, next: with-agent }
    - { id: with-agent, type: exit, outcome: handedToAgent }`;

const PLAN_SPEC = `  paymentPlans: { instalments: [3], interval: 30d }
  interrupts: { partiallyPaid: track }`;
const PLAN_STEPS = `    - { id: offer, type: send, channel: email, template: payment-plan-offer, paymentLink: true }
    - { id: pause, type: wait, duration: 20d }
    - { id: final, type: send, channel: email, template: final-notice, paymentLink: true }
    - { id: unresolved, type: exit, outcome: unresolved }
    - id: track
      type: trackPlan
      remind: { before: 3d, channel: email, template: overdue-friendly, paymentLink: true }
      grace: 5d
      onBroken: broken
      next: pause
    - { id: broken, type: exit, outcome: planBroken }`;

/** Starts a journey of a plan by value under the debt's workflow id; journey time is the server's. */
async function start(plan: JourneyPlan, record: EnrollmentData) {
  const input: JourneyInput = { plan, enrollment: record, options: { debtorKey: `k-${record.debtId}`, contactKeys: [] } };
  return env.client.workflow.start('journeyWorkflow', {
    workflowId: workflowIdFor(record.debtId),
    taskQueue: rig.taskQueue,
    args: [input],
  });
}

let eventSeq = 0;
/** An engagement signal at the server's current instant. */
async function signal(workflowId: string, type: EngagementEvent, data?: Record<string, string | number>) {
  await env.client.workflow.getHandle(workflowId).signal(engagementSignal, {
    eventId: `test-${++eventSeq}`,
    type,
    at: new Date(await env.currentTimeMs()).toISOString(),
    ...(data && { data }),
  });
}

/** The inputs of the sends a run scheduled, as its history holds them (decrypted). */
async function scheduledSends(workflowId: string, runId?: string): Promise<SendMessageInput[]> {
  const history = await env.client.workflow.getHandle(workflowId, runId).fetchHistory();
  const codecs = dataConverterOf().payloadCodecs ?? [];
  const out: SendMessageInput[] = [];
  for (const e of history.events ?? []) {
    const scheduled = e.activityTaskScheduledEventAttributes;
    if (!['sendEmail', 'sendSms'].includes(scheduled?.activityType?.name ?? '')) continue;
    let payloads = (scheduled!.input?.payloads ?? []) as Payload[];
    for (const codec of [...codecs].reverse()) payloads = await codec.decode(payloads);
    out.push(defaultPayloadConverter.fromPayload<SendMessageInput>(payloads[0]!));
  }
  return out;
}

const amountsAsked = (sends: SendMessageInput[]) => sends.map((s) => s.values.debt.amountDue as number);
const sentSteps = (state: JourneyStateView) => state.sends.filter((s) => s.status === 'sent').map((s) => s.step);

/** Text of the emails the SMTP sink received for these sends, in order. */
async function mailTexts(sends: SendMessageInput[]): Promise<string[]> {
  const out: string[] = [];
  for (const s of sends.filter((x) => x.channel === 'email')) {
    const mail = await eventually(() => {
      const m = rig.smtp.messages().find((x) => x.messageId === emailMessageId(s.key));
      expect(m, s.key).toBeDefined();
      return m!;
    });
    out.push(String((await simpleParser(mail.raw)).text));
  }
  return out;
}

/** Histories recorded by the tests below, replayed at the end. */
const recorded: { name: string; workflowId: string; runId?: string }[] = [];

describe('exit and interrupt rules on Temporal', () => {
  it('a reply during a plain wait: interrupt to the agent webhook at once, no further dunning', async () => {
    const plan = journey('life-reply', '  interrupts: { replied: agent }', DUNNING + AGENT);
    const record = annaOwing('LIFE-REPLY-1', 200);
    const handle = await start(plan, record);
    await env.sleep(3 * DAY);
    await signal(handle.workflowId, 'replied');
    const result = (await handle.result()) as JourneyResult;
    expect(result.outcome).toBe('handedToAgent');
    const state = await handle.query(stateQuery);
    expect(sentSteps(state)).toEqual(['first']);
    expect(state.audit.some((a) => a.message === 'interrupt: replied during pause → agent')).toBe(true);
    const hooks = rig.webhookCalls.filter((c) => (c.body as { debtId?: string }).debtId === record.debtId);
    expect(hooks.map((c) => (c.body as { step: string }).step)).toEqual(['agent']);
    // The history scheduled no other message: the reply ended the dunning.
    expect(await scheduledSends(handle.workflowId)).toHaveLength(1);
    recorded.push({ name: 'interrupt to agent', workflowId: handle.workflowId });
  }, 120_000);
});

describe('money that moves on Temporal', () => {
  it('a 50% payment: later messages ask for the remaining half, no final notice for the full amount', async () => {
    const plan = journey('life-half', '', DUNNING);
    const record = annaOwing('LIFE-HALF-1', 180);
    const handle = await start(plan, record);
    await env.sleep(2 * DAY);
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
