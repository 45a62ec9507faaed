/**
 * The pull request's test sends to a review inbox: the step of .github/workflows/journeys.yml read
 * as data (skipped unless an inbox is configured, the settings it hands over), and the script it
 * runs, scripts/review-sends.sh, run for real in a scratch git repository of the example project:
 * the templates whose files changed since the base go to the inbox through the CLI and the SMTP
 * sink, nothing else does, and a channel without an inbox or without its settings is skipped.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startSmtpSink, type SmtpSink } from '../../src/dev/smtp-sink.js';
import { ROOT, scratchProject } from '../cli/helpers.js';

interface Step {
  name?: string;
  if?: string;
  env?: Record<string, string>;
  run?: string;
}

const workflow = parse(readFileSync(join(ROOT, '.github', 'workflows', 'journeys.yml'), 'utf8')) as {
  jobs: { validate: { steps: Step[] } };
};

describe('the review-inbox step of the pull-request workflow', () => {
  const step = workflow.jobs.validate.steps.find((s) => s.name === 'test sends to the review inbox');

  it('runs only when a review inbox is configured, and hands the channel settings to the script', () => {
    expect(step).toBeDefined();
    expect(step!.if).toBe("always() && (vars.SETTLE_REVIEW_EMAIL != '' || vars.SETTLE_REVIEW_PHONE != '')");
    expect(step!.run).toBe('bash scripts/review-sends.sh');
    expect(step!.env).toMatchObject({
      BASE: 'origin/${{ github.base_ref }}',
      REVIEW_EMAIL: '${{ vars.SETTLE_REVIEW_EMAIL }}',
      REVIEW_PHONE: '${{ vars.SETTLE_REVIEW_PHONE }}',
      RECORD: '${{ vars.SETTLE_SAMPLE_RECORD }}',
    });
    // Every setting `settle render --send-to` reads (src/config/env.ts), secrets from secrets.
    for (const name of [
      'SMTP_URL',
      'SMTP_FROM',
      'TWILIO_ACCOUNT_SID',
      'TWILIO_AUTH_TOKEN',
      'TWILIO_FROM',
      'SETTLE_SECRET',
    ]) {
      expect(step!.env![name]).toBe(`\${{ secrets.${name} }}`);
    }
    expect(step!.env!.SETTLE_PUBLIC_URL).toBe('${{ vars.SETTLE_PUBLIC_URL }}');
  });

  it('comes before the version bump check, which may fail the job', () => {
    const names = workflow.jobs.validate.steps.map((s) => s.name);
    expect(names.indexOf('test sends to the review inbox')).toBeLessThan(names.indexOf('version bump check'));
  });
});

const TSX_LOADER = pathToFileURL(join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
const SETTLE = `${process.execPath} --import ${TSX_LOADER} ${join(ROOT, 'src', 'cli', 'main.ts')}`;
const SECRET = 'review-sends-test-secret-0123456789abcdef';

function git(dir: string, ...args: string[]): void {
  const r = spawnSync('git', ['-c', 'user.name=Reviewer', '-c', 'user.email=reviewer@example.test', ...args], {
    cwd: dir,
    encoding: 'utf8',
  });
  expect(r.status, r.stderr).toBe(0);
}

function edit(file: string, from: string, to: string): void {
  const text = readFileSync(file, 'utf8');
  expect(text).toContain(from);
  writeFileSync(file, text.replace(from, to));
}

/** Runs the script (asynchronously: the SMTP sink answers from this process). */
function reviewSends(
  dir: string,
  env: Record<string, string>,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn('bash', [join(ROOT, 'scripts', 'review-sends.sh')], {
    cwd: dir,
    env: {
      PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}`,
      HOME: process.env.HOME ?? dir,
      BASE: 'HEAD~1',
      SETTLE,
      SETTLE_SECRET: SECRET,
      ...env,
    },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('scripts/review-sends.sh', () => {
  let sink: SmtpSink;
  let dir: string;

  beforeAll(async () => {
    sink = await startSmtpSink();
    // The example project in a repository: one commit as the base, one with the pull request's changes.
    dir = scratchProject();
    cpSync(join(ROOT, 'examples', 'records'), join(dir, 'examples', 'records'), { recursive: true });
    git(dir, 'init', '-q');
    git(dir, 'add', '.');
    git(dir, 'commit', '-q', '-m', 'base');
    const templates = join(dir, 'journeys', 'templates');
    edit(join(templates, 'overdue-friendly.template.yaml'), 'These things are easily missed', 'Such things slip by');
    edit(join(templates, 'due-date-sms.template.yaml'), 'is now due', 'is due now');
    // A journey file changed too: not a template, not sent.
    const journey = join(dir, 'journeys', 'soft-collection.journey.yaml');
    writeFileSync(journey, `${readFileSync(journey, 'utf8')}# reviewed\n`);
    git(dir, 'commit', '-q', '-am', 'wording');
  }, 60_000);

  afterAll(async () => {
    await sink?.close();
  });

  it('sends each changed template of a configured channel to the inbox, as a test, and skips the other', async () => {
    const r = await reviewSends(dir, { REVIEW_EMAIL: 'review@example.org', SMTP_URL: sink.url });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    const mails = sink.messages();
    expect(mails).toHaveLength(1);
    expect(mails[0]!.to).toEqual(['review@example.org']);
    expect(r.stdout).toContain(
      'journeys/templates/due-date-sms.template.yaml is an sms template and SETTLE_REVIEW_PHONE is not set: not sent',
    );
    expect(r.stderr).toContain('sent overdue-friendly as a test email to r***@example.org');
    expect(r.stdout).toContain('review sends: 1 template(s) sent');
  }, 120_000);

  it('the mail is the changed wording for the example record, with a [TEST] subject', async () => {
    const mail = await simpleParser(sink.messages()[0]!.raw);
    expect(mail.subject).toBe('[TEST] Mary, a quick reminder about invoice US-2026-55310');
    expect(mail.text).toContain('Such things slip by');
  });

  it('skips a channel whose settings are missing with a warning, and fails on nothing', async () => {
    const before = sink.messages().length;
    const r = await reviewSends(dir, { REVIEW_PHONE: '+447700900123' });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('::warning file=journeys/templates/due-date-sms.template.yaml::');
    expect(r.stdout).toContain('TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM are not set');
    expect(r.stdout).toContain('review sends: 0 template(s) sent');
    expect(sink.messages()).toHaveLength(before);
  }, 120_000);

  it('fails when a configured send fails (a mail server that refuses the connection)', async () => {
    const closed = await startSmtpSink();
    await closed.close();
    const r = await reviewSends(dir, { REVIEW_EMAIL: 'review@example.org', SMTP_URL: closed.url });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('::error file=journeys/templates/overdue-friendly.template.yaml::');
    expect(r.stdout).toContain('mail server unavailable');
  }, 120_000);
});
