/**
 * The Twilio SMS channel through the real `twilio` SDK to the local Twilio fake, with Stoplight
 * Prism in between as a validating proxy for Twilio's own OpenAPI spec: every request the SDK
 * makes is checked against `twilio_api_v2010.json` before the fake sees it (a violation is a 422
 * that fails the send). Plus sendSms on top: E.164, dedupe by key, 21610 → opted out, cost.
 */
import { readFileSync } from 'node:fs';
import { ApplicationFailure } from '@temporalio/common';
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../src/activities/index.js';
import { FAILURE } from '../../src/workflows/contract.js';
import { ChannelError } from '../../src/channels/errors.js';
import { createTwilioSmsChannel, type TwilioSmsChannel } from '../../src/channels/twilio.js';
import { verifyLinkToken } from '../../src/channels/tokens.js';
import { loadConfig } from '../../src/config/env.js';
import { activitiesFromConfig } from '../../src/app/worker-wiring.js';
import { freePort } from '../../src/dev/dev-server.js';
import { enrollment, rejection, SECRET, sendInput, smsTemplate, testDeps } from '../activities/helpers.js';
import { startPrismProxy, TWILIO_SPEC, type PrismProxy } from '../support/prism.js';
import { FAKE_NUMBER, startTwilioFake, type TwilioFake } from '../support/twilio-fake.js';

const STATUS_URL = 'https://settle.example.test/webhooks/twilio/status';
const ANNA = '+33612345678';

let fake: TwilioFake;
let prism: PrismProxy;
let channel: TwilioSmsChannel;

function channelVia(
  baseUrl: string,
  extra: Partial<Parameters<typeof createTwilioSmsChannel>[0]> = {},
): TwilioSmsChannel {
  return createTwilioSmsChannel({
    accountSid: fake.accountSid,
    authToken: fake.authToken,
    from: FAKE_NUMBER,
    statusCallbackUrl: STATUS_URL,
    secret: SECRET,
    baseUrl,
    costPerSegment: { EUR: 0.07 },
    ...extra,
  });
}

beforeAll(async () => {
  fake = await startTwilioFake();
  prism = await startPrismProxy(TWILIO_SPEC, fake.url);
  channel = channelVia(prism.url);
}, 120_000);

afterAll(async () => {
  await prism?.close();
  await fake?.close();
});

async function channelError(promise: Promise<unknown>): Promise<ChannelError> {
  const error = await rejection(promise);
  expect(error).toBeInstanceOf(ChannelError);
  return error as ChannelError;
}

let keys = 0;
const nextKey = () => `settle/INV-T${++keys}/friendly/text/1`;

