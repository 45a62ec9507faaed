import { createServer, type Server } from 'node:http';
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll } from 'vitest';
import { createActivities } from '../../src/activities/index.js';
import type { ContactRuleLabels } from '../../src/activities/deps.js';
import type { OutcomeInput } from '../../src/workflows/contract.js';
import {
  createHttpWebhookCaller,
  createLocalPaymentLinks,
  createSmtpEmailChannel,
  LocalSmsSink,
  type SmsChannel,
} from '../../src/channels/index.js';
import { startSmtpSink, type SmtpSink } from '../../src/dev/smtp-sink.js';
import type { EnrollmentData, JourneyPlan } from '../../src/ir/index.js';
import { createRenderer } from '../../src/templates/index.js';
import type { JourneyInput } from '../../src/workflows/types.js';
import { workflowBundle } from '../../src/temporal/journey-worker.js';
import { dataConverterOf, SECRET } from './codec.js';
import { createDevServerEnv, createTimeSkippingEnv } from './temporal.js';
import { temporalStores } from '../../src/temporal/stores.js';

export { SECRET } from './codec.js';

export interface JourneyRig {
  worker: Worker;
  taskQueue: string;
  smtp: SmtpSink;
  sms: LocalSmsSink;
  webhookCalls: { path: string; body: unknown }[];
  outcomes: OutcomeInput[];
  /** Contact-rule decisions the activities counted (what the metrics sink receives). */
  contactRules: { kind: 'deferred' | 'blocked'; labels: ContactRuleLabels }[];
  webhookUrl: string;
  close(): Promise<void>;
}

/** A worker with the real activities: a real SMTP server, the local SMS sink and a local webhook receiver. */
export async function journeyRig(
  env: TestWorkflowEnvironment,
  opts: {
    rejectEmail?: (rcpt: string) => { code: number; message: string } | undefined;
    /** Send SMS through this channel (e.g. Twilio to a local fake) instead of the local sink. */
    smsChannel?: SmsChannel;
    /** SETTLE_PUBLIC_URL of the links in messages (default https://pay.example.test). */
    publicUrl?: string;
  } = {},
): Promise<JourneyRig> {
  const publicUrl = opts.publicUrl ?? 'https://pay.example.test';
  const smtp = await startSmtpSink({ ...(opts.rejectEmail && { reject: opts.rejectEmail }) });
  const sms = new LocalSmsSink();
  const webhookCalls: { path: string; body: unknown }[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      webhookCalls.push({ path: req.url ?? '/', body: JSON.parse(body || 'null') });
      res.writeHead(202).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  const webhookUrl = `http://127.0.0.1:${port}/escalations`;
  const outcomes: OutcomeInput[] = [];
  const contactRules: JourneyRig['contactRules'] = [];
  const email = createSmtpEmailChannel({ url: smtp.url });
  const activities = createActivities({
    stores: temporalStores(),
    email,
    sms: opts.smsChannel ?? sms,
    payments: createLocalPaymentLinks({ publicUrl, secret: SECRET }),
    webhooks: createHttpWebhookCaller({ signingSecret: SECRET }),
    renderer: createRenderer(),
    from: 'Settle <collections@example.test>',
    env: { ESCALATION_URL: webhookUrl },
    publicUrl,
    secret: SECRET,
    outcomes: { record: (o) => void outcomes.push(o) },
    contactRules: {
      deferred: (labels) => void contactRules.push({ kind: 'deferred', labels }),
      blocked: (labels) => void contactRules.push({ kind: 'blocked', labels }),
    },
  });
  const taskQueue = `journeys-${Math.random().toString(36).slice(2)}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities,
    dataConverter: dataConverterOf(SECRET),
  });
  return {
    worker,
    taskQueue,
    smtp,
    sms,
    webhookCalls,
    outcomes,
    contactRules,
    webhookUrl,
    close: async () => {
      email.close();
      await smtp.close();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

export type TemporalServerKind = 'time-skipping' | 'dev';

export type JourneyRigOptions = NonNullable<Parameters<typeof journeyRig>[1]>;

function createEnv(server: TemporalServerKind): Promise<TestWorkflowEnvironment> {
  return server === 'dev' ? createDevServerEnv() : createTimeSkippingEnv();
}

/**
 * A Temporal server for one test file (the time-skipping test server, or the dev server for
 * visibility queries): set up before its tests, torn down after. Read `env` inside tests.
 */
export function useTemporalEnv(server: TemporalServerKind = 'time-skipping'): { env: TestWorkflowEnvironment } {
  const t = {} as { env: TestWorkflowEnvironment };
  beforeAll(async () => {
    t.env = await createEnv(server);
  }, 120_000);
  afterAll(async () => t.env?.teardown());
  return t;
}

/**
 * A Temporal server and a running journeyRig for one test file: set up before its tests, torn
 * down after. Read `env` and `rig` inside tests (they are set by then). `opts` may be a function,
 * called once the file's earlier beforeAll hooks have run (e.g. for a channel they start).
 */
export function useJourneyRig(
  opts: JourneyRigOptions | (() => JourneyRigOptions) = {},
  server: TemporalServerKind = 'time-skipping',
): { env: TestWorkflowEnvironment; rig: JourneyRig } {
  const t = {} as { env: TestWorkflowEnvironment; rig: JourneyRig };
  let running: Promise<void> | undefined;
  beforeAll(async () => {
    t.env = await createEnv(server);
    t.rig = await journeyRig(t.env, typeof opts === 'function' ? opts() : opts);
    running = t.rig.worker.run();
  }, 120_000);
  afterAll(async () => {
    t.rig?.worker.shutdown();
    await running;
    await t.rig?.close();
    await t.env?.teardown();
  });
  return t;
}

/** useJourneyRig on the time-skipping server. */
export function useTimeSkippingRig(opts: JourneyRigOptions = {}): { env: TestWorkflowEnvironment; rig: JourneyRig } {
  return useJourneyRig(opts);
}

/** Starts a journey of `plan` by value as workflow `workflowId` on the rig's task queue (no enrollment checks). */
export function startOnRig(
  t: { env: TestWorkflowEnvironment; rig: JourneyRig },
  workflowId: string,
  plan: JourneyPlan,
  enrollment: EnrollmentData,
  options: JourneyInput['options'],
): Promise<WorkflowHandle> {
  const input: JourneyInput = { plan, enrollment, options };
  return t.env.client.workflow.start('journeyWorkflow', { workflowId, taskQueue: t.rig.taskQueue, args: [input] });
}
