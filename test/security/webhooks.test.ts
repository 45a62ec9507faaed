/**
 * The provider doors, POST /webhooks/stripe and /webhooks/twilio/{inbound,status}, attacked through
 * the real fastify app (inject) with the routes enabled as `settle server` enables them. Each row
 * is one request, or a short sequence (replays), with the statuses it must get and exactly what it
 * may dispatch: forged, altered, stale, future-dated and oversized requests dispatch nothing; a
 * replayed event is dispatched again under the same event id, which the journey workflow dedupes
 * (so it counts once).
 */
import type { InjectOptions } from 'fastify';
import Stripe from 'stripe';
import twilio from 'twilio';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { signLinkToken } from '../../src/channels/tokens.js';
import { keyedHash } from '../../src/ids/workflow-ids.js';
import { PUBLIC_URL, SECRET, testApp, type Recorded, type TestApp } from '../server/support.js';
import { paidSession, stripeEvent } from '../support/stripe-events.js';

const WHSEC = 'whsec_security_test_0123456789';
const TWILIO_TOKEN = 'twilio-auth-token-0123456789abcdef';
const WORKFLOW = 'settle/INV-2026-0042/soft-collection';
const MESSAGE_KEY = `${WORKFLOW}/nudge-sms/1`;
const ANNA = '+33612345678';
const SID = `SM${'a'.repeat(32)}`;
const nowS = () => Math.floor(Date.now() / 1000);

// --- Stripe -------------------------------------------------------------------------------------

const PAYMENT = stripeEvent('checkout.session.completed', paidSession());
const PAYLOAD = JSON.stringify(PAYMENT);

function stripeRequest(
  opts: { payload?: string; signed?: string; secret?: string; timestamp?: number; type?: string; header?: string } = {},
): InjectOptions {
  const signed = opts.signed ?? opts.payload ?? PAYLOAD;
  const header =
    opts.header ??
    Stripe.webhooks.generateTestHeaderString({
      payload: signed,
      secret: opts.secret ?? WHSEC,
      ...(opts.timestamp !== undefined && { timestamp: opts.timestamp }),
    });
  return {
    method: 'POST',
    url: '/webhooks/stripe',
    headers: { 'content-type': opts.type ?? 'application/json', 'stripe-signature': header },
    payload: opts.payload ?? PAYLOAD,
  };
}

// --- Twilio -------------------------------------------------------------------------------------

/** A form POST signed as Twilio signs it (X-Twilio-Signature over the public URL and the fields). */
function twilioRequest(
  path: string,
  params: Record<string, string>,
  opts: { token?: string; signedParams?: Record<string, string>; signedPath?: string; signature?: string | null } = {},
): InjectOptions {
  const signature =
    opts.signature !== undefined
      ? opts.signature
      : twilio.getExpectedTwilioSignature(
          opts.token ?? TWILIO_TOKEN,
          `${PUBLIC_URL}${opts.signedPath ?? path}`,
          opts.signedParams ?? params,
        );
  return {
    method: 'POST',
    url: path,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(signature !== null && { 'x-twilio-signature': signature }),
    },
    payload: new URLSearchParams(params).toString(),
  };
}

const inbound = (body: string, sid = SID) => ({
  AccountSid: 'AC0123',
  MessageSid: sid,
  From: ANNA,
  To: '+15005550006',
  Body: body,
});
const statusFields = { AccountSid: 'AC0123', MessageSid: SID, MessageStatus: 'delivered' };
/** The token with its last character replaced by another one (never by itself: the last MAC character is often 'A'). */
function lastCharChanged(token: string): string {
  return `${token.slice(0, -1)}${token.endsWith('A') ? 'Q' : 'A'}`;
}

const kToken = (over: { p?: 's' | 'o'; secret?: string } = {}) =>
  signLinkToken(over.secret ?? SECRET, { p: over.p ?? 's', w: WORKFLOW, s: 'nudge-sms', c: 'sms', k: MESSAGE_KEY });
const statusPath = (k: string) => `/webhooks/twilio/status?k=${k}`;

// --- the table ----------------------------------------------------------------------------------

interface Row {
  name: string;
  /** One request, or a sequence (a replay). */
  requests: () => InjectOptions[];
  statuses: number[];
  /** What the dispatcher must have been given, in order. */
  dispatched: (calls: Recorded[]) => void;
}

const nothing = (calls: Recorded[]) => expect(calls).toEqual([]);
const contact = keyedHash(SECRET, 'phone', ANNA);