describe('Twilio SMS channel (SDK → Prism with Twilio’s OpenAPI spec → local fake)', () => {
  it('sends with the SDK, signs the status callback URL and records segments and cost', async () => {
    const key = nextKey();
    const result = await channel.send({ key, to: ANNA, body: 'Invoice INV-1: 420,50 EUR due. Reply STOP to opt out' });
    expect(result).toEqual({
      providerId: expect.stringMatching(/^SM[0-9a-f]{32}$/),
      segments: 1,
      cost: 0.07,
      costCurrency: 'EUR',
    });
    const sent = fake.messages().find((m) => m.sid === result.providerId)!;
    expect(sent).toMatchObject({ to: ANNA, from: FAKE_NUMBER, status: 'queued' });
    const callback = new URL(sent.statusCallback!);
    expect(callback.origin + callback.pathname).toBe(STATUS_URL);
    expect(verifyLinkToken(SECRET, callback.searchParams.get('k')!, 's')).toMatchObject({
      w: 'settle/INV-T1/friendly',
      s: 'text',
      c: 'sms',
      k: key,
    });
  });

  it('Prism rejects a request that violates the spec before it reaches the fake (the check is live)', async () => {
    const before = fake.requests().length;
    const error = await rejection(
      channel.client.messages.create({ to: ANNA, from: FAKE_NUMBER, body: 'x', statusCallback: 'not a url' }),
    );
    expect(error).toBeInstanceOf(twilio.RestException);
    expect((error as InstanceType<typeof twilio.RestException>).status).toBe(422);
    expect(fake.requests().length).toBe(before);
  });

  it('dedupes by key: a retry returns the first result and sends nothing, even concurrently', async () => {
    const key = nextKey();
    const msg = { key, to: ANNA, body: 'Reminder' };
    const [a, b] = await Promise.all([channel.send(msg), channel.send(msg)]);
    const c = await channel.send(msg);
    expect(new Set([a.providerId, b.providerId, c.providerId]).size).toBe(1);
    expect([a.duplicate, b.duplicate, c.duplicate].filter(Boolean)).toHaveLength(2);
    expect(fake.messages().filter((m) => m.sid === a.providerId)).toHaveLength(1);
  });

  it('counts segments from Twilio’s answer and prices them (GSM-7 concatenated, UCS-2)', async () => {
    const long = await channel.send({ key: nextKey(), to: ANNA, body: 'a'.repeat(200) });
    expect(long).toMatchObject({ segments: 2, cost: 0.14, costCurrency: 'EUR' });
    const cyrillic = await channel.send({ key: nextKey(), to: ANNA, body: 'ж'.repeat(100) });
    expect(cyrillic).toMatchObject({ segments: 2, cost: 0.14 });
    const plain = channelVia(prism.url, { costPerSegment: 0.0079 });
    expect(await plain.send({ key: nextKey(), to: ANNA, body: 'x'.repeat(400) })).toMatchObject({
      segments: 3,
      cost: 0.0237,
    });
  });

  it('21610 (the number texted STOP) is optedOut and not cached; START lets a retry send', async () => {
    const to = '+447700900123';
    await fake.inbound({ from: to, body: ' stop ' });
    const key = nextKey();
    const error = await channelError(channel.send({ key, to, body: 'Reminder' }));
    expect(error).toMatchObject({ kind: 'optedOut', code: 21610, retryable: false });
    expect(error.message).not.toContain(to);
    await fake.inbound({ from: to, body: 'START' });
    expect((await channel.send({ key, to, body: 'Reminder' })).duplicate).toBeUndefined();
  });

  it('maps refusals: 21211/21614 hard, 429/5xx and network unavailable (retryable), bad credentials config', async () => {
    fake.failNext(400, 21614);
    expect(await channelError(channel.send({ key: nextKey(), to: ANNA, body: 'x' }))).toMatchObject({
      kind: 'hard',
      code: 21614,
    });
    const invalid = await channelError(channel.send({ key: nextKey(), to: '+1234', body: 'x' }));
    expect(invalid).toMatchObject({ kind: 'hard', code: 21211 });
    expect(invalid.message).not.toContain('+1234');
    fake.failNext(429, 20429);
    expect(await channelError(channel.send({ key: nextKey(), to: ANNA, body: 'x' }))).toMatchObject({
      kind: 'unavailable',
      retryable: true,
    });
    fake.failNext(503);
    expect(await channelError(channel.send({ key: nextKey(), to: ANNA, body: 'x' }))).toMatchObject({
      kind: 'unavailable',
      retryable: true,
    });
    const wrong = channelVia(prism.url, { authToken: 'not-the-token' });
    expect(await channelError(wrong.send({ key: nextKey(), to: ANNA, body: 'x' }))).toMatchObject({
      kind: 'config',
      code: 20003,
      retryable: false,
    });
    const closed = channelVia(`http://127.0.0.1:${await freePort()}`);
    expect(await channelError(closed.send({ key: nextKey(), to: ANNA, body: 'x' }))).toMatchObject({
      kind: 'unavailable',
      retryable: true,
    });
  });
});

