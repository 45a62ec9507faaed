/**
 * One SMS journey end to end on the time-skipping Temporal server: the worker's real sendSms
 * activity sends through the Twilio channel (the SDK) to the local Twilio fake; the fake's
 * signed status callback reaches the real /webhooks/twilio/status route over HTTP, which hands
 * the event to a dispatcher signalling through the env's client; the journey waiting in
 * `waitFor [delivered, bounced]` takes the matching route.
 */
import formbody from '@fastify/formbody';
import type { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyLinkToken } from '../../src/channels/tokens.js';
import { createTwilioSmsChannel } from '../../src/channels/twilio.js';
import { registerTwilioRoutes } from '../../src/server/routes/twilio.js';
import type { SignalDispatcher } from '../../src/server/signals.js';
import { engagementSignal, optInSignal, optOutSignal, stateQuery } from '../../src/workflows/definitions.js';
import type { JourneyInput, JourneyResult } from '../../src/workflows/types.js';
import { exampleRecord, planFromYaml } from '../support/journeys.js';
import { journeyRig, SECRET, type JourneyRig } from '../support/journey-worker.js';
import { createTimeSkippingEnv, quietTemporalRuntime } from '../support/temporal.js';
import { FAKE_NUMBER, startTwilioFake, type TwilioFake } from '../support/twilio-fake.js';
import { eventually } from '../support/wait.js';
import { exit, journeyYaml, send, waitFor } from '../support/journey-yaml.js';

quietTemporalRuntime();

const PUBLIC = 'https://settle.example.test';

const POLICY = `apiVersion: settle/v1
kind: Policy
metadata: { name: always-open }
spec:
  timezoneFallback: UTC
  sendWindow: { days: [mon, tue, wed, thu, fri, sat, sun], from: "00:00", to: "24:00" }
  consent: { sms: required }
`;

const JOURNEY = journeyYaml({
  name: 'sms-status',
  steps: [
    send('text', 'sms', 'overdue-nudge-sms'),
    waitFor('watch', '2d', { delivered: 'got-it', bounced: 'lost', timeout: 'silent' }),
    exit('got-it', 'delivered'),
    exit('lost', 'bounced'),
    exit('silent', 'silent'),
  ],
});

/** Signals a journey through the Temporal client; flush() waits for what is in flight. */
function clientDispatcher(client: Client): SignalDispatcher {
  const pending = new Set<Promise<void>>();
  const errors: unknown[] = [];
  return {
    dispatch(workflowId, s) {
      const handle = client.workflow.getHandle(workflowId);
      const sent =
        s.kind === 'engagement'
          ? handle.signal(engagementSignal, s.signal)
          : handle.signal(s.kind === 'optOut' ? optOutSignal : optInSignal, { channel: s.channel });
      const tracked = sent.catch((e: unknown) => void errors.push(e)).finally(() => pending.delete(tracked));
      pending.add(tracked);
      return 'queued';
    },
    dispatchToContact: () => {
      throw new Error('not used here: contact lookups need visibility, which the time-skipping server lacks');
    },
    depth: () => pending.size,
    async flush() {
      await Promise.all(pending);
      if (errors.length > 0) throw errors[0];
    },
  };
}

let env: TestWorkflowEnvironment;
let rig: JourneyRig;
let running: Promise<void>;
let fake: TwilioFake;
let app: FastifyInstance;
let dispatcher: SignalDispatcher;
let local = '';

beforeAll(async () => {
  env = await createTimeSkippingEnv();
  fake = await startTwilioFake({ route: (url) => url.replace(PUBLIC, local) });
  dispatcher = clientDispatcher(env.client);
  app = Fastify();
  await app.register(formbody);
  registerTwilioRoutes(app, { authToken: fake.authToken, publicUrl: PUBLIC, secret: SECRET, dispatcher });
  local = await app.listen({ host: '127.0.0.1', port: 0 });
  const smsChannel = createTwilioSmsChannel({
    accountSid: fake.accountSid,
    authToken: fake.authToken,
    from: FAKE_NUMBER,
    statusCallbackUrl: `${PUBLIC}/webhooks/twilio/status`,
    secret: SECRET,
    baseUrl: fake.url,
    costPerSegment: { EUR: 0.07 },
  });
  rig = await journeyRig(env, { smsChannel });
  running = rig.worker.run();
}, 120_000);

afterAll(async () => {
  rig?.worker.shutdown();
  await running;
  await rig?.close();
  await app?.close();
  await fake?.close();
  await env?.teardown();
});

/** Starts the journey, waits until its SMS reached the fake and it listens in `watch`. */
async function startAndSend(debtId: string) {
  const plan = planFromYaml(JOURNEY, [{ path: 'policies/always-open.policy.yaml', text: POLICY }]);
  const enrollment = { ...exampleRecord('anna-rossi'), debtId };
  const workflowId = `settle/${debtId}/sms-status`;
  const input: JourneyInput = { plan, enrollment, options: { debtorKey: 'k', contactKeys: [] } };
  const handle = await env.client.workflow.start('journeyWorkflow', {
    workflowId,
    taskQueue: rig.taskQueue,
    args: [input],
  });
  // The callback must come after the send is recorded: waitFor counts events since its send.
  await eventually(async () => expect((await handle.query(stateQuery)).current).toBe('watch'));
  const key = `${workflowId}/text/1`;
  const message = fake.messages().find((m) => keyOf(m.statusCallback) === key);
  expect(message).toMatchObject({ to: enrollment.debtor.phone, status: 'queued' });
  return { handle, key, sid: message!.sid };
}

/** The message key the signed `k` token of a status callback URL names. */
function keyOf(statusCallback: string | undefined): string | undefined {
  const token = statusCallback === undefined ? null : new URL(statusCallback).searchParams.get('k');
  return token === null ? undefined : verifyLinkToken(SECRET, token, 's')?.k;
}

describe('SMS journey on the time-skipping server with Twilio status callbacks', () => {
  it('delivered callback → waitFor routes to `delivered`', async () => {
    const { handle, key, sid } = await startAndSend('SMS-DELIVERED-1');
    expect((await fake.deliver(sid)).map((r) => r.status)).toEqual([204, 204]);
    await dispatcher.flush(); // the signal is in before result() lets time skip
    const result = (await handle.result()) as JourneyResult;
    expect(result.outcome).toBe('delivered');
    const state = await handle.query(stateQuery);
    expect(state.events).toMatchObject([{ type: 'delivered', messageId: key, eventId: `twilio/${sid}/delivered` }]);
  }, 120_000);

  it('undelivered callback with error 30003 → waitFor routes to `bounced`', async () => {
    const { handle, key, sid } = await startAndSend('SMS-BOUNCED-1');
    expect((await fake.status(sid, 'undelivered', 30003)).status).toBe(204);
    await dispatcher.flush();
    const result = (await handle.result()) as JourneyResult;
    expect(result.outcome).toBe('bounced');
    const state = await handle.query(stateQuery);
    expect(state.events).toMatchObject([{ type: 'bounced', messageId: key, data: { errorCode: 30003 } }]);
  }, 120_000);
});