const ROWS: Row[] = [
  // Stripe
  {
    name: 'Stripe: a valid payment (control row) → paid',
    requests: () => [stripeRequest()],
    statuses: [200],
    dispatched: (calls) =>
      expect(calls).toMatchObject([
        { workflowId: WORKFLOW, signal: { kind: 'engagement', signal: { type: 'paid', eventId: 'stripe:pi_1' } } },
      ]),
  },
  {
    name: 'Stripe: replay of a valid event → dispatched again with the same event id (deduped by the workflow)',
    requests: () => [stripeRequest(), stripeRequest(), stripeRequest({ payload: PAYLOAD.replace('evt_1', 'evt_2') })],
    statuses: [200, 200, 200],
    dispatched: (calls) => {
      expect(calls).toHaveLength(3);
      const ids = calls.map((c) => (c.signal.kind === 'engagement' ? c.signal.signal.eventId : undefined));
      // The same payment, even delivered as another Stripe event, is one event id: one payment counted.
      expect(new Set(ids)).toEqual(new Set(['stripe:pi_1']));
    },
  },
  {
    name: 'Stripe: bad signature (signed with another secret)',
    requests: () => [stripeRequest({ secret: 'whsec_someone_else' })],
    statuses: [400],
    dispatched: nothing,
  },
  {
    name: 'Stripe: body altered after signing (amount)',
    requests: () => [stripeRequest({ signed: PAYLOAD, payload: PAYLOAD.replace('42050', '1') })],
    statuses: [400],
    dispatched: nothing,
  },
  {
    name: 'Stripe: body re-serialised (same JSON, other bytes)',
    requests: () => [stripeRequest({ signed: PAYLOAD, payload: JSON.stringify(PAYMENT, null, 1) })],
    statuses: [400],
    dispatched: nothing,
  },
  {
    name: 'Stripe: stale timestamp (signed 10 minutes ago: a replay after the tolerance)',
    requests: () => [stripeRequest({ timestamp: nowS() - 600 })],
    statuses: [400],
    dispatched: nothing,
  },
  {
    name: 'Stripe: future timestamp (more than 5 minutes ahead)',
    requests: () => [stripeRequest({ timestamp: nowS() + 306 })],
    statuses: [400],
    dispatched: nothing,
  },
  {
    name: 'Stripe: no Stripe-Signature header',
    requests: () => [{ ...stripeRequest(), headers: { 'content-type': 'application/json' } }],
    statuses: [400],
    dispatched: nothing,
  },
  {
    name: 'Stripe: a garbled header, and one with the v1 signature but no timestamp',
    requests: () => {
      const v1 = Stripe.webhooks
        .generateTestHeaderString({ payload: PAYLOAD, secret: WHSEC })
        .split(',')
        .find((p) => p.startsWith('v1='))!;
      return [stripeRequest({ header: 'nonsense' }), stripeRequest({ header: v1 })];
    },
    statuses: [400, 400],
    dispatched: nothing,
  },
  {
    name: 'Stripe: wrong content type, unsigned (text/plain, form, multipart)',
    requests: () =>
      ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x'].map((type) => ({
        ...stripeRequest({ type }),
        headers: { 'content-type': type },
      })),
    statuses: [400, 400, 400],
    dispatched: nothing,
  },
  {
    name: 'Stripe: wrong content type with a valid signature → the signed bytes decide, accepted once',
    requests: () => [stripeRequest({ type: 'text/plain' })],
    statuses: [200],
    dispatched: (calls) => expect(calls).toHaveLength(1),
  },
  {
    name: 'Stripe: oversized body (600 KiB, signed) → 413 before any verification',
    requests: () => [
      stripeRequest({ payload: PAYLOAD.replace('"livemode"', `"pad":"${'x'.repeat(600 * 1024)}","livemode"`) }),
    ],
    statuses: [413],
    dispatched: nothing,
  },
  {
    name: 'Stripe: a signed event that is not JSON',
    requests: () => [stripeRequest({ payload: 'not json at all' })],
    statuses: [400],
    dispatched: nothing,
  },

  // Twilio inbound
  {
    name: 'Twilio: START (control row) → opt-in with the event id twilio/<sid>/optIn',
    requests: () => [twilioRequest('/webhooks/twilio/inbound', inbound('START'))],
    statuses: [200],
    dispatched: (calls) =>
      expect(calls).toEqual([
        { contactKey: contact, signal: { kind: 'optIn', channel: 'sms', eventId: `twilio/${SID}/optIn` } },
      ]),
  },
  {
    name: 'Twilio: a replayed START (same MessageSid) → the same event id twice, so the workflow dedupes it',
    requests: () => [
      twilioRequest('/webhooks/twilio/inbound', inbound('START')),
      twilioRequest('/webhooks/twilio/inbound', inbound('start ')),
    ],
    statuses: [200, 200],
    dispatched: (calls) =>
      expect(calls).toEqual(
        Array(2).fill({
          contactKey: contact,
          signal: { kind: 'optIn', channel: 'sms', eventId: `twilio/${SID}/optIn` },
        }),
      ),
  },
  {
    name: 'Twilio: STOP signed with another auth token',
    requests: () => [twilioRequest('/webhooks/twilio/inbound', inbound('STOP'), { token: 'guessed-token' })],
    statuses: [403],
    dispatched: nothing,
  },
  {
    name: 'Twilio: STOP without X-Twilio-Signature',
    requests: () => [twilioRequest('/webhooks/twilio/inbound', inbound('STOP'), { signature: null })],
    statuses: [403],
    dispatched: nothing,
  },
  {
    name: 'Twilio: an empty or garbage signature',
    requests: () => [
      twilioRequest('/webhooks/twilio/inbound', inbound('STOP'), { signature: '' }),
      twilioRequest('/webhooks/twilio/inbound', inbound('STOP'), { signature: 'A'.repeat(28) }),
    ],
    statuses: [403, 403],
    dispatched: nothing,
  },
  {
    name: 'Twilio: HELP signed, body changed to STOP afterwards',
    requests: () => [twilioRequest('/webhooks/twilio/inbound', inbound('STOP'), { signedParams: inbound('HELP') })],
    statuses: [403],
    dispatched: nothing,
  },
  {
    name: 'Twilio: a field added after signing',
    requests: () => [
      twilioRequest(
        '/webhooks/twilio/inbound',
        { ...inbound('HELP'), OptOutType: 'STOP' },
        { signedParams: inbound('HELP') },
      ),
    ],
    statuses: [403],
    dispatched: nothing,
  },
  {
    name: 'Twilio: the signature of a status callback replayed on inbound',
    requests: () => [
      twilioRequest('/webhooks/twilio/inbound', inbound('STOP'), { signedPath: '/webhooks/twilio/status' }),
    ],
    statuses: [403],
    dispatched: nothing,
  },
  {
    name: 'Twilio: signed, but no From (400)',
    requests: () => [
      twilioRequest('/webhooks/twilio/inbound', { AccountSid: 'AC0123', MessageSid: SID, Body: 'STOP' }),
    ],
    statuses: [400],
    dispatched: nothing,
  },
  {
    name: 'Twilio: oversized body (2 MiB) → 413',
    requests: () => [twilioRequest('/webhooks/twilio/inbound', inbound(`STOP${' '.repeat(2 * 1024 * 1024)}`))],
    statuses: [413],
    dispatched: nothing,
  },

  // Twilio status callbacks
  {
    name: 'Twilio status: valid k token (control row) → delivered',
    requests: () => [twilioRequest(statusPath(kToken()), statusFields)],
    statuses: [204],
    dispatched: (calls) =>
      expect(calls).toMatchObject([
        {
          workflowId: WORKFLOW,
          signal: { kind: 'engagement', signal: { type: 'delivered', eventId: `twilio/${SID}/delivered` } },
        },
      ]),
  },
  {
    name: 'Twilio status: a forged k token (another secret), correctly signed by Twilio',
    requests: () => [twilioRequest(statusPath(kToken({ secret: 'another-secret-0123456789abcdefgh' })), statusFields)],
    statuses: [404],
    dispatched: nothing,
  },
  {
    name: 'Twilio status: a k token of another purpose (an open-pixel token)',
    requests: () => [twilioRequest(statusPath(kToken({ p: 'o' })), statusFields)],
    statuses: [404],
    dispatched: nothing,
  },
  {
    name: 'Twilio status: a tampered or truncated k token',
    requests: () => [
      twilioRequest(statusPath(lastCharChanged(kToken())), statusFields),
      twilioRequest(statusPath(kToken().slice(0, -3)), statusFields),
      twilioRequest('/webhooks/twilio/status', statusFields),
    ],
    statuses: [404, 404, 404],
    dispatched: nothing,
  },
  {
    name: 'Twilio status: another message’s k token swapped into a signed URL',
    requests: () => [
      twilioRequest(
        statusPath(
          signLinkToken(SECRET, {
            p: 's',
            w: 'settle/INV-9/other',
            s: 'nudge-sms',
            c: 'sms',
            k: 'settle/INV-9/other/x/1',
          }),
        ),
        statusFields,
        { signedPath: statusPath(kToken()) },
      ),
    ],
    statuses: [403],
    dispatched: nothing,
  },
];

describe('provider webhooks against hostile requests', () => {
  let t: TestApp;
  const answered: { source: string; status: number }[] = [];

  beforeAll(async () => {
    t = testApp({
      stripe: { webhookSecret: WHSEC },
      twilio: { authToken: TWILIO_TOKEN },
      log: false,
      onWebhookResponse: (source, status) => void answered.push({ source, status }),
    });
    await t.app.ready();
  });
  afterAll(async () => t?.app.close());
  beforeEach(() => {
    t.dispatcher.calls.length = 0;
    answered.length = 0;
  });

  it.each(ROWS)('$name → $statuses', async (row) => {
    const statuses: number[] = [];
    for (const request of row.requests()) statuses.push((await t.app.inject(request)).statusCode);
    expect(statuses).toEqual(row.statuses);
    row.dispatched(t.dispatcher.calls);
    // Every answer, refusals included, is counted for the webhook metrics.
    expect(answered.map((a) => a.status)).toEqual(row.statuses);
  });
});
