/**
 * Builds the activities from the typed configuration: SMTP for email, the SMS channel, payment
 * links and webhooks. The channels issue swaps in Twilio and Stripe behind the same interfaces.
 */
import { join } from 'node:path';
import { createActivities, type OutcomeSink } from '../activities/index.js';
import type { Activities } from '../activities/types.js';
import {
  createHttpWebhookCaller,
  createLocalPaymentLinks,
  createSmtpEmailChannel,
  LocalSmsSink,
  type SmsChannel,
} from '../channels/index.js';
import { ConfigError, requireSecret, type Config } from '../config/env.js';
import { createRenderer } from '../templates/index.js';

export interface WorkerChannels {
  activities: Activities;
  close(): Promise<void>;
  notes: string[];
}

export interface ActivityWiring {
  /** Where local sinks write (`.settle/outbox` by default). */
  outboxDir?: string;
  sms?: SmsChannel;
  outcomes?: OutcomeSink;
  env?: Record<string, string | undefined>;
}

export function activitiesFromConfig(config: Config, wiring: ActivityWiring = {}): WorkerChannels {
  const secret = requireSecret(config);
  if (!config.smtp.url) {
    throw new ConfigError(['SMTP_URL is not set: the worker sends email through it — e.g. smtp://user:pass@smtp.example.com:587 (`settle dev` starts a local one)']);
  }
  const notes: string[] = [];
  const email = createSmtpEmailChannel({ url: config.smtp.url });
  let sms = wiring.sms;
  if (!sms) {
    const dir = wiring.outboxDir ?? join('.settle', 'outbox');
    sms = new LocalSmsSink({ outboxDir: dir });
    notes.push(`SMS go to ${join(dir, 'sms.jsonl')} (no SMS provider configured)`);
  }
  const activities = createActivities({
    email,
    sms,
    payments: createLocalPaymentLinks({ publicUrl: config.publicUrl, secret }),
    webhooks: createHttpWebhookCaller({ signingSecret: secret }),
    renderer: createRenderer(),
    from: config.smtp.from,
    env: wiring.env ?? { ...process.env },
    publicUrl: config.publicUrl,
    secret,
    ...(wiring.outcomes && { outcomes: wiring.outcomes }),
  });
  return {
    activities,
    notes,
    close: async () => {
      email.close();
    },
  };
}
