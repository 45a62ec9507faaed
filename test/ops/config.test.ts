/**
 * Configuration errors (issue 7): each missing or malformed variable gives its own message naming
 * the variable, exit code 2 and no stack trace — through `settle config check`, `settle worker`,
 * `settle server` in-process, and the real worker and CLI processes.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VARIABLES } from '../../src/config/describe.js';
import { runProcess, settle } from './cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'settle-config-'));
const PEM = join(tmp, 'client.pem');
writeFileSync(PEM, '-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n');
const MISSING = join(tmp, 'nope.pem');

const SECRET = 'x'.repeat(40);
/** A complete, valid worker environment (Temporal is never contacted: every case fails first). */
const VALID: Record<string, string> = {
  TEMPORAL_ADDRESS: '127.0.0.1:7233',
  SMTP_URL: 'smtp://mailer:hunter2hunter2@127.0.0.1:2525',
  SETTLE_SECRET: SECRET,
  // The example journeys' hand-over webhooks (url: env:ESCALATION_URL), resolved by the worker.
  ESCALATION_URL: 'https://crm.example.com/hooks/settle',
};

interface Case {
  variable: string;
  env: Record<string, string | undefined>;
  message: RegExp;
}

const CASES: Case[] = [
  { variable: 'SETTLE_SECRET', env: { SETTLE_SECRET: undefined }, message: /SETTLE_SECRET is not set/ },
  { variable: 'SETTLE_SECRET', env: { SETTLE_SECRET: 'short' }, message: /SETTLE_SECRET is too short/ },
  { variable: 'SMTP_URL', env: { SMTP_URL: undefined }, message: /SMTP_URL is not set/ },
  {
    variable: 'SMTP_URL',
    env: { SMTP_URL: 'mail.example.com' },
    message: /SMTP_URL is not a valid smtp: or smtps: URL/,
  },
  { variable: 'SMTP_FROM', env: { SMTP_FROM: 'billing' }, message: /SMTP_FROM is malformed: write an address/ },
  {
    variable: 'TEMPORAL_ADDRESS',
    env: { TEMPORAL_ADDRESS: 'temporal' },
    message: /TEMPORAL_ADDRESS="temporal" is not host:port/,
  },
  {
    variable: 'TEMPORAL_ADDRESS',
    env: { TEMPORAL_ADDRESS: 'temporal:99999' },
    message: /TEMPORAL_ADDRESS="temporal:99999" is not host:port/,
  },
  {
    variable: 'TEMPORAL_NAMESPACE',
    env: { TEMPORAL_NAMESPACE: 'my namespace' },
    message: /TEMPORAL_NAMESPACE is malformed/,
  },
  {
    variable: 'TEMPORAL_TASK_QUEUE',
    env: { TEMPORAL_TASK_QUEUE: 'settle queue' },
    message: /TEMPORAL_TASK_QUEUE is malformed/,
  },
  { variable: 'TEMPORAL_API_KEY', env: { TEMPORAL_API_KEY: 'two words' }, message: /TEMPORAL_API_KEY is malformed/ },
  { variable: 'TEMPORAL_TLS', env: { TEMPORAL_TLS: 'yes' }, message: /TEMPORAL_TLS="yes" is not one of true, false/ },
  {
    variable: 'TEMPORAL_TLS_CERT',
    env: { TEMPORAL_TLS_CERT: MISSING, TEMPORAL_TLS_KEY: PEM },
    message: /TEMPORAL_TLS_CERT=".*nope\.pem": no readable file/,
  },
  {
    variable: 'TEMPORAL_TLS_KEY',
    env: { TEMPORAL_TLS_CERT: PEM },
    message: /TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY go together/,
  },
  { variable: 'TEMPORAL_TLS_CA', env: { TEMPORAL_TLS_CA: MISSING }, message: /TEMPORAL_TLS_CA=".*": no readable file/ },
  {
    variable: 'TWILIO_AUTH_TOKEN',
    env: { TWILIO_ACCOUNT_SID: `AC${'1'.repeat(32)}` },
    message: /TWILIO_AUTH_TOKEN and TWILIO_FROM not set/,
  },
  {
    variable: 'TWILIO_ACCOUNT_SID',
    env: { TWILIO_ACCOUNT_SID: 'AC123', TWILIO_AUTH_TOKEN: 'token', TWILIO_FROM: '+15005550006' },
    message: /TWILIO_ACCOUNT_SID is malformed/,
  },
  {
    variable: 'TWILIO_FROM',
    env: { TWILIO_ACCOUNT_SID: `AC${'1'.repeat(32)}`, TWILIO_AUTH_TOKEN: 'token', TWILIO_FROM: '0612345678' },
    message: /TWILIO_FROM is malformed: a sender is an E\.164 number/,
  },
  {
    variable: 'TWILIO_PRICE_PER_SEGMENT',
    env: { TWILIO_PRICE_PER_SEGMENT: 'cheap' },
    message: /TWILIO_PRICE_PER_SEGMENT="cheap" is not a price/,
  },
  {
    variable: 'STRIPE_SECRET_KEY',
    env: { STRIPE_SECRET_KEY: 'pk_test_abc' },
    message: /STRIPE_SECRET_KEY is malformed: a Stripe secret key starts with sk_/,
  },
  {
    variable: 'STRIPE_WEBHOOK_SECRET',
    env: { STRIPE_WEBHOOK_SECRET: 'secret' },
    message: /STRIPE_WEBHOOK_SECRET is malformed: .*whsec_/,
  },
  {
    variable: 'SETTLE_PUBLIC_URL',
    env: { SETTLE_PUBLIC_URL: 'pay.example.com' },
    message: /SETTLE_PUBLIC_URL is not a valid https: or http: URL/,
  },
  {
    variable: 'SETTLE_HTTP_ADDR',
    env: { SETTLE_HTTP_ADDR: '8080' },
    message: /SETTLE_HTTP_ADDR="8080" is not host:port/,
  },
  {
    variable: 'SETTLE_WORKER_METRICS_ADDR',
    env: { SETTLE_WORKER_METRICS_ADDR: 'localhost' },
    message: /SETTLE_WORKER_METRICS_ADDR="localhost" is not host:port/,
  },
  {
    variable: 'TEMPORAL_METRICS_ADDR',
    env: { TEMPORAL_METRICS_ADDR: '127.0.0.1:9464' },
    message: /SETTLE_WORKER_METRICS_ADDR and TEMPORAL_METRICS_ADDR are the same address/,
  },
  {
    variable: 'SETTLE_LOG_LEVEL',
    env: { SETTLE_LOG_LEVEL: 'verbose' },
    message: /SETTLE_LOG_LEVEL="verbose" is not one of debug, info, warn, error, silent/,
  },
  {
    variable: 'SETTLE_SHUTDOWN_GRACE',
    env: { SETTLE_SHUTDOWN_GRACE: '30' },
    message: /SETTLE_SHUTDOWN_GRACE="30" is not a duration/,
  },
  {
    variable: 'SETTLE_WORKFLOW_BUNDLE',
    env: { SETTLE_WORKFLOW_BUNDLE: MISSING },
    message: /SETTLE_WORKFLOW_BUNDLE=".*": no readable file/,
  },
  {
    variable: 'SETTLE_PAYLOAD_ENCRYPTION',
    env: { SETTLE_PAYLOAD_ENCRYPTION: 'yes' },
    message: /SETTLE_PAYLOAD_ENCRYPTION="yes" must be on, off or read-only/,
  },
  {
    variable: 'SETTLE_ENCRYPTION_KEYS',
    env: { SETTLE_ENCRYPTION_KEYS: 'k1:c2hvcnQ=' },
    message: /SETTLE_ENCRYPTION_KEYS entry 1 is not id:key with a 32-byte key/,
  },
  {
    variable: 'SETTLE_ENCRYPTION_KEYS',
    env: { SETTLE_ENCRYPTION_KEYS: `k1:${'ab'.repeat(32)},k1:${'cd'.repeat(32)}` },
    message: /SETTLE_ENCRYPTION_KEYS names key k1 twice/,
  },
  {
    variable: 'SETTLE_CODEC_TOKEN',
    env: { SETTLE_CODEC_TOKEN: 'short' },
    message: /SETTLE_CODEC_TOKEN is too short/,
  },
  {
    variable: 'SETTLE_CODEC_ORIGINS',
    env: { SETTLE_CODEC_TOKEN: 't'.repeat(32), SETTLE_CODEC_ORIGINS: 'http://127.0.0.1:8233/ui' },
    message: /SETTLE_CODEC_ORIGINS: "http:\/\/127.0.0.1:8233\/ui" is not an origin/,
  },
];

