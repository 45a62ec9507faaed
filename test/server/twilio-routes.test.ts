/**
 * POST /webhooks/twilio/status and /webhooks/twilio/inbound with webhooks the local Twilio fake
 * signs as Twilio does (X-Twilio-Signature over the public URL): status callbacks of messages the
 * real Twilio channel sent become delivered / bounced for the journey named in the callback URL;
 * STOP, START, HELP and replies from a phone reach every journey of that contact; anything forged
 * or altered is 403 and dispatches nothing; no phone number or text reaches the logs.
 */
import { Writable } from 'node:stream';
import formbody from '@fastify/formbody';
import Fastify, { type FastifyInstance } from 'fastify';
import twilio from 'twilio';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTwilioSmsChannel, type TwilioSmsChannel } from '../../src/channels/twilio.js';
import { registerTwilioRoutes, TWIML_EMPTY } from '../../src/server/routes/twilio.js';
import { keyedHash } from '../../src/ids/workflow-ids.js';
import { recordingDispatcher, type RecordingDispatcher } from '../support/fake-dispatcher.js';
import { FAKE_NUMBER, startTwilioFake, type TwilioFake } from '../support/twilio-fake.js';

const SECRET = 'test-secret-0123456789-abcdefghijklmnop';
const PUBLIC_URL = 'https://settle.example.test/';
const NOW = Date.parse('2026-11-05T10:00:00Z');
const ANNA = '+33612345678';
const WORKFLOW = 'settle/INV-2026-0042/soft-collection';

let app: FastifyInstance;
let fake: TwilioFake;
let channel: TwilioSmsChannel;
let dispatcher: RecordingDispatcher;
let local: string;
const logs: string[] = [];

beforeAll(async () => {
  dispatcher = recordingDispatcher();
  fake = await startTwilioFake({
    inboundUrl: 'https://settle.example.test/webhooks/twilio/inbound',
    // Twilio posts to the public URL; the "reverse proxy" forwards to this server.
    route: (url) => url.replace('https://settle.example.test', local),
  });
  const stream = new Writable({ write: (chunk: Buffer, _enc, done) => done(void logs.push(chunk.toString())) });
  app = Fastify({ logger: { level: 'info', stream } });
  await app.register(formbody);
  registerTwilioRoutes(app, {
    authToken: fake.authToken,
    publicUrl: PUBLIC_URL,
    secret: SECRET,
    dispatcher,
    clock: () => NOW,
  });
  local = await app.listen({ host: '127.0.0.1', port: 0 });
  channel = createTwilioSmsChannel({
    accountSid: fake.accountSid,
    authToken: fake.authToken,
    from: FAKE_NUMBER,
    statusCallbackUrl: `${PUBLIC_URL}webhooks/twilio/status`,
    secret: SECRET,
    baseUrl: fake.url,
  });
});

afterAll(async () => {
  await app?.close();
  await fake?.close();
  const all = logs.join('');
  expect(all).toContain('Twilio webhook with a missing or invalid signature refused'); // the capture works
  for (const secret of [ANNA, '+447700900123', 'STOP', 'paid it yesterday']) expect(all).not.toContain(secret);
});

beforeEach(() => {
  dispatcher.sent.length = 0;
  dispatcher.answer = 'queued';
});

let visits = 0;
async function sendOne(labels: { version?: number; variant?: string } = {}): Promise<{ sid: string; key: string }> {
  const key = `${WORKFLOW}/nudge-sms/${++visits}`;
  const { providerId } = await channel.send({
    key,
    to: ANNA,
    body: 'INV-2026-0042: 420,50 EUR due. Reply STOP to opt out',
    ...labels,
  });
  return { sid: providerId, key };
}

