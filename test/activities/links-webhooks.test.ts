/** createPaymentLink, callWebhook (against a local HTTP server) and recordOutcome. */
import { ApplicationFailure } from '@temporalio/common';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createActivities } from '../../src/activities/index.js';
import { FAILURE, type OutcomeInput, type WebhookInput } from '../../src/workflows/contract.js';
import { createLocalPaymentLinks } from '../../src/channels/payments.js';
import { verifyLinkToken } from '../../src/channels/tokens.js';
import { verifyWebhookSignature } from '../../src/channels/webhook-signature.js';
import { createHttpWebhookCaller } from '../../src/channels/webhooks.js';
import { startReceiver, type WebhookReceiver } from '../channels/webhook-server.js';
import { NOW, PUBLIC_URL, rejection, SECRET, testDeps } from './helpers.js';

const context = {
  key: 'settle/INV-2026-0042/friendly/notify/1',
  workflowId: 'settle/INV-2026-0042/friendly',
  journey: 'friendly',
  version: 3,
  step: 'notify',
  debtId: 'INV-2026-0042',
};

async function failure(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const error = await rejection(promise);
  expect(error).toBeInstanceOf(ApplicationFailure);
  return error as ApplicationFailure;
}

describe('createPaymentLink', () => {
  const payments = createLocalPaymentLinks({ publicUrl: PUBLIC_URL, secret: SECRET, clock: () => NOW });
  const activities = createActivities(testDeps({ payments }));
  const input = { ...context, step: 'remind', source: 'sms' as const, amountDue: 420.5, currency: 'EUR' };

  it('links to the landing page with a signed token naming workflow, step, source and key', async () => {
    const { url } = await activities.createPaymentLink(input);
    const token = /^https:\/\/pay\.example\.test\/p\/([A-Za-z0-9_.-]+)$/.exec(url)?.[1];
    expect(verifyLinkToken(SECRET, token!, 'p')).toEqual({
      p: 'p',
      w: context.workflowId,
      s: 'remind',
      c: 'sms',
      k: context.key,
      v: String(context.version),
      j: context.journey,
      iat: NOW / 1000,
    });
    expect(verifyLinkToken(SECRET, token!, 'u')).toBeUndefined();
    // Inside a split the link names the variant too (the metric label of the visit and the payment).
    const inSplit = await activities.createPaymentLink({ ...input, variant: 'loss-aversion' });
    const split = /\/p\/([A-Za-z0-9_.-]+)$/.exec(inSplit.url)?.[1];
    expect(verifyLinkToken(SECRET, split!, 'p')).toMatchObject({ v: String(context.version), a: 'loss-aversion' });
  });

  it('refuses a non-positive amount or a bad currency', async () => {
    for (const bad of [{ amountDue: 0 }, { amountDue: Number.NaN }, { currency: 'euro' }]) {
      const error = await failure(activities.createPaymentLink({ ...input, ...bad }));
      expect(error).toMatchObject({ type: FAILURE.invalidInput, nonRetryable: true });
    }
  });
});

describe('callWebhook', () => {
  let receiver: WebhookReceiver;
  beforeEach(async () => {
    receiver = await startReceiver();
  });
  afterEach(async () => {
    await receiver.close();
  });

  const signingSecret = 'hook-secret-'.padEnd(40, '9');
  const activitiesWith = (env: Record<string, string | undefined> = {}) =>
    createActivities(testDeps({ webhooks: createHttpWebhookCaller({ signingSecret }), env }));
  const input = (url: WebhookInput['url']): WebhookInput => ({ ...context, url, payload: { event: 'handover' } });

  it('resolves env:NAME from the injected environment and signs the body', async () => {
    const activities = activitiesWith({ CRM_WEBHOOK_URL: `${receiver.url}/crm` });
    expect(await activities.callWebhook(input({ env: 'CRM_WEBHOOK_URL' }))).toEqual({ status: 200 });
    const [got] = receiver.requests;
    expect(got).toMatchObject({ path: '/crm', body: '{"event":"handover"}' });
    expect(got!.headers['idempotency-key']).toBe(context.key);
    expect(verifyWebhookSignature(signingSecret, got!.headers['settle-signature'] as string, got!.body)).toBe(true);
  });

  it('names the missing variable and the fix', async () => {
    const error = await failure(activitiesWith({ OTHER: 'x' }).callWebhook(input({ env: 'CRM_WEBHOOK_URL' })));
    expect(error).toMatchObject({ type: FAILURE.invalidInput, nonRetryable: true });
    expect(error.message).toContain('environment variable CRM_WEBHOOK_URL is not set');
    expect(receiver.requests).toEqual([]);
  });

  it('refuses a URL that is not http(s)', async () => {
    for (const url of ['not a url', 'ftp://example.com/x']) {
      const error = await failure(activitiesWith({ HOOK: url }).callWebhook(input({ env: 'HOOK' })));
      expect(error).toMatchObject({ type: FAILURE.invalidInput, nonRetryable: true });
      expect(error.message).toContain('HOOK');
    }
  });

  it('fails a 4xx for good and retries a 5xx', async () => {
    const activities = activitiesWith();
    receiver.respond = () => 422;
    const refused = await failure(activities.callWebhook(input({ literal: `${receiver.url}/crm` })));
    expect(refused).toMatchObject({ type: 'WebhookFailed', nonRetryable: true, details: [{ status: 422 }] });
    receiver.respond = () => 502;
    const flaky = await failure(activities.callWebhook(input({ literal: `${receiver.url}/crm` })));
    expect(flaky).toMatchObject({ type: 'WebhookFailed', nonRetryable: false, details: [{ status: 502 }] });
  });
});

describe('recordOutcome', () => {
  const outcome: OutcomeInput = {
    workflowId: context.workflowId,
    journey: 'friendly',
    version: 3,
    debtId: context.debtId,
    outcome: 'paid',
    amountDue: 420.5,
    currency: 'EUR',
    startedAt: NOW - 86_400_000,
    endedAt: NOW,
  };

  it('hands the outcome to the sink', async () => {
    const recorded: OutcomeInput[] = [];
    const activities = createActivities(testDeps({ outcomes: { record: (o) => void recorded.push(o) } }));
    await activities.recordOutcome(outcome);
    expect(recorded).toEqual([outcome]);
  });

  it('is a no-op without a sink', async () => {
    await expect(createActivities(testDeps()).recordOutcome(outcome)).resolves.toBeUndefined();
  });
});
