/**
 * sendEmail through the real nodemailer transport to a real SMTP server (the local sink on
 * 127.0.0.1), parsing what arrived with mailparser.
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import { simpleParser, type ParsedMail } from 'mailparser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createActivities } from '../../src/activities/index.js';
import {
  FAILURE,
  type Activities,
  type SendMessageInput,
  type SendMessageResult,
} from '../../src/workflows/contract.js';
import { createSmtpEmailChannel, type SmtpEmailChannel } from '../../src/channels/email.js';
import { startSmtpSink, type SmtpSink } from '../../src/dev/smtp-sink.js';
import { verifyLinkToken } from '../../src/channels/tokens.js';
import { keyedHash } from '../../src/ids/workflow-ids.js';
import {
  enrollment,
  memoryLog,
  PERSONAL,
  failure,
  rejection,
  SECRET,
  sendInput,
  spaces,
  testDeps,
  type MemoryLog,
} from './helpers.js';

const REFUSALS: Record<string, { code: number; message: string }> = {
  'gone@example.com': { code: 550, message: '5.1.1 <gone@example.com>: no such user' },
  'full@example.com': { code: 451, message: '4.2.2 <full@example.com>: mailbox full' },
};

let sink: SmtpSink;
let channel: SmtpEmailChannel;
let log: MemoryLog;
let activities: Activities;

beforeEach(async () => {
  sink = await startSmtpSink({ reject: (rcpt) => REFUSALS[rcpt] });
  channel = createSmtpEmailChannel({ url: sink.url });
  log = memoryLog();
  activities = createActivities(testDeps({ email: channel, log }));
});
afterEach(async () => {
  channel.close();
  await sink.close();
});

async function received(index = 0): Promise<ParsedMail> {
  const mail = sink.messages()[index];
  expect(mail).toBeDefined();
  return simpleParser(mail!.raw);
}

function header(mail: ParsedMail, name: string): string | undefined {
  return mail.headerLines
    .find((h) => h.key === name.toLowerCase())
    ?.line.replace(/^[^:]+:\s*/, '')
    .replace(/\r?\n\s+/g, ' ');
}

function withEmail(email: string | undefined) {
  const { email: _drop, ...debtor } = enrollment.debtor;
  return sendInput({ enrollment: { ...enrollment, debtor: email === undefined ? debtor : { ...debtor, email } } });
}

