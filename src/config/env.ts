/**
 * Configuration from the environment (docs/operations.md), parsed once at start-up into a typed object
 * that is passed down (no library code reads process.env). Every problem names the variable, what
 * is wrong and how to fix it, and all of them are reported at once; the commands exit 2 on them.
 */
import { codecOrigins, codecToken, encryptionSetting, type EncryptionKey } from './encryption.js';
import { duration, hostPort, matching, oneOf, opt, readableFile, url, type Env, type HostPort } from './parse.js';

export type { HostPort } from './parse.js';

export interface TemporalConfig {
  address: string;
  namespace: string;
  taskQueue: string;
  apiKey?: string;
  /** Paths of PEM files; `{}` means TLS with the system's root certificates (TEMPORAL_TLS=true). */
  tls?: { cert?: string; key?: string; ca?: string };
  /** Payload encryption keys, the first encrypting (src/config/encryption.ts); absent: payloads in clear. */
  encryptionKeys?: EncryptionKey[];
  /** SETTLE_PAYLOAD_ENCRYPTION=read-only: decrypt what is encrypted, write in clear (rolling encryption out). */
  encryptionReadOnly?: boolean;
}

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface Config {
  temporal: TemporalConfig;
  smtp: { url?: string; from: string };
  twilio: {
    accountSid?: string;
    authToken?: string;
    from?: string;
    /** TWILIO_PRICE_PER_SEGMENT ("0.0079 USD" or "0.0079"): the cost recorded per SMS segment. */
    pricePerSegment?: { amount: number; currency?: string };
  };
  stripe: { secretKey?: string; webhookSecret?: string };
  /** Signs tokens and keys the hashes of search attributes. */
  secret?: string;
  publicUrl: string;
  httpAddr: HostPort;
  workerMetricsAddr: HostPort;
  temporalMetricsAddr: HostPort;
  /** SETTLE_LOG_LEVEL: level of the JSON logs (default info). */
  logLevel: LogLevel;
  /**
   * SETTLE_SHUTDOWN_GRACE (default 10s): how long in-flight activities (worker, `settle dev`) and
   * queued signals (server) may finish at shutdown; then they are cancelled or abandoned (Temporal
   * retries activities) and the process exits.
   */
  shutdownGraceMs: number;
  /** SETTLE_WORKFLOW_BUNDLE: a workflow bundle built ahead of time (the container image sets it). */
  workflowBundle?: string;
  /** SETTLE_WORKER_HEALTH_FILE: touched every few seconds while the worker runs (container health check). */
  workerHealthFile?: string;
  /** SETTLE_PAYLOAD_ENCRYPTION (default on): payloads reach Temporal encrypted (keys in temporal.encryptionKeys). */
  payloadEncryption: boolean;
  /** SETTLE_CODEC_TOKEN and SETTLE_CODEC_ORIGINS: the server's codec endpoint for the Web UI and CLI. */
  codec?: { token: string; origins: string[] };
}

/** SETTLE_SHUTDOWN_GRACE when not set. */
export const DEFAULT_SHUTDOWN_GRACE_MS = 10_000;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

function segmentPrice(env: Env, problems: string[]): { pricePerSegment?: { amount: number; currency?: string } } {
  const raw = opt(env, 'TWILIO_PRICE_PER_SEGMENT');
  if (raw === undefined) return {};
  const m = /^(\d+(?:\.\d+)?)(?:\s+([A-Z]{3}))?$/.exec(raw);
  if (!m) {
    problems.push(
      `TWILIO_PRICE_PER_SEGMENT="${raw}" is not a price — write the amount per SMS segment and optionally a currency, e.g. 0.0079 USD`,
    );
    return {};
  }
  return { pricePerSegment: { amount: Number(m[1]), ...(m[2] !== undefined && { currency: m[2] }) } };
}

