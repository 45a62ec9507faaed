/**
 * The SMS channel port and its local implementation. Activities are retried, so a send carries
 * the idempotency key and the channel refuses to send the same key twice: SMS has no
 * Message-ID a handset could dedupe on. The local sink is what `settle dev` and tests use; the
 * Twilio adapter (twilio.ts) implements the same interface.
 */
import { createHash } from 'node:crypto';
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { countSmsSegments } from './sms-segments.js';

export interface SmsMessage {
  /** Idempotency key (workflowId/stepId/visit): a second send with it sends nothing. */
  key: string;
  /** E.164 number. */
  to: string;
  body: string;
  /** Journey version and A/B variant of the message: labels of its delivery and bounce metrics. */
  version?: number;
  variant?: string;
  /** The journey of the message (metric label; the workflow id does not name it). */
  journey?: string;
  /** A test send (`settle render --send-to`): its status callback is marked TEST_LINK and records nothing. */
  test?: boolean;
}

export interface SmsSendResult {
  /** Provider reference (a Twilio-style SID): never personal data. */
  providerId: string;
  segments: number;
  /** What the provider bills for it (segments × the configured per-segment price), when configured. */
  cost?: number;
  /** ISO 4217 currency of `cost`, when the configuration names one. */
  costCurrency?: string;
  /** True when this key had been sent before: the first result is returned, nothing is sent. */
  duplicate?: boolean;
}

export interface SmsChannel {
  send(message: SmsMessage): Promise<SmsSendResult>;
}

/** One message as the local sink keeps it (and writes it, one JSON line each, to `sms.jsonl`). */
export interface SinkSms extends SmsMessage {
  providerId: string;
  segments: number;
  sentAt: string;
}

export interface LocalSmsSinkOptions {
  /** Directory of `sms.jsonl`; memory only when absent. Earlier lines are read back for dedupe. */
  outboxDir?: string;
  clock?: () => number;
  /**
   * What one segment "costs" (TWILIO_PRICE_PER_SEGMENT, or a dev default), so that the cost of
   * recovery shows locally too; sends record no cost without it.
   */
  costPerSegment?: { amount: number; currency?: string };
}

/** A Twilio-looking SID derived from the key, so that a resend of the same key has the same id. */
function sidFor(key: string): string {
  return `SM${createHash('sha256').update(key).digest('hex').slice(0, 32)}`;
}

function parseLine(line: string): SinkSms | undefined {
  try {
    const entry = JSON.parse(line) as Partial<SinkSms>;
    return typeof entry.key === 'string' && typeof entry.providerId === 'string' ? (entry as SinkSms) : undefined;
  } catch {
    return undefined;
  }
}

/** An SMS "provider" that delivers to memory and, when given a directory, to a JSON-lines file. */
export class LocalSmsSink implements SmsChannel {
  private readonly sent: SinkSms[] = [];
  private readonly byKey = new Map<string, Promise<SmsSendResult>>();
  private loaded: Promise<void> | undefined;
  private readonly clock: () => number;

  constructor(private readonly options: LocalSmsSinkOptions = {}) {
    this.clock = options.clock ?? Date.now;
  }

  /** Path of the outbox file, when there is one. */
  get file(): string | undefined {
    return this.options.outboxDir === undefined ? undefined : join(this.options.outboxDir, 'sms.jsonl');
  }

  /** Messages sent through this sink (including ones read back from the outbox file). */
  messages(): SinkSms[] {
    return [...this.sent];
  }

  async send(message: SmsMessage): Promise<SmsSendResult> {
    await this.load();
    const earlier = this.byKey.get(message.key);
    if (earlier) return { ...(await earlier), duplicate: true };
    const sending = this.deliver(message);
    this.byKey.set(message.key, sending);
    try {
      return await sending;
    } catch (error) {
      this.byKey.delete(message.key); // a failed write did not send: a retry may
      throw error;
    }
  }

  private async deliver(message: SmsMessage): Promise<SmsSendResult> {
    const entry: SinkSms = {
      key: message.key,
      to: message.to,
      body: message.body,
      providerId: sidFor(message.key),
      segments: countSmsSegments(message.body).segments,
      sentAt: new Date(this.clock()).toISOString(),
    };
    const file = this.file;
    if (file !== undefined) {
      await mkdir(this.options.outboxDir!, { recursive: true });
      await appendFile(file, `${JSON.stringify(entry)}\n`, 'utf8');
    }
    this.sent.push(entry);
    return { providerId: entry.providerId, segments: entry.segments, ...this.costOf(entry.segments) };
  }

  private costOf(segments: number): Pick<SmsSendResult, 'cost' | 'costCurrency'> {
    const price = this.options.costPerSegment;
    if (price === undefined) return {};
    return {
      cost: Math.round(segments * price.amount * 1e6) / 1e6,
      ...(price.currency !== undefined && { costCurrency: price.currency }),
    };
  }

  /** Reads earlier sends back from the outbox once, so a restarted `settle dev` still dedupes. */
  private load(): Promise<void> {
    this.loaded ??= (async () => {
      const file = this.file;
      if (file === undefined) return;
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw error;
      }
      for (const line of text.split('\n')) {
        const entry = parseLine(line);
        if (entry === undefined) continue; // blank, or cut short by a crash mid-write
        this.sent.push(entry);
        const result = { providerId: entry.providerId, segments: entry.segments, ...this.costOf(entry.segments) };
        this.byKey.set(entry.key, Promise.resolve(result));
      }
    })();
    return this.loaded;
  }
}
