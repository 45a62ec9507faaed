/**
 * A local stand-in for Twilio: the subset of the Messages API the SDK calls when
 * sending (`POST /2010-04-01/Accounts/{Sid}/Messages.json`, form-encoded, Basic auth), Twilio's
 * error JSON for refusals (21610 once a number texted STOP, 21211, 21604…), and the webhooks
 * Twilio sends back: status callbacks (queued → sent → delivered, or undelivered/failed with an
 * ErrorCode) and inbound messages, each signed with `X-Twilio-Signature` over the URL Twilio was
 * given, exactly as `twilio.validateRequest` expects.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import twilio from 'twilio';
import { countSmsSegments } from '../../src/channels/sms-segments.js';

export const FAKE_ACCOUNT_SID = `AC${'5'.repeat(32)}`;
export const FAKE_AUTH_TOKEN = 'fake-twilio-auth-token-0123456789';
export const FAKE_NUMBER = '+15005550006';

export type MessageStatus = 'queued' | 'sent' | 'delivered' | 'undelivered' | 'failed';

export interface FakeMessage {
  sid: string;
  to: string;
  from: string;
  body: string;
  statusCallback?: string;
  status: MessageStatus;
  numSegments: number;
}

/** One API request as the fake received it (form fields as sent), and what it answered. */
export interface FakeRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  status: number;
}

export interface CallbackResult {
  status: number;
  body: string;
  contentType: string | undefined;
}

export interface TwilioFakeOptions {
  accountSid?: string;
  authToken?: string;
  /** The Twilio number debtors text (`To` of inbound messages). */
  number?: string;
  /** Inbound webhook URL as configured on the number: what Twilio signs. */
  inboundUrl?: string;
  /** Where a webhook for a (public, signed) URL is actually POSTed, like a reverse proxy would. */
  route?: (publicUrl: string) => string;
}

export interface TwilioFake {
  /** Base URL of the API (give it to the channel as `baseUrl`). */
  url: string;
  accountSid: string;
  authToken: string;
  messages(): FakeMessage[];
  requests(): FakeRequest[];
  /** The next API request answers this HTTP status (and Twilio error code). */
  failNext(status: number, code?: number): void;
  isOptedOut(phone: string): boolean;
  /** Sends a signed status callback for a message to its statusCallback URL. */
  status(sid: string, status: MessageStatus, errorCode?: number): Promise<CallbackResult>;
  /** sent, then delivered. */
  deliver(sid: string): Promise<CallbackResult[]>;
  /**
   * A text from `from`: STOP-like words opt the number out at the fake too (later sends get
   * 21610) and START-like words back in, as Twilio does; then, when an inbound URL is
   * configured, the signed webhook is sent (undefined without one).
   */
  inbound(message: { from: string; body: string; to?: string }): Promise<CallbackResult | undefined>;
  close(): Promise<void>;
}

/** Twilio's default opt-out and opt-in keywords (Advanced Opt-Out off). */
const STOP_WORDS = new Set(['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'OPTOUT', 'REVOKE']);
const START_WORDS = new Set(['START', 'UNSTOP', 'YES']);
const E164 = /^\+[1-9]\d{6,14}$/;
const MESSAGES_PATH = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/;

function sid(prefix: string): string {
  return `${prefix}${randomBytes(16).toString('hex')}`;
}

function rfc2822(ms: number): string {
  return new Date(ms).toUTCString().replace('GMT', '+0000');
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (text += chunk));
    req.on('end', () => resolve(text));
    req.on('error', reject);
  });
}

function twilioError(res: ServerResponse, status: number, code: number, message: string): number {
  const body = { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status };
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  return status;
}

function messageResource(accountSid: string, m: FakeMessage, createdMs: number) {
  const uri = `/2010-04-01/Accounts/${accountSid}/Messages/${m.sid}`;
  return {
    account_sid: accountSid,
    api_version: '2010-04-01',
    body: m.body,
    date_created: rfc2822(createdMs),
    date_sent: null,
    date_updated: rfc2822(createdMs),
    direction: 'outbound-api',
    error_code: null,
    error_message: null,
    from: m.from,
    messaging_service_sid: null,
    num_media: '0',
    num_segments: String(m.numSegments),
    price: null,
    price_unit: 'USD',
    sid: m.sid,
    status: m.status,
    subresource_uris: { media: `${uri}/Media.json` },
    tags: null,
    to: m.to,
    uri: `${uri}.json`,
  };
}