const NO_STACK = /^\s+at\s|Error: |node:internal/m;

describe('each configuration problem: its own message, exit 2, no stack trace', () => {
  it.each(CASES)('$variable: $message', async ({ env, message }) => {
    const vars = { ...VALID, ...env };
    const check = await settle(['config', 'check', '--format', 'json'], vars);
    expect(check.code).toBe(2);
    const report = JSON.parse(check.stdout) as { ok: boolean; problems: string[] };
    expect(report.ok).toBe(false);
    expect(report.problems).toHaveLength(1);
    expect(report.problems[0]).toMatch(message);

    const worker = await settle(['worker'], vars);
    expect(worker.code).toBe(2);
    expect(worker.stderr).toMatch(message);
    expect(worker.stderr).not.toMatch(NO_STACK);
  });

  it('covers every variable the configuration reads', () => {
    const covered = new Set(CASES.map((c) => c.variable));
    // Free-form values: any non-empty token or path is valid, so they cannot be malformed.
    const freeForm = ['TWILIO_AUTH_TOKEN', 'SETTLE_WORKER_HEALTH_FILE'];
    expect(VARIABLES.map((v) => v.name).filter((n) => !covered.has(n) && !freeForm.includes(n))).toEqual([]);
  });

  it('knows the journeys: a webhook variable they read is required of the worker, named with its steps', async () => {
    const { ESCALATION_URL: _unset, ...withoutHook } = VALID;
    const check = await settle(['config', 'check', '--format', 'json'], withoutHook);
    expect(check.code).toBe(2);
    const report = JSON.parse(check.stdout) as { problems: string[]; journeys: { name: string; set: boolean }[] };
    expect(report.problems).toEqual([
      expect.stringMatching(/^ESCALATION_URL is not set: it is the webhook URL of .* step /),
    ]);
    expect(report.journeys).toEqual([{ name: 'ESCALATION_URL', role: 'worker', set: false }]);
    const text = await settle(['config', 'check'], { ...withoutHook, ESCALATION_URL: 'ftp://x' });
    expect(text.code).toBe(2);
    expect(text.stderr).toMatch(/ESCALATION_URL is not a valid http or https URL/);
    // The server never calls webhooks; another project's journeys read nothing.
    expect((await settle(['config', 'check', '--for', 'server'], withoutHook)).code).toBe(0);
    const empty = mkdtempSync(join(tmpdir(), 'settle-nojourneys-'));
    expect((await settle(['config', 'check', '--dir', empty], withoutHook)).code).toBe(0);
    const ok = await settle(['config', 'check'], VALID);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/Variables the journeys in journeys read .*\n  ESCALATION_URL\s+set/);
  });

  it('reports every problem at once', async () => {
    const r = await settle(['worker'], { SETTLE_HTTP_ADDR: 'nowhere', TEMPORAL_NAMESPACE: 'a b' });
    expect(r.code).toBe(2);
    for (const v of ['SETTLE_SECRET', 'SMTP_URL', 'SETTLE_HTTP_ADDR', 'TEMPORAL_NAMESPACE'])
      expect(r.stderr).toContain(v);
  });

  it('the server needs the secret but not SMTP', async () => {
    const r = await settle(['server'], { SETTLE_SHUTDOWN_GRACE: 'soon' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/SETTLE_SECRET is not set/);
    expect(r.stderr).toMatch(/SETTLE_SHUTDOWN_GRACE="soon"/);
    expect(r.stderr).not.toMatch(/SMTP_URL/);
    expect(r.stderr).not.toMatch(NO_STACK);
  });
});

