/**
 * The SMS channel through Twilio's Messages API (the official `twilio` SDK). Each message asks
 * for a status callback whose URL carries a signed token naming the journey and the message, so
 * the server's `/webhooks/twilio/status` route (src/server/routes/twilio.ts) can turn "delivered"
 * and "undelivered/failed" into events of the right journey without any lookup table.
 *
 * Idempotency: Twilio has no idempotency key, so a send is deduped by the message key before it
 * reaches Twilio, in a bounded in-memory LRU (key → result). That covers activity retries on the
 * same worker process, which is what happens when Twilio answered but the activity then failed or
 * timed out on our side. It does not survive a worker restart and is not shared between workers:
 * an activity retried on another worker after Twilio accepted the first attempt but before the
 * result was recorded sends the SMS a second time. Closing that gap needs a shared store of sent
 * keys (or looking the message up on Twilio by a marker), which costs a write per send; a rare
 * duplicate reminder is the accepted price here.
 */
import { LRUCache } from 'lru-cache';
import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient.js';
import { maskPersonalData } from '../core/personal-data.js';
import { ChannelError, type ChannelErrorKind } from './errors.js';
import type { SmsChannel, SmsMessage, SmsSendResult } from './sms.js';
import { countSmsSegments } from './sms-segments.js';
import { signLinkToken, TEST_LINK, versionClaims } from './tokens.js';

/** A price per segment, or one `{ currency: price }` entry (e.g. `{ USD: 0.0079 }`). */
export type SegmentPrice = number | Record<string, number>;

export interface TwilioSmsChannelOptions {
  accountSid: string;
  authToken: string;
  /** Sender: a Twilio number in E.164, a short code or an alphanumeric sender id. */
  from: string;
  /** Public URL of the status route, e.g. `https://settle.example.com/webhooks/twilio/status`. */
  statusCallbackUrl: string;
  /** SETTLE_SECRET: signs the `k` token of the status callback URL. */
  secret: string;
  /** Sends to this origin instead of `https://*.twilio.com` (a local fake, a contract-checking proxy). */
  baseUrl?: string;
  costPerSegment?: SegmentPrice;
  /** How many keys the dedupe LRU remembers (default 10,000). */
  dedupeSize?: number;
  /** HTTP timeout of one API call in ms (default 15,000). */
  timeoutMs?: number;
}

export const TWILIO_HOST = /^https:\/\/[^/]*\.twilio\.com/;

/** Twilio's documented way to reach another host: a RequestClient that rewrites the API origin. */
class RewritingRequestClient extends twilio.RequestClient {
  constructor(
    private readonly baseUrl: string,
    opts: RequestClient.RequestClientOptions,
  ) {
    super(opts);
  }

  override request<TData>(opts: RequestClient.RequestOptions<TData>) {
    return super.request({ ...opts, uri: opts.uri.replace(TWILIO_HOST, this.baseUrl) });
  }
}

/** Twilio error codes answered when a message is created, and what they mean for a journey. */
const OPTED_OUT = new Set([21610]); // the recipient replied STOP to this sender
/** The recipient cannot get an SMS: invalid (21211), unreachable (21214, 21612), not a mobile (21614, 21635), region not enabled (21408). */
const HARD = new Set([21211, 21214, 21408, 21612, 21614, 21635]);
/** Our side: credentials (20003), account (20404), sender (21212, 21606, 21659), a missing field (21602-21604). */
const CONFIG = new Set([20003, 20404, 21212, 21606, 21659, 21602, 21603, 21604]);

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ECONNABORTED',
  'EAI_AGAIN',
  'ENOTFOUND',
  'EPIPE',
  'ERR_NETWORK',
]);

const CREDENTIALS = ' — check TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM';

/** What a refusal means: its kind, and a hint for the operator. */
function refusal(code: number | undefined, status: number): { kind: ChannelErrorKind; hint: string } {
  if (code !== undefined && OPTED_OUT.has(code))
    return { kind: 'optedOut', hint: ' — the recipient opted out of SMS from this sender' };
  if (code !== undefined && HARD.has(code)) return { kind: 'hard', hint: '' };
  if ((code !== undefined && CONFIG.has(code)) || status === 401 || status === 403)
    return { kind: 'config', hint: CREDENTIALS };
  if (status === 429 || status >= 500) return { kind: 'unavailable', hint: '' };
  return { kind: 'config', hint: '' }; // another 4xx: the request itself is wrong, a retry repeats it
}

