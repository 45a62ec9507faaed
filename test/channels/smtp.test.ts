/**
 * The SMTP email channel against a real SMTP server (the local sink on 127.0.0.1): delivery and
 * the .eml outbox, partial accept, 5xx/4xx refusals as hard/soft ChannelErrors, an unreachable
 * server as `unavailable`.
 */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSmtpEmailChannel, type SmtpEmailChannel } from '../../src/channels/email.js';
import { ChannelError } from '../../src/channels/errors.js';
import { startSmtpSink, type SmtpSink } from '../../src/dev/smtp-sink.js';

let dir: string;
let sink: SmtpSink;
let channel: SmtpEmailChannel;

const REFUSALS: Record<string, { code: number; message: string }> = {
  'gone@example.com': { code: 550, message: '5.1.1 <gone@example.com>: mailbox unavailable' },
  'full@example.com': { code: 451, message: '4.2.2 <full@example.com>: mailbox full, try later' },
};

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'settle-smtp-'));
  sink = await startSmtpSink({ outboxDir: join(dir, 'outbox'), reject: (rcpt) => REFUSALS[rcpt] });
  channel = createSmtpEmailChannel({ url: sink.url });
});
afterEach(async () => {
  channel.close();
  await sink.close();
  await rm(dir, { recursive: true, force: true });
});

const base = {
  messageId: '<0123456789abcdef0123456789abcdef@settle>',
  from: 'Settle <no-reply@settle.local>',
  subject: 'Invoice INV-1',
  text: 'Hello',
};

async function refusal(promise: Promise<unknown>): Promise<ChannelError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ChannelError);
  return error as ChannelError;
}

describe('SMTP email channel', () => {
  it('delivers to the sink, which keeps the message and writes an .eml file', async () => {
    expect(sink.url).toMatch(/^smtp:\/\/127\.0\.0\.1:\d+$/);
    await channel.verify();
    const result = await channel.send({ ...base, to: 'anna@example.com', html: '<p>Hello</p>' });
    expect(result).toEqual({ providerId: '0123456789abcdef0123456789abcdef_settle', rejected: [] });
    const [mail] = sink.messages();
    expect(mail).toMatchObject({ messageId: base.messageId, from: 'no-reply@settle.local', to: ['anna@example.com'] });
    const files = await readdir(join(dir, 'outbox'));
    expect(files).toEqual([
      expect.stringMatching(/^\d{4}-\d{2}-\d{2}T[\d-]+Z-0123456789abcdef0123456789abcdef_settle\.eml$/),
    ]);
    expect(mail!.file).toBe(join(dir, 'outbox', files[0]!));
    const parsed = await simpleParser(await readFile(mail!.file!));
    expect(parsed.messageId).toBe(base.messageId);
    expect(parsed.text?.trim()).toBe('Hello');
    expect(parsed.html).toContain('<p>Hello</p>');
  });

  it('returns the refused recipients of a partial accept', async () => {
    const result = await channel.send({ ...base, to: ['anna@example.com', 'gone@example.com'] });
    expect(result.rejected).toEqual(['gone@example.com']);
    expect(sink.messages().map((m) => m.to)).toEqual([['anna@example.com']]);
  });

  it('reads 550 as a hard bounce, without quoting the address', async () => {
    const error = await refusal(channel.send({ ...base, to: 'gone@example.com' }));
    expect(error).toMatchObject({ kind: 'hard', code: 550, retryable: false });
    expect(error.message).toContain('550');
    expect(error.message).not.toContain('gone@example.com');
    expect(sink.messages()).toEqual([]);
  });

  it('reads 451 as a soft bounce (retryable)', async () => {
    const error = await refusal(channel.send({ ...base, to: 'full@example.com' }));
    expect(error).toMatchObject({ kind: 'soft', code: 451, retryable: true });
    expect(error.message).not.toContain('full@example.com');
  });

  it('reports a temporary refusal when recipients are refused for mixed reasons', async () => {
    const error = await refusal(channel.send({ ...base, to: ['gone@example.com', 'full@example.com'] }));
    expect(error).toMatchObject({ kind: 'soft', code: 451 });
  });

  it('reads an unreachable server as unavailable (retryable)', async () => {
    const closed = await startSmtpSink();
    await closed.close();
    const offline = createSmtpEmailChannel({ url: closed.url, connectionTimeoutMs: 2_000 });
    try {
      const error = await refusal(offline.send({ ...base, to: 'anna@example.com' }));
      expect(error).toMatchObject({ kind: 'unavailable', retryable: true });
      await expect(offline.verify()).rejects.toMatchObject({ kind: 'unavailable' });
    } finally {
      offline.close();
    }
  });
});