describe('settle config check', () => {
  it('prints the effective configuration with secrets masked, exit 0', async () => {
    const vars = {
      ...VALID,
      TEMPORAL_API_KEY: 'cloud-api-key-0123456789',
      STRIPE_SECRET_KEY: 'sk_test_51abcdefghijkl',
      STRIPE_WEBHOOK_SECRET: 'whsec_abcdefghijkl',
      TWILIO_ACCOUNT_SID: `AC${'a'.repeat(32)}`,
      TWILIO_AUTH_TOKEN: 'twilio-token-0123456789',
      TWILIO_FROM: '+15005550006',
      SETTLE_SHUTDOWN_GRACE: '45s',
    };
    const r = await settle(['config', 'check'], vars);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('OK: the worker can start');
    for (const secret of [
      SECRET,
      'cloud-api-key-0123456789',
      'sk_test_51abcdefghijkl',
      'whsec_abcdefghijkl',
      'twilio-token-0123456789',
      'hunter2hunter2',
    ]) {
      expect(r.stdout).not.toContain(secret);
    }
    expect(r.stdout).toMatch(/SETTLE_SECRET\s+set \(40 characters, hidden\)/);
    expect(r.stdout).toMatch(/SMTP_URL\s+smtp:\/\/mailer:\*\*\*\*@127\.0\.0\.1:2525/);
    expect(r.stdout).toMatch(/TEMPORAL_TLS\s+true/); // an API key implies TLS (Temporal Cloud)
    expect(r.stdout).toMatch(/SETTLE_SHUTDOWN_GRACE\s+45s\n/);
    expect(r.stdout).toMatch(/TEMPORAL_NAMESPACE\s+default {2}\(default\)/);
  });

  it('a bad flag is a usage error', async () => {
    expect((await settle(['config', 'check', '--for', 'robot'], VALID)).code).toBe(2);
    expect((await settle(['config', 'show'], VALID)).code).toBe(2);
  });
});

describe('real processes', () => {
  it('settle worker as a process with an empty environment: both missing variables, exit 2, no stack trace', async () => {
    const r = await runProcess('src/cli/main.ts', ['worker'], {});
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/SETTLE_SECRET is not set/);
    expect(r.stderr).toMatch(/SMTP_URL is not set/);
    expect(r.stderr).not.toMatch(NO_STACK);
  }, 30_000);

  it('settle server as a process with a malformed address: exit 2, no stack trace', async () => {
    const r = await runProcess('src/cli/main.ts', ['server'], {
      SETTLE_SECRET: SECRET,
      SETTLE_HTTP_ADDR: 'http://0.0.0.0:8080',
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/SETTLE_HTTP_ADDR="http:\/\/0\.0\.0\.0:8080" is not host:port/);
    expect(r.stderr).not.toMatch(NO_STACK);
  }, 30_000);
});