/** A callback as a forger would send it: params and URL of their choosing, signed with `token`. */
async function forged(
  path: string,
  params: Record<string, string>,
  opts: { token?: string; signedParams?: Record<string, string>; signedPath?: string } = {},
) {
  const signedUrl = `https://settle.example.test${opts.signedPath ?? path}`;
  const signature = twilio.getExpectedTwilioSignature(
    opts.token ?? fake.authToken,
    signedUrl,
    opts.signedParams ?? params,
  );
  const response = await fetch(`${local}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
    body: new URLSearchParams(params).toString(),
  });
  return response.status;
}

describe('status callbacks', () => {
  it('queued/sent are progress; delivered becomes `delivered` for the journey of the message', async () => {
    const { sid, key } = await sendOne();
    expect((await fake.deliver(sid)).map((r) => r.status)).toEqual([204, 204]);
    expect(dispatcher.sent).toEqual([
      {
        workflowId: WORKFLOW,
        signal: {
          kind: 'engagement',
          signal: {
            eventId: `twilio/${sid}/delivered`,
            type: 'delivered',
            messageId: key,
            at: new Date(NOW).toISOString(),
            data: { channel: 'sms' },
          },
        },
      },
    ]);
  });

  it('a message sent with its version and variant reports them as metric labels of its delivery', async () => {
    const { sid } = await sendOne({ version: 2, variant: 'social-proof' });
    await fake.deliver(sid);
    expect(dispatcher.sent.map((d) => d.signal)).toEqual([
      expect.objectContaining({ labels: { version: '2', variant: 'social-proof' } }),
    ]);
  });

  it('undelivered and failed become one `bounced` with the Twilio error code', async () => {
    const { sid, key } = await sendOne();
    expect((await fake.status(sid, 'undelivered', 30003)).status).toBe(204);
    expect((await fake.status(sid, 'failed', 30003)).status).toBe(204);
    const signals = dispatcher.sent.map((d) => d.signal);
    expect(signals).toHaveLength(2);
    for (const s of signals) {
      expect(s).toMatchObject({
        kind: 'engagement',
        signal: { eventId: `twilio/${sid}/bounced`, type: 'bounced', messageId: key },
      });
    }
    expect(signals[0]).toMatchObject({ signal: { data: { errorCode: 30003, status: 'undelivered', channel: 'sms' } } });
  });

  it('a full dispatcher queue answers 503', async () => {
    const { sid } = await sendOne();
    dispatcher.answer = 'full';
    expect((await fake.status(sid, 'delivered')).status).toBe(503);
  });
});

describe('inbound messages', () => {
  const contact = (phone: string) => `contact:${keyedHash(SECRET, 'phone', phone)}`;

  it('STOP (any case, padded) opts the phone out of SMS in every journey of the contact; answers empty TwiML', async () => {
    const r = await fake.inbound({ from: ANNA, body: '  Stop ' });
    expect(r).toMatchObject({ status: 200, body: TWIML_EMPTY, contentType: expect.stringMatching(/^text\/xml/) });
    expect(dispatcher.sent).toEqual([
      {
        workflowId: contact(ANNA),
        signal: { kind: 'optOut', channel: 'sms', eventId: expect.stringMatching(/^twilio\/SM[0-9a-f]{32}\/optOut$/) },
      },
      {
        workflowId: contact(ANNA),
        signal: {
          kind: 'engagement',
          signal: {
            eventId: expect.stringMatching(/^SM/),
            type: 'optedOut',
            at: new Date(NOW).toISOString(),
            data: { channel: 'sms' },
          },
        },
      },
    ]);
    for (const word of ['STOPALL', 'unsubscribe', 'CANCEL', 'end', 'QUIT', 'optout', 'REVOKE'])
      await fake.inbound({ from: ANNA, body: word });
    expect(dispatcher.sent.filter((d) => d.signal.kind === 'optOut')).toHaveLength(8);
  });

  it('START, UNSTOP and YES opt back in; HELP dispatches nothing', async () => {
    for (const word of ['START', 'unstop', 'Yes']) await fake.inbound({ from: ANNA, body: word });
    expect(dispatcher.sent).toEqual(
      Array(3).fill({
        workflowId: contact(ANNA),
        signal: { kind: 'optIn', channel: 'sms', eventId: expect.stringMatching(/^twilio\/SM[0-9a-f]{32}\/optIn$/) },
      }),
    );
    // Each START has its own MessageSid, so each is its own consent event (a replay repeats one).
    const ids = dispatcher.sent.map((d) => (d.signal.kind === 'optIn' ? d.signal.eventId : undefined));
    expect(new Set(ids).size).toBe(3);
    dispatcher.sent.length = 0;
    expect((await fake.inbound({ from: ANNA, body: 'help' }))?.status).toBe(200);
    expect(dispatcher.sent).toEqual([]);
  });

  it('any other text is `replied` to every journey of that phone, keyed by the MessageSid', async () => {
    await fake.inbound({ from: '+447700900123', body: 'I paid it yesterday, stop sending' });
    expect(dispatcher.sent).toEqual([
      {
        workflowId: contact('+447700900123'),
        signal: {
          kind: 'engagement',
          signal: {
            eventId: expect.stringMatching(/^SM[0-9a-f]{32}$/),
            type: 'replied',
            at: new Date(NOW).toISOString(),
            data: { channel: 'sms' },
          },
        },
      },
    ]);
  });
});

describe('forged or tampered webhooks', () => {
  it('are refused with 403 and dispatch nothing', async () => {
    const { sid } = await sendOne();
    const callback = fake.messages().find((m) => m.sid === sid)!.statusCallback!;
    const path = callback.slice('https://settle.example.test'.length);
    const status = {
      AccountSid: fake.accountSid,
      MessageSid: sid,
      MessageStatus: 'delivered',
      To: ANNA,
      From: FAKE_NUMBER,
    };
    // Signed with another token; no signature; a parameter changed after signing.
    expect(await forged(path, status, { token: 'guessed-token' })).toBe(403);
    const unsigned = await fetch(`${local}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(status).toString(),
    });
    expect(unsigned.status).toBe(403);
    expect(
      await forged(path, { ...status, MessageStatus: 'undelivered', ErrorCode: '30003' }, { signedParams: status }),
    ).toBe(403);
    // The k token of another message swapped into a signed URL; a forged inbound STOP.
    const other = path.replace(
      /k=[^&]+/,
      `k=${new URL((await sendOne(), fake.messages().at(-1)!.statusCallback!)).searchParams.get('k')!}`,
    );
    expect(await forged(other, status, { signedPath: path })).toBe(403);
    const stop = {
      AccountSid: fake.accountSid,
      MessageSid: `SM${'1'.repeat(32)}`,
      From: ANNA,
      To: FAKE_NUMBER,
      Body: 'STOP',
    };
    expect(await forged('/webhooks/twilio/inbound', stop, { token: 'guessed-token' })).toBe(403);
    expect(dispatcher.sent).toEqual([]);
  });

  it('a correctly signed callback whose k token is not ours is 404 (nothing dispatched)', async () => {
    const status = { AccountSid: fake.accountSid, MessageSid: `SM${'2'.repeat(32)}`, MessageStatus: 'delivered' };
    expect(await forged('/webhooks/twilio/status?k=abc.def', status)).toBe(404);
    expect(await forged('/webhooks/twilio/status', status)).toBe(404);
    expect(dispatcher.sent).toEqual([]);
  });
});
