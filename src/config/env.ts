/**
 * Configuration from the environment, parsed once at start-up into a typed object that is passed
 * down (no library code reads process.env). Every problem names the variable and the fix.
 */
export interface TemporalConfig {
  address: string;
  namespace: string;
  taskQueue: string;
  apiKey?: string;
  tls?: { cert?: string; key?: string; ca?: string };
}

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
}

export interface HostPort {
  host: string;
  port: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

type Env = Record<string, string | undefined>;

function hostPort(env: Env, name: string, def: string, problems: string[]): HostPort {
  const raw = env[name]?.trim() || def;
  const m = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(raw);
  const port = m ? Number(m[2]) : NaN;
  if (!m || port > 65535) {
    problems.push(`${name}="${raw}" is not host:port — write e.g. ${def}`);
    const [h, p] = def.split(':');
    return { host: h!, port: Number(p) };
  }
  return { host: m[1]!.replace(/^\[|\]$/g, ''), port };
}

function url(env: Env, name: string, problems: string[], protocols: string[]): string | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  try {
    const u = new URL(raw);
    if (!protocols.includes(u.protocol)) throw new Error('protocol');
    return raw;
  } catch {
    problems.push(`${name} is not a valid ${protocols.join(' or ')} URL — e.g. ${protocols[0]}//host:port`);
    return undefined;
  }
}

function opt(env: Env, name: string): string | undefined {
  const v = env[name]?.trim();
  return v ? v : undefined;
}

function segmentPrice(env: Env, problems: string[]): { pricePerSegment?: { amount: number; currency?: string } } {
  const raw = opt(env, 'TWILIO_PRICE_PER_SEGMENT');
  if (raw === undefined) return {};
  const m = /^(\d+(?:\.\d+)?)(?:\s+([A-Z]{3}))?$/.exec(raw);
  if (!m) {
    problems.push(`TWILIO_PRICE_PER_SEGMENT="${raw}" is not a price — write the amount per SMS segment and optionally a currency, e.g. 0.0079 USD`);
    return {};
  }
  return { pricePerSegment: { amount: Number(m[1]), ...(m[2] !== undefined && { currency: m[2] }) } };
}

/** Parses the environment. Throws ConfigError listing every problem at once. */
export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const tlsCert = opt(env, 'TEMPORAL_TLS_CERT');
  const tlsKey = opt(env, 'TEMPORAL_TLS_KEY');
  const tlsCa = opt(env, 'TEMPORAL_TLS_CA');
  if (Boolean(tlsCert) !== Boolean(tlsKey)) {
    problems.push('TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY go together: set both (mTLS) or neither');
  }
  const address = opt(env, 'TEMPORAL_ADDRESS') ?? '127.0.0.1:7233';
  if (!/^[^:\s]+:\d{1,5}$/.test(address)) problems.push(`TEMPORAL_ADDRESS="${address}" is not host:port — e.g. 127.0.0.1:7233`);
  const secret = opt(env, 'SETTLE_SECRET');
  if (secret !== undefined && secret.length < 32) {
    problems.push('SETTLE_SECRET is too short: use at least 32 random characters (e.g. `openssl rand -hex 32`)');
  }
  const publicUrl = url(env, 'SETTLE_PUBLIC_URL', problems, ['https:', 'http:']) ?? 'http://127.0.0.1:8080';
  const smtpUrl = url(env, 'SMTP_URL', problems, ['smtp:', 'smtps:']);
  const config: Config = {
    temporal: {
      address,
      namespace: opt(env, 'TEMPORAL_NAMESPACE') ?? 'default',
      taskQueue: opt(env, 'TEMPORAL_TASK_QUEUE') ?? 'settle',
      ...(opt(env, 'TEMPORAL_API_KEY') !== undefined && { apiKey: opt(env, 'TEMPORAL_API_KEY') }),
      ...((tlsCert || tlsCa) && {
        tls: { ...(tlsCert && { cert: tlsCert }), ...(tlsKey && { key: tlsKey }), ...(tlsCa && { ca: tlsCa }) },
      }),
    },
    smtp: { ...(smtpUrl !== undefined && { url: smtpUrl }), from: opt(env, 'SMTP_FROM') ?? 'Settle <no-reply@settle.local>' },
    twilio: {
      ...(opt(env, 'TWILIO_ACCOUNT_SID') !== undefined && { accountSid: opt(env, 'TWILIO_ACCOUNT_SID') }),
      ...(opt(env, 'TWILIO_AUTH_TOKEN') !== undefined && { authToken: opt(env, 'TWILIO_AUTH_TOKEN') }),
      ...(opt(env, 'TWILIO_FROM') !== undefined && { from: opt(env, 'TWILIO_FROM') }),
      ...segmentPrice(env, problems),
    },
    stripe: {
      ...(opt(env, 'STRIPE_SECRET_KEY') !== undefined && { secretKey: opt(env, 'STRIPE_SECRET_KEY') }),
      ...(opt(env, 'STRIPE_WEBHOOK_SECRET') !== undefined && { webhookSecret: opt(env, 'STRIPE_WEBHOOK_SECRET') }),
    },
    ...(secret !== undefined && { secret }),
    publicUrl,
    httpAddr: hostPort(env, 'SETTLE_HTTP_ADDR', '127.0.0.1:8080', problems),
    workerMetricsAddr: hostPort(env, 'SETTLE_WORKER_METRICS_ADDR', '127.0.0.1:9464', problems),
    temporalMetricsAddr: hostPort(env, 'TEMPORAL_METRICS_ADDR', '127.0.0.1:9465', problems),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** The secret, or a clear error for the commands that need it (tokens, hashes). */
export function requireSecret(config: Config): string {
  if (!config.secret) {
    throw new ConfigError(['SETTLE_SECRET is not set: it signs tracking tokens and keys search-attribute hashes — set at least 32 random characters']);
  }
  return config.secret;
}