function temporal(env: Env, problems: string[]): TemporalConfig {
  const pem = 'a PEM file (Temporal Cloud: the client certificate of the namespace)';
  const cert = readableFile(env, 'TEMPORAL_TLS_CERT', pem, problems);
  const key = readableFile(env, 'TEMPORAL_TLS_KEY', 'the PEM private key of TEMPORAL_TLS_CERT', problems);
  const ca = readableFile(
    env,
    'TEMPORAL_TLS_CA',
    'a PEM file with the CA that signed the server certificate',
    problems,
  );
  if (Boolean(opt(env, 'TEMPORAL_TLS_CERT')) !== Boolean(opt(env, 'TEMPORAL_TLS_KEY'))) {
    problems.push('TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY go together: set both (mTLS) or neither');
  }
  const forceTls = oneOf(env, 'TEMPORAL_TLS', ['true', 'false'] as const, 'false', problems) === 'true';
  const address = opt(env, 'TEMPORAL_ADDRESS') ?? '127.0.0.1:7233';
  const port = Number(/:(\d{1,5})$/.exec(address)?.[1] ?? NaN);
  if (!/^[^:\s/]+:\d{1,5}$/.test(address) || port > 65535) {
    problems.push(
      `TEMPORAL_ADDRESS="${address}" is not host:port — e.g. 127.0.0.1:7233, or <namespace>.<account>.tmprl.cloud:7233`,
    );
  }
  const namespace = matching(
    env,
    'TEMPORAL_NAMESPACE',
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$/,
    'a namespace name has letters, digits, ".", "_" and "-" (e.g. default, or payments.a1b2c for Temporal Cloud)',
    problems,
  );
  const taskQueue = matching(
    env,
    'TEMPORAL_TASK_QUEUE',
    /^[^\s]{1,1000}$/,
    'a task queue name has no spaces, e.g. settle',
    problems,
  );
  const apiKey = matching(
    env,
    'TEMPORAL_API_KEY',
    /^\S+$/,
    'an API key is one token without spaces (copy it again from Temporal Cloud)',
    problems,
  );
  const tls = cert || ca || forceTls ? { ...(cert && { cert }), ...(key && { key }), ...(ca && { ca }) } : undefined;
  return {
    address,
    namespace: namespace ?? 'default',
    taskQueue: taskQueue ?? 'settle',
    ...(apiKey !== undefined && { apiKey }),
    ...(tls && { tls }),
  };
}

function providers(env: Env, problems: string[]): Pick<Config, 'smtp' | 'twilio' | 'stripe'> {
  const smtpUrl = url(env, 'SMTP_URL', problems, ['smtp:', 'smtps:']);
  const from = matching(
    env,
    'SMTP_FROM',
    /^[^@\s<>]+@[^@\s<>]+$|^[^<>]*<[^@\s<>]+@[^@\s<>]+>$/,
    'write an address, optionally with a name: Acme Billing <billing@acme.example>',
    problems,
  );
  const sid = matching(
    env,
    'TWILIO_ACCOUNT_SID',
    /^AC[0-9a-fA-F]{32}$/,
    'an account SID is "AC" and 32 hex digits (Twilio console, Account Info)',
    problems,
  );
  const token = opt(env, 'TWILIO_AUTH_TOKEN');
  const smsFrom = matching(
    env,
    'TWILIO_FROM',
    /^\+[1-9]\d{6,14}$|^MG[0-9a-fA-F]{32}$/,
    'a sender is an E.164 number such as +15005550006, or a messaging service SID (MG…)',
    problems,
  );
  const secretKey = matching(
    env,
    'STRIPE_SECRET_KEY',
    /^(sk|rk)_(test|live)_\S+$/,
    'a Stripe secret key starts with sk_test_, sk_live_ (or rk_ for a restricted key)',
    problems,
  );
  const webhookSecret = matching(
    env,
    'STRIPE_WEBHOOK_SECRET',
    /^whsec_\S+$/,
    "a webhook signing secret starts with whsec_ (the endpoint's page in the Stripe dashboard)",
    problems,
  );
  return {
    smtp: { ...(smtpUrl !== undefined && { url: smtpUrl }), from: from ?? 'Settle <no-reply@settle.local>' },
    twilio: {
      ...(sid !== undefined && { accountSid: sid }),
      ...(token !== undefined && { authToken: token }),
      ...(smsFrom !== undefined && { from: smsFrom }),
      ...segmentPrice(env, problems),
    },
    stripe: { ...(secretKey !== undefined && { secretKey }), ...(webhookSecret !== undefined && { webhookSecret }) },
  };
}