describe('sendSms through Twilio', () => {
  const activities = () => createActivities(testDeps({ sms: channel }));
  const smsInput = (phone: string, key = nextKey()) =>
    sendInput({
      channel: 'sms',
      template: smsTemplate,
      key,
      step: 'text',
      enrollment: { ...enrollment, debtor: { ...enrollment.debtor, phone } },
    });

  it('refuses a number that is not E.164 before calling Twilio', async () => {
    const before = fake.requests().length;
    const error = await rejection(activities().sendSms(smsInput('06 12 34 56 78')));
    expect(error).toBeInstanceOf(ApplicationFailure);
    expect(error).toMatchObject({ type: FAILURE.invalidInput, nonRetryable: true });
    expect(fake.requests().length).toBe(before);
  });

  it('records the Twilio SID, segments and cost; an activity retry sends nothing', async () => {
    const input = smsInput(ANNA);
    const first = await activities().sendSms(input);
    expect(first).toMatchObject({
      providerId: expect.stringMatching(/^SM/),
      segments: 1,
      cost: 0.07,
      costCurrency: 'EUR',
    });
    expect(await activities().sendSms(input)).toMatchObject({ providerId: first.providerId, duplicate: true });
    expect(fake.messages().filter((m) => m.sid === first.providerId)).toHaveLength(1);
  });

  it('21610 becomes FAILURE.optedOut, non-retryable', async () => {
    const to = '+14155550100';
    await fake.inbound({ from: to, body: 'UNSUBSCRIBE' });
    const error = await rejection(activities().sendSms(smsInput(to)));
    expect(error).toBeInstanceOf(ApplicationFailure);
    expect(error).toMatchObject({ type: FAILURE.optedOut, nonRetryable: true });
  });
});

describe('worker wiring (activitiesFromConfig)', () => {
  const base = {
    SETTLE_SECRET: SECRET,
    SMTP_URL: 'smtp://127.0.0.1:2525',
    SETTLE_PUBLIC_URL: 'https://settle.example.test',
  };
  const twilioEnv = { TWILIO_ACCOUNT_SID: `AC${'1'.repeat(32)}`, TWILIO_AUTH_TOKEN: 'token', TWILIO_FROM: FAKE_NUMBER };

  it('uses Twilio when the three variables are set, the local sink otherwise; a partial set is a config error', async () => {
    const withTwilio = activitiesFromConfig(
      loadConfig({ ...base, ...twilioEnv, TWILIO_PRICE_PER_SEGMENT: '0.0079 USD' }),
    );
    expect(withTwilio.notes.join('\n')).toMatch(/SMS go through Twilio/);
    await withTwilio.close();
    const local = activitiesFromConfig(loadConfig(base), { outboxDir: '/nonexistent-outbox' });
    expect(local.notes.join('\n')).toMatch(/no SMS provider configured/);
    await local.close();
    expect(() =>
      activitiesFromConfig(loadConfig({ ...base, TWILIO_ACCOUNT_SID: twilioEnv.TWILIO_ACCOUNT_SID })),
    ).toThrow(/TWILIO_AUTH_TOKEN and TWILIO_FROM not set/);
  });

  it('parses TWILIO_PRICE_PER_SEGMENT', () => {
    expect(loadConfig({ TWILIO_PRICE_PER_SEGMENT: '0.0079 USD' }).twilio.pricePerSegment).toEqual({
      amount: 0.0079,
      currency: 'USD',
    });
    expect(loadConfig({ TWILIO_PRICE_PER_SEGMENT: '0.05' }).twilio.pricePerSegment).toEqual({ amount: 0.05 });
    expect(() => loadConfig({ TWILIO_PRICE_PER_SEGMENT: 'five cents' })).toThrow(/TWILIO_PRICE_PER_SEGMENT/);
  });
});

// Last: covers every request the tests above made.
describe('the contract over this whole file', () => {
  it('sent only fields Twilio’s spec declares; Prism saw no violation of requests nor of the fake’s answers', async () => {
    const spec = JSON.parse(readFileSync(TWILIO_SPEC, 'utf8'));
    const op = spec.paths['/2010-04-01/Accounts/{AccountSid}/Messages.json'].post;
    const declared = Object.keys(op.requestBody.content['application/x-www-form-urlencoded'].schema.properties);
    const sends = fake.requests().filter((r) => r.path.endsWith('/Messages.json'));
    expect(sends.length).toBeGreaterThan(0);
    for (const r of sends) expect(declared).toEqual(expect.arrayContaining(Object.keys(r.params)));
    // Prism also validates the fake's 201 Message resources (a wrong one would be a 500); the
    // error answers (400 with Twilio's error JSON) are not in the spec, which it only notes.
    const violations = prism.log().filter((l) => /Violation|VIOLATIONS/.test(l));
    expect(violations.filter((l) => !/Unable to match the returned status code/.test(l))).toEqual([]);
  });
});
