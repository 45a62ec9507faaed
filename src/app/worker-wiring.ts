/**
 * Builds the activities from the typed configuration: SMTP for email, the SMS channel (Twilio
 * when TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM are set, the local sink otherwise),
 * payment links and webhooks.
 */
import { join } from 'node:path';
import { createActivities, type OutcomeSink } from '../activities/index.js';
import type { ActivityLog, ContactRuleSink } from '../activities/deps.js';
import type { Activities } from '../workflows/contract.js';
import {
  createHttpWebhookCaller,
  createLocalPaymentLinks,
  createSmtpEmailChannel,
  LocalSmsSink,
  type SmsChannel,
} from '../channels/index.js';
import { createTwilioSmsChannel } from '../channels/twilio.js';
import { ConfigError, requireSecret, type Config } from '../config/env.js';
import { temporalStores } from '../temporal/stores.js';
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
  /** Where contact-rule decisions are counted (contactRuleMetrics of src/metrics). */
  contactRules?: ContactRuleSink;
  env?: Record<string, string | undefined>;
  /** Aborted when the worker starts stopping (see ActivityDeps.stopping). */
  stopping?: AbortSignal;
  /** The activities' own lines (email sent, webhook failed…): the process logger (src/log activityLog). */
  log?: ActivityLog;
}

export function activitiesFromConfig(config: Config, wiring: ActivityWiring = {}): WorkerChannels {
  const secret = requireSecret(config);
  if (!config.smtp.url) {
    throw new ConfigError([
      'SMTP_URL is not set: the worker sends email through it — e.g. smtp://user:pass@smtp.example.com:587 (`settle dev` starts a local one)',
    ]);
  }
  const notes: string[] = [];
  const twilioSms = wiring.sms ? undefined : twilioFromConfig(config, secret);
  if (twilioSms)
    notes.push(
      'SMS go through Twilio; its status callbacks and inbound texts reach /webhooks/twilio/* on SETTLE_PUBLIC_URL',
    );
  const email = createSmtpEmailChannel({ url: config.smtp.url });
  let sms = wiring.sms ?? twilioSms;
  if (!sms) {
    const dir = wiring.outboxDir ?? join('.settle', 'outbox');
    const price = config.twilio.pricePerSegment;
    sms = new LocalSmsSink({ outboxDir: dir, ...(price && { costPerSegment: price }) });
    notes.push(`SMS go to ${join(dir, 'sms.jsonl')} (no SMS provider configured)`);
  }
  const activities = createActivities({
    stores: temporalStores(),
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
    ...(wiring.contactRules && { contactRules: wiring.contactRules }),
    ...(wiring.stopping && { stopping: wiring.stopping }),
    ...(wiring.log && { log: wiring.log }),
  });
  return {
    activities,
    notes,
    close: async () => {
      email.close();
    },
  };
}

/**
 * The Twilio channel when all three variables are set; none when none is; a ConfigError in between.
 * `baseUrl` sends the API calls elsewhere (tests: a local fake behind a contract-checking proxy).
 */
export function twilioFromConfig(config: Config, secret: string, baseUrl?: string): SmsChannel | undefined {
  const { accountSid, authToken, from, pricePerSegment } = config.twilio;
  const given = { TWILIO_ACCOUNT_SID: accountSid, TWILIO_AUTH_TOKEN: authToken, TWILIO_FROM: from };
  const missing = Object.entries(given)
    .filter(([, v]) => v === undefined)
    .map(([k]) => k);
  if (missing.length === 3) return undefined;
  if (missing.length > 0) {
    throw new ConfigError([
      `${missing.join(' and ')} not set: Twilio needs TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM together (unset all three to use the local SMS sink)`,
    ]);
  }
  return createTwilioSmsChannel({
    accountSid: accountSid!,
    authToken: authToken!,
    from: from!,
    secret,
    statusCallbackUrl: `${config.publicUrl.replace(/\/+$/, '')}/webhooks/twilio/status`,
    ...(baseUrl !== undefined && { baseUrl }),
    ...(pricePerSegment && {
      costPerSegment:
        pricePerSegment.currency === undefined
          ? pricePerSegment.amount
          : { [pricePerSegment.currency]: pricePerSegment.amount },
    }),
  });
}