describe('sendEmail', () => {
  it("sends multipart text + HTML rendered in the debtor's locale, with money formatting", async () => {
    const result = await activities.sendEmail(sendInput());
    expect(result).toEqual({
      messageId: expect.stringMatching(/^<[0-9a-f]{32}@settle>$/),
      locale: 'fr',
      providerId: expect.any(String),
      rejected: 0,
    });
    const mail = await received();
    expect(header(mail, 'content-type')).toMatch(/^multipart\/alternative/);
    expect(mail.to).toMatchObject({ value: [{ address: 'anna.rossi@example.com' }] });
    expect(mail.from).toMatchObject({ value: [{ address: 'no-reply@settle.local', name: 'Settle' }] });
    expect(spaces(mail.subject)).toBe('Anna, facture INV-2026-0042 : 420,50 €');
    // The pay link travels as a signed click redirect whose token carries the landing-page URL.
    const pay =
      /Bonjour Anna, 420,50 € \(4 jours de retard\)\. Payer : https:\/\/pay\.example\.test\/t\/c\/(\S+) Stop/.exec(
        spaces(mail.text),
      );
    expect(pay).not.toBeNull();
    expect(verifyLinkToken(SECRET, pay![1]!, 'c')).toMatchObject({ u: 'https://pay.example.test/p/tok', c: 'email' });
    expect(spaces(mail.html || '')).toContain('<b>420,50 €</b>');
    expect(mail.html).toMatch(/<img src="https:\/\/pay\.example\.test\/t\/o\/[\w.-]+" width="1" height="1" alt=""/);
    expect(mail.messageId).toBe(result.messageId);
  });

  it('renders another locale with its own number format', async () => {
    const english = { ...enrollment, debtor: { ...enrollment.debtor, locale: 'en-US' } };
    const result = await activities.sendEmail(sendInput({ enrollment: english }));
    expect(result.locale).toBe('en');
    const mail = await received();
    expect(mail.subject).toBe('Anna, invoice INV-2026-0042: €420.50');
    expect(mail.text).toContain('Hello Anna, €420.50 is 4 days late.');
  });

  it('derives the Message-ID from the idempotency key: a retry sends the same id', async () => {
    const first = await activities.sendEmail(sendInput());
    const retry = await activities.sendEmail(sendInput());
    const next = await activities.sendEmail(sendInput({ key: 'settle/INV-2026-0042/friendly/remind/2' }));
    expect(retry.messageId).toBe(first.messageId);
    expect(next.messageId).not.toBe(first.messageId);
    const ids = await Promise.all([0, 1, 2].map(async (i) => (await received(i)).messageId));
    expect(ids).toEqual([first.messageId, first.messageId, next.messageId]);
  });

  it('adds one-click unsubscribe headers whose opt-out token verifies', async () => {
    await activities.sendEmail(sendInput());
    const mail = await received();
    const unsubscribe = header(mail, 'List-Unsubscribe');
    expect(header(mail, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    const match = /^<https:\/\/pay\.example\.test\/u\/([A-Za-z0-9_.-]+)>$/.exec(unsubscribe ?? '');
    expect(match).not.toBeNull();
    const claims = verifyLinkToken(SECRET, match![1]!, 'u');
    expect(claims).toMatchObject({
      p: 'u',
      w: 'settle/INV-2026-0042/friendly',
      s: 'remind',
      c: 'email',
      k: 'settle/INV-2026-0042/friendly/remind/1',
      l: 'fr-BE',
      h: keyedHash(SECRET, 'email', 'anna.rossi@example.com'),
    });
    // The opt-out link is never wrapped in a click redirect (text and HTML).
    expect(mail.text).toContain(`https://pay.example.test/u/${match![1]}`);
    expect(mail.html).toContain(`href="https://pay.example.test/u/${match![1]}"`);
    expect(verifyLinkToken('another-secret'.padEnd(40, '1'), match![1]!, 'u')).toBeUndefined();
  });

  it('fails a 550 as a non-retryable hard bounce', async () => {
    const error = await failure(activities.sendEmail(withEmail('gone@example.com')));
    expect(error).toMatchObject({ type: FAILURE.hardBounce, nonRetryable: true });
    expect(error.message).toContain('550');
    expect(error.message).not.toContain('gone@example.com');
    expect(sink.messages()).toEqual([]);
  });

  it('fails a 451 as a retryable soft bounce', async () => {
    const error = await failure(activities.sendEmail(withEmail('full@example.com')));
    expect(error).toMatchObject({ type: FAILURE.softBounce, nonRetryable: false });
  });

  it('fails a missing address as invalid input, sending nothing', async () => {
    const error = await failure(activities.sendEmail(withEmail(undefined)));
    expect(error).toMatchObject({ type: FAILURE.invalidInput, nonRetryable: true });
    expect(error.message).toMatch(/debtor\.email/);
    expect(sink.messages()).toEqual([]);
  });

  it('refuses an address list or a malformed address, without quoting it', async () => {
    for (const email of ['anna@example.com, eve@example.com', 'Eve <eve@example.com>', 'not-an-address']) {
      const error = await failure(activities.sendEmail(withEmail(email)));
      expect(error).toMatchObject({ type: FAILURE.invalidInput, nonRetryable: true });
      expect(error.message).not.toContain(email);
      expect(error.message).not.toContain('eve@');
    }
    expect(sink.messages()).toEqual([]);
  });

  it('retries when the mail server is unreachable', async () => {
    const offline = await startSmtpSink();
    await offline.close();
    const down = createSmtpEmailChannel({ url: offline.url, connectionTimeoutMs: 2_000 });
    try {
      const error = await failure(createActivities(testDeps({ email: down })).sendEmail(sendInput()));
      expect(error).toMatchObject({ type: 'ChannelUnavailable', nonRetryable: false });
    } finally {
      down.close();
    }
  });

  it('logs ids, never personal data', async () => {
    await activities.sendEmail(sendInput());
    await rejection(activities.sendEmail(withEmail('gone@example.com')));
    expect(log.lines.map((l) => l.message)).toEqual(['email sent', 'email refused']);
    const logged = JSON.stringify(log.lines);
    for (const value of [...PERSONAL, 'gone@example.com']) expect(logged).not.toContain(value);
  });

  it('runs inside a Temporal activity context too', async () => {
    const env = new MockActivityEnvironment();
    const result = await env.run<[SendMessageInput], SendMessageResult, Activities['sendEmail']>(
      activities.sendEmail,
      sendInput(),
    );
    expect(result.locale).toBe('fr');
    expect(sink.messages()).toHaveLength(1);
  });
});
