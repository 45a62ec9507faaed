/**
 * `settle render … --send-to ADDRESS|PHONE`: a test send for reviewers. The message goes out through
 * the worker's own send activity (src/activities/send-email.ts, send-sms.ts) and channel adapters,
 * built from the same environment (SMTP_URL and SMTP_FROM; TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and
 * TWILIO_FROM; SETTLE_SECRET and SETTLE_PUBLIC_URL), so it arrives as a debtor would get it: the same
 * rendering, Message-ID scheme, unsubscribe headers, click redirects and open pixel. Two
 * differences: every link is a real signed link carrying the test marker (TEST_LINK, which the
 * server answers without recording anything), and an email's subject starts with "[TEST] ". The
 * message belongs to no journey (`settle-test/<uuid>`), no contact policy applies, and nothing
 * personal is printed: the recipient is masked.
 *
 * Loaded only when --send-to is given: `settle render` alone must not load Twilio (lazy-load test).
 */
import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { createSendEmail } from '../../activities/send-email.js';
import { createSendSms, E164 } from '../../activities/send-sms.js';
import type { SendDeps } from '../../activities/deps.js';
import { FAILURE, type FullSendInput, type SendMessageResult } from '../../workflows/contract.js';
import { createSmtpEmailChannel } from '../../channels/email.js';
import { createLocalPaymentLinks } from '../../channels/payments.js';
import { ConfigError, loadConfig, requireSecret, type Config } from '../../config/env.js';
import type { EnrollmentData, PlanTemplate } from '../../ir/index.js';
import { twilioFromConfig } from '../../app/worker-wiring.js';
import { createRenderer } from '../../templates/index.js';
import { CliError, EXIT, UsageError } from '../io.js';

/** One bare address, as the email activity accepts it (no list, no display name). */
const EMAIL = /^[^\s@<>,;:"()[\]\\]+@[^\s@<>,;:"()[\]\\]+$/;

/** The step name of a test send (in error messages and the link claims). */
export const TEST_STEP = 'test-send';

export interface TestSendWiring {
  /** Sends Twilio's API calls to this origin (a local fake or a contract-checking proxy), as in tests. */
  twilioBaseUrl?: string;
}

export interface TestSendRequest {
  template: PlanTemplate;
  /** The record as `settle render` shows it (after --paid and --plan). */
  record: EnrollmentData;
  /** --locale, when given: the debtor's locale for this send. */
  locale?: string | undefined;
  to: string;
  vars: Record<string, string | undefined>;
  nowMs: number;
  wiring?: TestSendWiring;
}

export interface TestSendResult {
  channel: 'email' | 'sms';
  /** The email's Message-ID, or the Twilio message SID. */
  messageId: string;
  providerId?: string;
  locale: string;
  /** The recipient, masked (never printed whole). */
  to: string;
  segments?: number;
}

/** `m***@example.com`, `+44*******123`: enough to recognise one's own inbox, not to copy it. */
export function maskRecipient(to: string): string {
  const at = to.lastIndexOf('@');
  if (at > 0) return `${to[0]}***${to.slice(at)}`;
  if (to.length <= 6) return '*'.repeat(to.length);
  return `${to.slice(0, 3)}${'*'.repeat(to.length - 6)}${to.slice(-3)}`;
}

/** A usage error unless `to` is an address of the template's channel. */
export function checkRecipient(to: string, template: PlanTemplate): void {
  const name = template.name;
  if (template.channel === 'email' && !EMAIL.test(to)) {
    const got = E164.test(to) ? 'a phone number' : 'something else';
    throw new UsageError(
      `template ${name} is an email template: --send-to takes one email address, e.g. review@example.com (got ${got})`,
    );
  }
  if (template.channel === 'sms' && !E164.test(to)) {
    const got = to.includes('@') ? 'an email address' : 'a number not in E.164 form';
    throw new UsageError(
      `template ${name} is an SMS template: --send-to takes a phone number in E.164 form, with + and the country code, e.g. +447700900123 (got ${got})`,
    );
  }
}

function smtpChannel(config: Config) {
  if (!config.smtp.url) {
    throw new ConfigError([
      'SMTP_URL is not set: a test email goes through the SMTP server the worker uses — e.g. smtp://user:pass@smtp.example.com:587 (SMTP_FROM sets the sender)',
    ]);
  }
  return createSmtpEmailChannel({ url: config.smtp.url });
}

function twilioChannel(config: Config, secret: string, wiring: TestSendWiring) {
  const sms = twilioFromConfig(config, secret, wiring.twilioBaseUrl);
  if (!sms) {
    throw new ConfigError([
      'TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM are not set: a test SMS goes through Twilio, as the worker sends it — set all three',
    ]);
  }
  return sms;
}

/** An activity failure as the CLI reports it: 3 when the provider could not be reached, else 1. */
function failed(error: unknown): never {
  if (error instanceof ApplicationFailure) {
    const unavailable = error.type === FAILURE.channelUnavailable || error.type === FAILURE.softBounce;
    throw new CliError(`test send failed: ${error.message}`, unavailable ? EXIT.unavailable : EXIT.invalid);
  }
  throw error;
}

/** Sends the template to `to` as a debtor would get it, with test links; resolves with what was sent. */
export async function sendTestMessage(request: TestSendRequest): Promise<TestSendResult> {
  const { template, to, nowMs } = request;
  checkRecipient(to, template);
  const config = loadConfig(request.vars);
  const secret = requireSecret(config);
  const channel = template.channel;
  const workflowId = `settle-test/${randomUUID()}`;
  const key = `${workflowId}/${TEST_STEP}/1`;
  const clock = () => nowMs;
  const debtor: Record<string, unknown> = {
    ...request.record.debtor,
    [channel === 'email' ? 'email' : 'phone']: to,
    ...(request.locale !== undefined && { locale: request.locale }),
  };
  const enrollment = { ...request.record, debtor } as EnrollmentData;
  const { url: payUrl } = await createLocalPaymentLinks({
    publicUrl: config.publicUrl,
    secret,
    clock,
    test: true,
  }).create({
    key,
    workflowId,
    step: TEST_STEP,
    source: channel,
    amountDue: enrollment.debt.amountDue,
    currency: enrollment.debt.currency,
  });
  const input: FullSendInput = {
    key,
    workflowId,
    journey: 'settle-test',
    version: 0,
    step: TEST_STEP,
    debtId: 'test',
    channel,
    template,
    enrollment,
    payUrl,
    nowMs,
  };
  const common = {
    renderer: createRenderer(),
    from: config.smtp.from,
    publicUrl: config.publicUrl,
    secret,
    clock,
    test: true,
  };
  let result: SendMessageResult;
  if (channel === 'email') {
    const email = smtpChannel(config);
    const deps: SendDeps<'email'> = { ...common, email };
    try {
      result = await createSendEmail(deps)(input).catch(failed);
    } finally {
      email.close();
    }
  } else {
    const deps: SendDeps<'sms'> = { ...common, sms: twilioChannel(config, secret, request.wiring ?? {}) };
    result = await createSendSms(deps)(input).catch(failed);
  }
  return {
    channel,
    messageId: result.messageId,
    ...(result.providerId !== undefined && { providerId: result.providerId }),
    locale: result.locale,
    to: maskRecipient(to),
    ...(result.segments !== undefined && { segments: result.segments }),
  };
}