function addresses(
  env: Env,
  problems: string[],
): Pick<Config, 'httpAddr' | 'workerMetricsAddr' | 'temporalMetricsAddr'> {
  const httpAddr = hostPort(env, 'SETTLE_HTTP_ADDR', '127.0.0.1:8080', problems);
  const workerMetricsAddr = hostPort(env, 'SETTLE_WORKER_METRICS_ADDR', '127.0.0.1:9464', problems);
  const temporalMetricsAddr = hostPort(env, 'TEMPORAL_METRICS_ADDR', '127.0.0.1:9465', problems);
  if (
    workerMetricsAddr.port !== 0 &&
    workerMetricsAddr.port === temporalMetricsAddr.port &&
    workerMetricsAddr.host === temporalMetricsAddr.host
  ) {
    problems.push(
      'SETTLE_WORKER_METRICS_ADDR and TEMPORAL_METRICS_ADDR are the same address: the worker serves both, give them different ports',
    );
  }
  return { httpAddr, workerMetricsAddr, temporalMetricsAddr };
}

/** Parses the environment. Throws ConfigError listing every problem at once. */
export function loadConfig(env: Env = process.env): Config {
  const { config, problems } = parseConfig(env);
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** The configuration with defaults in place of malformed values, and the problems found. */
export function parseConfig(env: Env): { config: Config; problems: string[] } {
  const problems: string[] = [];
  const secret = opt(env, 'SETTLE_SECRET');
  if (secret !== undefined && secret.length < 32) {
    problems.push('SETTLE_SECRET is too short: use at least 32 random characters (e.g. `openssl rand -hex 32`)');
  }
  const publicUrl = url(env, 'SETTLE_PUBLIC_URL', problems, ['https:', 'http:']) ?? 'http://127.0.0.1:8080';
  const workflowBundle = readableFile(
    env,
    'SETTLE_WORKFLOW_BUNDLE',
    'a workflow bundle written by `node --import tsx scripts/build-workflow-bundle.ts FILE`',
    problems,
  );
  const workerHealthFile = opt(env, 'SETTLE_WORKER_HEALTH_FILE');
  const encryption = encryptionSetting(env, secret, problems);
  const token = codecToken(env, problems);
  const config: Config = {
    temporal: {
      ...temporal(env, problems),
      ...(encryption.keys && { encryptionKeys: encryption.keys }),
      ...(encryption.readOnly && { encryptionReadOnly: true }),
    },
    payloadEncryption: encryption.enabled,
    ...(token !== undefined && { codec: { token, origins: codecOrigins(env, problems) } }),
    ...providers(env, problems),
    ...(secret !== undefined && { secret }),
    publicUrl,
    ...addresses(env, problems),
    logLevel: oneOf(env, 'SETTLE_LOG_LEVEL', LOG_LEVELS, 'info', problems),
    shutdownGraceMs: duration(env, 'SETTLE_SHUTDOWN_GRACE', DEFAULT_SHUTDOWN_GRACE_MS, problems),
    ...(workflowBundle !== undefined && { workflowBundle }),
    ...(workerHealthFile !== undefined && { workerHealthFile }),
  };
  return { config, problems };
}

/** The secret, or a clear error for the commands that need it (tokens, hashes). */
export function requireSecret(config: Config): string {
  if (!config.secret) {
    throw new ConfigError([SECRET_MISSING]);
  }
  return config.secret;
}

export const SECRET_MISSING =
  'SETTLE_SECRET is not set: it signs tracking tokens and keys search-attribute hashes — set at least 32 random characters (e.g. `openssl rand -hex 32`)';
