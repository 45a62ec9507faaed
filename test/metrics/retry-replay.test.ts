/**
 * Retries and replays do not count twice, on a real Temporal: the SMTP relay refuses the first
 * attempt of one email (451, a soft bounce, retried), another email is sent but its activity fails
 * after sending (the retry resends the same Message-ID), and the worker keeps no workflow in its
 * cache (maxCachedWorkflows: 0), so every workflow task replays the whole history; then a second
 * worker takes over and replays again. The worker's counters equal the business events.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { ApplicationFailure } from '@temporalio/common';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../src/activities/index.js';
import type { Activities } from '../../src/workflows/contract.js';
import {
  createHttpWebhookCaller,
  createLocalPaymentLinks,
  createSmtpEmailChannel,
  LocalSmsSink,
} from '../../src/channels/index.js';
import { startSmtpSink, type SmtpSink } from '../../src/dev/smtp-sink.js';
import { startJourney } from '../../src/enrollment/start.js';
import {
  contactRuleMetrics,
  createProcessMetrics,
  instrumentActivities,
  type ProcessMetrics,
} from '../../src/metrics/index.js';
import { createRenderer } from '../../src/templates/index.js';
import { workflowIdFor } from '../../src/ids/workflow-ids.js';
import { workflowBundle } from '../../src/temporal/journey-worker.js';
import { engagementSignal } from '../../src/workflows/definitions.js';
import type { JourneyResult } from '../../src/workflows/types.js';
import { SECRET } from '../support/journey-worker.js';
import { ALWAYS_OPEN_POLICY, exampleRecord, planFromYaml } from '../support/journeys.js';
import { createDevServerEnv, quietTemporalRuntime } from '../support/temporal.js';
import { eventually } from '../support/wait.js';
import { exit, journeyYaml, send, waitFor } from '../support/journey-yaml.js';
import { temporalStores } from '../../src/temporal/stores.js';

quietTemporalRuntime();

const JOURNEY = 'retried-reminder';
const RETRY = { maxAttempts: 5, initialInterval: '1s', backoff: 1 };
const YAML = journeyYaml({
  name: JOURNEY,
  goal: 'paid',
  steps: [
    send('first-email', 'email', 'overdue-friendly', { retry: RETRY }),
    send('nudge-sms', 'sms', 'overdue-nudge-sms'),
    send('second-email', 'email', 'final-friendly-reminder', { retry: RETRY }),
    waitFor('watch', '30d', { replied: 'done', timeout: 'done' }),
    exit('done', 'handedToAgent'),
  ],
});

let env: TestWorkflowEnvironment;
let smtp: SmtpSink;
let metrics: ProcessMetrics;
let activities: Activities;
let sms: LocalSmsSink;
const closeEmail: (() => void)[] = [];
const refusedOnce = new Set<string>();
let throwAfterSend = true;
const taskQueue = `retry-${Math.random().toString(36).slice(2)}`;

beforeAll(async () => {
  env = await createDevServerEnv();
  // The relay refuses the first RCPT TO of each address with 451 (a soft bounce), then accepts.
  smtp = await startSmtpSink({
    reject: (rcpt) => {
      if (refusedOnce.has(rcpt)) return undefined;
      refusedOnce.add(rcpt);
      return { code: 451, message: '4.2.0 try again later' };
    },
  });
  metrics = createProcessMetrics();
  sms = new LocalSmsSink({ costPerSegment: { amount: 0.07, currency: 'EUR' } });
  const email = createSmtpEmailChannel({ url: smtp.url });
  closeEmail.push(() => email.close());
  const real = createActivities({
    stores: temporalStores(),
    email,
    sms,
    payments: createLocalPaymentLinks({ publicUrl: 'https://pay.example.test', secret: SECRET }),
    webhooks: createHttpWebhookCaller({ signingSecret: SECRET }),
    renderer: createRenderer(),
    from: 'Settle <collections@example.test>',
    env: {},
    publicUrl: 'https://pay.example.test',
    secret: SECRET,
    contactRules: contactRuleMetrics(metrics.metrics),
  });
  // The second email is sent, then its activity fails (a crash before it reported): retried.
  const inner: Activities = {
    ...real,
    sendEmail: async (input) => {
      const r = await real.sendEmail(input);
      if (input.step === 'second-email' && throwAfterSend) {
        throwAfterSend = false;
        throw ApplicationFailure.retryable('lost the answer after sending', 'Unavailable');
      }
      return r;
    },
  };
  activities = instrumentActivities(inner, metrics.metrics);
}, 60_000);

afterAll(async () => {
  for (const c of closeEmail) c();
  await smtp?.close();
  await env?.teardown();
});

async function uncachedWorker(): Promise<Worker> {
  return Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities,
    maxCachedWorkflows: 0,
  });
}

const value = (text: string, series: string) => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
};

describe('retries and replays on a real Temporal', () => {
  it('count each send, bounce and outcome once', async () => {
    const plan = planFromYaml(YAML, [ALWAYS_OPEN_POLICY]);
    const ids = ['RETRY-1', 'RETRY-2'];
    const first = await uncachedWorker();
    const run1 = first.run();
    for (const [i, debtId] of ids.entries()) {
      const r = exampleRecord('anna-rossi');
      await startJourney(env.client, {
        taskQueue,
        plan,
        secret: SECRET,
        nowMs: Date.now(),
        record: {
          ...r,
          debtId,
          debtor: { ...r.debtor, id: `C-${debtId}`, email: `retry${i}@example.com`, phone: `+3361234000${i}` },
        },
      });
    }
    const wf = (id: string) => workflowIdFor(id);
    // Both journeys have sent everything and wait; each email was refused once, one resent after a crash.
    await eventually(
      () => expect(smtp.messages().filter((m) => /retry\d@example\.com/.test(String(m.to))).length).toBe(5),
      { timeoutMs: 60_000 },
    );
    expect(throwAfterSend).toBe(false);
    first.shutdown();
    await run1;

    // Another uncached worker replays both histories from the start, then ends the journeys.
    const second = await uncachedWorker();
    const run2 = second.run();
    for (const id of ids) {
      await env.client.workflow
        .getHandle(wf(id))
        .signal(engagementSignal, { eventId: `reply-${id}`, type: 'replied', at: new Date().toISOString() });
    }
    for (const id of ids) {
      expect(((await env.client.workflow.getHandle(wf(id)).result()) as JourneyResult).outcome).toBe('handedToAgent');
    }
    second.shutdown();
    await run2;

    const text = await metrics.text();
    const j = `journey="${JOURNEY}"`;
    const sent = (step: string, channel: string) =>
      value(
        text,
        `settle_messages_sent_total{${j},version="1",step="${step}",channel="${channel}",variant="none",segment="none"}`,
      );
    // Business events: per journey one first email, one SMS, one second email; the relay refused
    // two first attempts (of the first emails: one per address), and nothing failed for good.
    expect(sent('first-email', 'email')).toBe(2);
    expect(sent('nudge-sms', 'sms')).toBe(2);
    expect(sent('second-email', 'email')).toBe(2);
    const message = (step: string) => `${j},version="1",step="${step}",channel="email",variant="none"`;
    expect(value(text, `settle_messages_delivered_total{${message('first-email')}}`)).toBe(2);
    expect(value(text, `settle_messages_delivered_total{${message('second-email')}}`)).toBe(2);
    expect(value(text, `settle_messages_bounced_total{${message('first-email')},kind="soft"}`)).toBe(2);
    expect(text).not.toContain('settle_messages_failed_total{');
    expect(
      value(
        text,
        `settle_message_cost_total{${j},version="1",segment="none",variant="none",channel="sms",currency="EUR"}`,
      ),
    ).toBeCloseTo(
      sms.messages().reduce((sum, m) => sum + m.segments * 0.07, 0),
      9,
    );
    expect(sms.messages()).toHaveLength(2);
    expect(
      value(
        text,
        `settle_journeys_completed_total{${j},version="1",segment="none",variant="none",outcome="handedToAgent"}`,
      ),
    ).toBe(2);
    // Each journey counted its start once (the journeyStarted activity), replays on uncached workers included.
    expect(value(text, `settle_journeys_started_total{${j},version="1",segment="none"}`)).toBe(2);
  }, 180_000);
});
