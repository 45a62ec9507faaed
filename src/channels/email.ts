/**
 * The email channel port and its SMTP implementation (nodemailer, pooled). The caller sets the
 * Message-ID, derived from the idempotency key, so a retried activity sends a message the
 * receiving side can recognise as the same one. Refusals surface as ChannelError kinds
 * (hard / soft bounce, unavailable, config); recipients refused while others were accepted are
 * returned, never dropped.
 */
import { createTransport } from 'nodemailer';
import { mapSmtpError } from './smtp-errors.js';

export interface EmailMessage {
  /** RFC 5322 Message-ID including the angle brackets, e.g. `<0f3a…@settle>`. */
  messageId: string;
  from: string;
  to: string | string[];
  subject: string;
  text: string;
  html?: string;
  headers?: Record<string, string>;
}

export interface EmailSendResult {
  /** The server's queue id when its reply names one ("queued as …"). */
  providerId?: string;
  /** Recipients the server refused although it accepted the message for others. */
  rejected: string[];
}

export interface EmailChannel {
  /** Throws ChannelError. */
  send(message: EmailMessage): Promise<EmailSendResult>;
}

export interface SmtpEmailChannel extends EmailChannel {
  /** Connects and says hello: for start-up checks (`settle worker` exits 3 when it fails). */
  verify(): Promise<void>;
  /** Closes the pooled connections. */
  close(): void;
}

export interface SmtpEmailChannelOptions {
  /** SMTP_URL: smtp://user:pass@host:port or smtps://…; query parameters are nodemailer options. */
  url: string;
  /** Pooled connections, default 5. */
  maxConnections?: number;
  /** Connect (DNS + TCP + greeting) timeout, default 10 s. */
  connectionTimeoutMs?: number;
  /** Inactivity timeout on an open connection, default 30 s. */
  socketTimeoutMs?: number;
}

function queueId(response: unknown): string | undefined {
  if (typeof response !== 'string') return undefined;
  return /queued as ([A-Za-z0-9._-]+)/i.exec(response)?.[1];
}

function address(value: string | { address: string }): string {
  return typeof value === 'string' ? value : value.address;
}

/** An EmailChannel sending through any SMTP server over a small connection pool. */
export function createSmtpEmailChannel(options: SmtpEmailChannelOptions): SmtpEmailChannel {
  const connectionTimeout = options.connectionTimeoutMs ?? 10_000;
  const transport = createTransport({
    url: options.url,
    pool: true,
    maxConnections: options.maxConnections ?? 5,
    connectionTimeout,
    greetingTimeout: connectionTimeout,
    dnsTimeout: connectionTimeout,
    socketTimeout: options.socketTimeoutMs ?? 30_000,
    // Messages are built from templates: never let content make nodemailer read files or URLs.
    disableFileAccess: true,
    disableUrlAccess: true,
    logger: false,
  });
  return {
    async send(message) {
      try {
        const info = await transport.sendMail({
          messageId: message.messageId,
          from: message.from,
          to: message.to,
          subject: message.subject,
          text: message.text,
          ...(message.html !== undefined && { html: message.html }),
          ...(message.headers !== undefined && { headers: message.headers }),
        });
        const providerId = queueId(info.response);
        return { ...(providerId !== undefined && { providerId }), rejected: (info.rejected ?? []).map(address) };
      } catch (error) {
        throw mapSmtpError(error);
      }
    },
    async verify() {
      try {
        await transport.verify();
      } catch (error) {
        throw mapSmtpError(error);
      }
    },
    close() {
      transport.close();
    },
  };
}
