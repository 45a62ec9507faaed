/**
 * A local SMTP server that keeps what it receives: `settle dev` sends its mail here (each
 * message lands as an `.eml` file under `.settle/outbox/`), and tests send through the real
 * nodemailer transport to it. The `reject` hook answers RCPT TO with any reply code, which is
 * how tests make hard (5xx) and soft (4xx) bounces with a real SMTP conversation.
 * Plain SMTP on loopback only: no STARTTLS, authentication optional (any credentials pass).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';

export interface SinkMail {
  /** The Message-ID header (with angle brackets), or '' when the message had none. */
  messageId: string;
  /** Envelope sender and recipients (MAIL FROM / accepted RCPT TO). */
  from: string;
  to: string[];
  raw: Buffer;
  receivedAt: Date;
  /** The `.eml` file, when an outbox directory was given. */
  file?: string;
}

export interface SmtpSinkOptions {
  /** Where `.eml` files go; memory only when absent. */
  outboxDir?: string;
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Refuses a recipient with this reply (e.g. 550 hard bounce, 451 soft bounce); undefined accepts. */
  reject?: (rcpt: string) => { code: number; message: string } | undefined;
}

export interface SmtpSink {
  /** smtp://HOST:PORT, ready for SMTP_URL or createSmtpEmailChannel. */
  url: string;
  port: number;
  messages(): SinkMail[];
  close(): Promise<void>;
}

const MAX_SIZE = 25 * 1024 * 1024;

function headerValue(raw: Buffer, name: string): string | undefined {
  const end = raw.indexOf('\r\n\r\n');
  const head = raw.subarray(0, end === -1 ? raw.length : end).toString('utf8');
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
  const match = new RegExp(`^${name}:[ \\t]*(.*)$`, 'im').exec(unfolded);
  return match?.[1]?.trim();
}

/** A file name part from a Message-ID: `<0f3a@settle>` → `0f3a_settle`. */
function safeName(messageId: string): string {
  const cleaned = messageId
    .replace(/^<|>$/g, '')
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .slice(0, 100);
  return cleaned || randomBytes(8).toString('hex');
}

function timestamp(date: Date): string {
  return date.toISOString().replace(/[:.]/g, '-');
}

/** Starts the sink and resolves once it listens. */
export async function startSmtpSink(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const host = options.host ?? '127.0.0.1';
  const received: SinkMail[] = [];
  if (options.outboxDir !== undefined) await mkdir(options.outboxDir, { recursive: true });

  async function keep(raw: Buffer, from: string, to: string[]): Promise<string> {
    const receivedAt = new Date();
    const messageId = headerValue(raw, 'Message-ID') ?? '';
    const id = safeName(messageId);
    const mail: SinkMail = { messageId, from, to, raw, receivedAt };
    if (options.outboxDir !== undefined) {
      mail.file = join(options.outboxDir, `${timestamp(receivedAt)}-${id}.eml`);
      await writeFile(mail.file, raw);
    }
    received.push(mail);
    return id;
  }

  const server = new SMTPServer({
    name: 'settle-sink',
    banner: 'Settle local mail sink',
    disabledCommands: ['STARTTLS'],
    authOptional: true,
    allowInsecureAuth: true,
    logger: false,
    size: MAX_SIZE,
    closeTimeout: 1_000,
    onAuth(_auth, _session, callback) {
      callback(null, { user: 'local' });
    },
    onRcptTo(rcpt, _session, callback) {
      const refusal = options.reject?.(rcpt.address);
      if (refusal === undefined) return callback();
      callback(Object.assign(new Error(refusal.message), { responseCode: refusal.code }));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', (error: Error) => callback(error));
      stream.on('end', () => {
        if (stream.sizeExceeded) {
          callback(Object.assign(new Error('Message exceeds the fixed maximum message size'), { responseCode: 552 }));
          return;
        }
        const from = session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address;
        const to = session.envelope.rcptTo.map((r) => r.address);
        keep(Buffer.concat(chunks), from, to).then(
          (id) => callback(null, `Ok: queued as ${id}`),
          (error: unknown) =>
            callback(Object.assign(new Error(`cannot store message: ${String(error)}`), { responseCode: 451 })),
        );
      });
    },
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', () => undefined); // a client's broken connection must not crash the process
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    messages: () => [...received],
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