export async function startTwilioFake(options: TwilioFakeOptions = {}): Promise<TwilioFake> {
  const accountSid = options.accountSid ?? FAKE_ACCOUNT_SID;
  const authToken = options.authToken ?? FAKE_AUTH_TOKEN;
  const number = options.number ?? FAKE_NUMBER;
  const route = options.route ?? ((u: string) => u);
  const messages = new Map<string, FakeMessage>();
  const requests: FakeRequest[] = [];
  const optedOut = new Set<string>();
  let failure: { status: number; code?: number } | undefined;

  function create(res: ServerResponse, params: Record<string, string>): number {
    const to = params.To;
    const from = params.From;
    const body = params.Body;
    if (!to) return twilioError(res, 400, 21604, "A 'To' phone number is required.");
    if (!from && !params.MessagingServiceSid) return twilioError(res, 400, 21603, "A 'From' phone number is required.");
    if (!body && !params.MediaUrl && !params.ContentSid)
      return twilioError(res, 400, 21602, 'Message body is required.');
    if (!E164.test(to)) return twilioError(res, 400, 21211, `The 'To' number ${to} is not a valid phone number.`);
    if (optedOut.has(to)) return twilioError(res, 400, 21610, 'Attempt to send to unsubscribed recipient');
    const message: FakeMessage = {
      sid: sid('SM'),
      to,
      from: from ?? number,
      body: body ?? '',
      ...(params.StatusCallback && { statusCallback: params.StatusCallback }),
      status: 'queued',
      numSegments: Math.max(1, countSmsSegments(body ?? '').segments),
    };
    messages.set(message.sid, message);
    res
      .writeHead(201, { 'content-type': 'application/json' })
      .end(JSON.stringify(messageResource(accountSid, message, Date.now())));
    return 201;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const text = await readBody(req);
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    const params: Record<string, string> = {};
    for (const [k, v] of new URLSearchParams(text)) params[k] = v;
    const record = (status: number) => requests.push({ method: req.method ?? '', path, params, status });
    const match = MESSAGES_PATH.exec(path);
    if (req.method !== 'POST' || !match)
      return void record(twilioError(res, 404, 20404, 'The requested resource was not found'));
    const [user, pass] = Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64')
      .toString()
      .split(':');
    if (user !== accountSid || pass !== authToken || match[1] !== accountSid) {
      return void record(twilioError(res, 401, 20003, 'Authenticate'));
    }
    if (failure) {
      const { status, code } = failure;
      failure = undefined;
      return void record(twilioError(res, status, code ?? status, 'Injected failure'));
    }
    record(create(res, params));
  }

  async function post(publicUrl: string, params: Record<string, string>): Promise<CallbackResult> {
    const signature = twilio.getExpectedTwilioSignature(authToken, publicUrl, params);
    const response = await fetch(route(publicUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
      body: new URLSearchParams(params).toString(),
    });
    return {
      status: response.status,
      body: await response.text(),
      contentType: response.headers.get('content-type') ?? undefined,
    };
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) twilioError(res, 500, 20500, `fake failed: ${String(error)}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };

  const fake: TwilioFake = {
    url: `http://127.0.0.1:${port}`,
    accountSid,
    authToken,
    messages: () => [...messages.values()].map((m) => ({ ...m })),
    requests: () => requests.map((r) => ({ ...r, params: { ...r.params } })),
    failNext: (status, code) => void (failure = code === undefined ? { status } : { status, code }),
    isOptedOut: (phone) => optedOut.has(phone),
    async status(messageSid, status, errorCode) {
      const m = messages.get(messageSid);
      if (!m?.statusCallback) throw new Error(`fake: no message ${messageSid} with a statusCallback`);
      m.status = status;
      const params: Record<string, string> = {
        AccountSid: accountSid,
        ApiVersion: '2010-04-01',
        From: m.from,
        To: m.to,
        MessageSid: m.sid,
        SmsSid: m.sid,
        MessageStatus: status,
        SmsStatus: status,
        ...(errorCode !== undefined && { ErrorCode: String(errorCode) }),
      };
      return post(m.statusCallback, params);
    },
    async deliver(messageSid) {
      return [await fake.status(messageSid, 'sent'), await fake.status(messageSid, 'delivered')];
    },
    async inbound({ from, body, to }) {
      const word = body.trim().toUpperCase();
      if (STOP_WORDS.has(word)) optedOut.add(from);
      if (START_WORDS.has(word)) optedOut.delete(from);
      if (!options.inboundUrl) return undefined;
      const messageSid = sid('SM');
      return post(options.inboundUrl, {
        AccountSid: accountSid,
        ApiVersion: '2010-04-01',
        MessageSid: messageSid,
        SmsMessageSid: messageSid,
        SmsSid: messageSid,
        SmsStatus: 'received',
        From: from,
        To: to ?? number,
        Body: body,
        NumMedia: '0',
        NumSegments: String(Math.max(1, countSmsSegments(body).segments)),
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections(); // keep-alive sockets of the SDK and of Prism
      }),
  };
  return fake;
}