/** A Twilio (or transport) error as a ChannelError; the text never quotes the number. */
export function mapTwilioError(error: unknown): ChannelError | undefined {
  if (error instanceof twilio.RestException) {
    const { code, status } = error;
    // Twilio's messages quote the number ("The 'To' number +1234 is not valid"), even short ones.
    const text = maskPersonalData(error.message ?? '').replace(/\+\d+/g, '<phone>');
    const { kind, hint } = refusal(code, status);
    const what = `Twilio refused the message (HTTP ${status}${code !== undefined ? `, error ${code}` : ''}): ${text}${hint}`;
    return new ChannelError(kind, what, code ?? status);
  }
  const code = (error as { code?: unknown } | null)?.code;
  const axios = (error as { isAxiosError?: boolean } | null)?.isAxiosError === true;
  if (axios || (typeof code === 'string' && NETWORK_CODES.has(code))) {
    return new ChannelError(
      'unavailable',
      `Twilio could not be reached (${typeof code === 'string' ? code : 'network error'})`,
    );
  }
  return undefined;
}

function priceOf(price: SegmentPrice | undefined): { amount: number; currency?: string } | undefined {
  if (price === undefined) return undefined;
  if (typeof price === 'number') return { amount: price };
  const entries = Object.entries(price);
  if (entries.length !== 1)
    throw new TypeError('costPerSegment: give a number or exactly one { CURRENCY: price } entry');
  const [currency, amount] = entries[0]!;
  return { amount, currency };
}

/** Workflow id and step of a message key `workflowId/stepId/visit`. */
export function splitMessageKey(key: string): { workflowId: string; step: string; visit: string } {
  const parts = key.split('/');
  if (parts.length < 3) throw new TypeError(`message key "${key}" is not workflowId/stepId/visit`);
  const visit = parts.pop()!;
  const step = parts.pop()!;
  return { workflowId: parts.join('/'), step, visit };
}

/**
 * The status callback URL of one message: the route plus a signed `k` token naming journey and
 * message, and its version and variant when given (the labels of its delivery metrics); the test
 * marker for a test send, whose callbacks the server does not record.
 */
export function statusCallbackFor(
  base: string,
  secret: string,
  key: string,
  labels?: {
    version?: number | undefined;
    variant?: string | undefined;
    journey?: string | undefined;
    test?: boolean | undefined;
  },
): string {
  const { workflowId, step } = splitMessageKey(key);
  const url = new URL(base);
  const claims = { p: 's', w: workflowId, s: step, c: 'sms', k: key } as const;
  const version =
    labels?.version !== undefined
      ? versionClaims({ version: labels.version, variant: labels.variant, journey: labels.journey })
      : {};
  url.searchParams.set('k', signLinkToken(secret, { ...claims, ...version, ...(labels?.test && TEST_LINK) }));
  return url.toString();
}

export interface TwilioSmsChannel extends SmsChannel {
  /** The SDK client (tests use it to reach the same API through the same HTTP client). */
  readonly client: twilio.Twilio;
}

export function createTwilioSmsChannel(options: TwilioSmsChannelOptions): TwilioSmsChannel {
  const timeout = options.timeoutMs ?? 15_000;
  const httpClient =
    options.baseUrl === undefined
      ? new twilio.RequestClient({ timeout })
      : new RewritingRequestClient(options.baseUrl.replace(/\/+$/, ''), { timeout });
  const client = twilio(options.accountSid, options.authToken, { httpClient });
  const price = priceOf(options.costPerSegment);
  const sent = new LRUCache<string, Promise<SmsSendResult>>({ max: options.dedupeSize ?? 10_000 });
  statusCallbackFor(options.statusCallbackUrl, options.secret, 'check/url/1'); // fail fast on a bad URL or secret

  async function deliver(message: SmsMessage): Promise<SmsSendResult> {
    let created;
    try {
      created = await client.messages.create({
        to: message.to,
        from: options.from,
        body: message.body,
        statusCallback: statusCallbackFor(options.statusCallbackUrl, options.secret, message.key, message),
      });
    } catch (error) {
      throw mapTwilioError(error) ?? error;
    }
    const reported = Number.parseInt(created.numSegments ?? '', 10);
    // A Messaging Service reports 0 until a sender is chosen: count locally then.
    const segments = Number.isFinite(reported) && reported > 0 ? reported : countSmsSegments(message.body).segments;
    return {
      providerId: created.sid,
      segments,
      ...(price && { cost: Math.round(segments * price.amount * 1e6) / 1e6 }),
      ...(price?.currency !== undefined && { costCurrency: price.currency }),
    };
  }

  return {
    client,
    async send(message) {
      const earlier = sent.get(message.key);
      if (earlier) return { ...(await earlier), duplicate: true };
      const sending = deliver(message);
      sent.set(message.key, sending);
      try {
        return await sending;
      } catch (error) {
        sent.delete(message.key); // nothing was sent: a retry may send
        throw error;
      }
    },
  };
}
