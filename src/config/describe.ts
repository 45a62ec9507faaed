/**
 * The effective configuration as `settle config check` prints it: every variable the code reads,
 * its value (or the default in force) and secrets masked — a secret shows only that it is set and
 * its length, a URL only without its password.
 */
import type { Config } from './env.js';
import { opt, type Env } from './parse.js';

export interface ConfigLine {
  name: string;
  value: string;
  /** The variable is unset (or blank) and the value is the default. */
  defaulted: boolean;
  secret: boolean;
}

type Value = string | number | undefined;

const hp = (a: { host: string; port: number }) =>
  a.host.includes(':') ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`;

/** Every variable the code reads (docs/operations.md), in the order of `.env.example`. */
export const VARIABLES: { name: string; secret?: boolean; get: (c: Config) => Value }[] = [
  { name: 'TEMPORAL_ADDRESS', get: (c) => c.temporal.address },
  { name: 'TEMPORAL_NAMESPACE', get: (c) => c.temporal.namespace },
  { name: 'TEMPORAL_TASK_QUEUE', get: (c) => c.temporal.taskQueue },
  { name: 'TEMPORAL_API_KEY', secret: true, get: (c) => c.temporal.apiKey },
  { name: 'TEMPORAL_TLS', get: (c) => (c.temporal.tls || c.temporal.apiKey ? 'true' : 'false') },
  { name: 'TEMPORAL_TLS_CERT', get: (c) => c.temporal.tls?.cert },
  { name: 'TEMPORAL_TLS_KEY', get: (c) => c.temporal.tls?.key },
  { name: 'TEMPORAL_TLS_CA', get: (c) => c.temporal.tls?.ca },
  { name: 'SMTP_URL', get: (c) => c.smtp.url && withoutPassword(c.smtp.url) },
  { name: 'SMTP_FROM', get: (c) => c.smtp.from },
  { name: 'TWILIO_ACCOUNT_SID', get: (c) => c.twilio.accountSid },
  { name: 'TWILIO_AUTH_TOKEN', secret: true, get: (c) => c.twilio.authToken },
  { name: 'TWILIO_FROM', get: (c) => c.twilio.from },
  {
    name: 'TWILIO_PRICE_PER_SEGMENT',
    get: (c) =>
      c.twilio.pricePerSegment &&
      `${c.twilio.pricePerSegment.amount}${c.twilio.pricePerSegment.currency ? ` ${c.twilio.pricePerSegment.currency}` : ''}`,
  },
  { name: 'STRIPE_SECRET_KEY', secret: true, get: (c) => c.stripe.secretKey },
  { name: 'STRIPE_WEBHOOK_SECRET', secret: true, get: (c) => c.stripe.webhookSecret },
  { name: 'SETTLE_SECRET', secret: true, get: (c) => c.secret },
  {
    name: 'SETTLE_PAYLOAD_ENCRYPTION',
    get: (c) => (!c.payloadEncryption ? 'off' : c.temporal.encryptionReadOnly ? 'read-only' : 'on'),
  },
  // Key ids only (the keys stay hidden); the first one encrypts.
  { name: 'SETTLE_ENCRYPTION_KEYS', get: (c) => c.temporal.encryptionKeys?.map((k) => `${k.id}:…`).join(',') },
  { name: 'SETTLE_CODEC_TOKEN', secret: true, get: (c) => c.codec?.token },
  { name: 'SETTLE_CODEC_ORIGINS', get: (c) => c.codec?.origins.join(',') },
  { name: 'SETTLE_PUBLIC_URL', get: (c) => c.publicUrl },
  { name: 'SETTLE_HTTP_ADDR', get: (c) => hp(c.httpAddr) },
  { name: 'SETTLE_WORKER_METRICS_ADDR', get: (c) => hp(c.workerMetricsAddr) },
  { name: 'TEMPORAL_METRICS_ADDR', get: (c) => hp(c.temporalMetricsAddr) },
  { name: 'SETTLE_LOG_LEVEL', get: (c) => c.logLevel },
  { name: 'SETTLE_SHUTDOWN_GRACE', get: (c) => `${c.shutdownGraceMs / 1000}s` },
  { name: 'SETTLE_WORKFLOW_BUNDLE', get: (c) => c.workflowBundle },
  { name: 'SETTLE_WORKER_HEALTH_FILE', get: (c) => c.workerHealthFile },
];

export function withoutPassword(raw: string): string {
  try {
    const u = new URL(raw);
    if (u.password) u.password = '****';
    return u.toString().replace(/\/$/, '');
  } catch {
    return '(unparsable)';
  }
}

export function describeConfig(config: Config, env: Env): ConfigLine[] {
  return VARIABLES.map(({ name, secret = false, get }) => {
    const v = get(config);
    const value = v === undefined ? '(not set)' : secret ? `set (${String(v).length} characters, hidden)` : String(v);
    return { name, value, defaulted: opt(env, name) === undefined, secret };
  });
}

export function formatConfigText(lines: ConfigLine[]): string {
  const width = Math.max(...lines.map((l) => l.name.length)) + 2;
  return lines
    .map((l) => `  ${l.name.padEnd(width)}${l.value}${l.defaulted && l.value !== '(not set)' ? '  (default)' : ''}\n`)
    .join('');
}
