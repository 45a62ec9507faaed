/**
 * A worker for bench/support/hand-written.ts with the same real activities as journeyRig (test/
 * support/journey-worker.ts), wired to the rig's own SMTP sink, SMS sink and webhook receiver.
 */
import { fileURLToPath } from 'node:url';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { createActivities } from '../../src/activities/index.js';
import { createHttpWebhookCaller, createLocalPaymentLinks, createSmtpEmailChannel } from '../../src/channels/index.js';
import { createRenderer } from '../../src/templates/index.js';
import { SECRET, type JourneyRig } from '../../test/support/journey-worker.js';
import { temporalStores } from '../../src/temporal/stores.js';

const quiet = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: (m: string) => console.error(m),
};

export async function handWrittenWorker(
  env: TestWorkflowEnvironment,
  rig: JourneyRig,
): Promise<{ worker: Worker; taskQueue: string; close(): void }> {
  const email = createSmtpEmailChannel({ url: rig.smtp.url });
  const activities = createActivities({
    stores: temporalStores(),
    email,
    sms: rig.sms,
    payments: createLocalPaymentLinks({ publicUrl: 'https://pay.example.test', secret: SECRET }),
    webhooks: createHttpWebhookCaller({ signingSecret: SECRET }),
    renderer: createRenderer(),
    from: 'Settle <collections@example.test>',
    env: { ESCALATION_URL: rig.webhookUrl },
    publicUrl: 'https://pay.example.test',
    secret: SECRET,
    outcomes: { record: (o) => void rig.outcomes.push(o) },
  });
  const taskQueue = `hand-written-${Math.random().toString(36).slice(2)}`;
  const workflowBundle = await bundleWorkflowCode({
    workflowsPath: fileURLToPath(new URL('./hand-written.ts', import.meta.url)),
    logger: quiet,
  });
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle, activities });
  return { worker, taskQueue, close: () => email.close() };
}
