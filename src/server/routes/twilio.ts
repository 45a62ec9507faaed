/**
 * Twilio webhooks:
 * - `POST /webhooks/twilio/status`: the message status callback. Its URL carries the signed `k`
 *   token the SMS channel put there (src/channels/twilio.ts), naming journey and message:
 *   delivered → `delivered`; undelivered / failed → `bounced` with the Twilio ErrorCode;
 *   queued / sent / others are progress, not events.
 * - `POST /webhooks/twilio/inbound`: a text from a debtor. An opt-out keyword opts that phone
 *   number out of SMS in every running journey of the contact (the SettleContact keyed hash),
 *   an opt-in keyword opts it back in, HELP is Twilio's to answer, anything else is `replied`.
 * A status callback of a test send (its `k` token carries TEST_LINK) is acknowledged and not recorded.
 * Both verify `X-Twilio-Signature` over the public URL Twilio was given (SETTLE_PUBLIC_URL plus
 * the path and query as received): a forged or altered request is 403 and dispatches nothing.
 * Phone numbers and message texts are never logged nor put into signals; only the keyed hash.
 * Form bodies need @fastify/formbody registered on the app.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import twilio from 'twilio';
import { isTestLink, verifyLinkToken } from '../../channels/tokens.js';
import { keyedHash } from '../../ids/workflow-ids.js';
import type { EngagementSignal } from '../../workflows/types.js';
import type { DispatchResult, JourneySignal, SignalDispatcher } from '../signals.js';

/** Twilio's default opt-out keywords, plus OPTOUT and REVOKE (Advanced Opt-Out defaults). */
export const OPT_OUT_KEYWORDS = ['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'OPTOUT', 'REVOKE'];
export const OPT_IN_KEYWORDS = ['START', 'UNSTOP', 'YES'];
export const HELP_KEYWORDS = ['HELP', 'INFO'];

export interface TwilioRouteDeps {
  /** TWILIO_AUTH_TOKEN: the key of the webhook signatures. */
  authToken: string;
  /** SETTLE_PUBLIC_URL: the origin (and path prefix) Twilio posts to. */
  publicUrl: string;
  /** SETTLE_SECRET: verifies the `k` token and keys the contact hash. */
  secret: string;
  dispatcher: SignalDispatcher;
  optOutKeywords?: string[];
  optInKeywords?: string[];
  clock?: () => number;
}

export const TWIML_EMPTY = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

type Params = Record<string, string | string[]>;

function field(params: Params, name: string): string | undefined {
  const value = params[name];
  return typeof value === 'string' ? value : Array.isArray(value) ? value[0] : undefined;
}

function formParams(body: unknown): Params {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return {};
  const params: Params = {};
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
    if (typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string')))
      params[k] = v as string | string[];
  }
  return params;
}

function keywordSet(words: string[] | undefined, fallback: string[]): Set<string> {
  return new Set((words ?? fallback).map((w) => w.trim().toUpperCase()));
}

export function registerTwilioRoutes(app: FastifyInstance, deps: TwilioRouteDeps): void {
  // Twilio signs the URL it was given: SETTLE_PUBLIC_URL + path + query. A reverse proxy in front
  // must forward the path unchanged (a public path prefix it strips would break every signature).
  const base = deps.publicUrl.replace(/\/+$/, '');
  const optOut = keywordSet(deps.optOutKeywords, OPT_OUT_KEYWORDS);
  const optIn = keywordSet(deps.optInKeywords, OPT_IN_KEYWORDS);
  const help = new Set(HELP_KEYWORDS);
  const clock = deps.clock ?? Date.now;

  /** The form fields of a request Twilio really signed, or undefined (403 already sent). */
  function verified(req: FastifyRequest, reply: FastifyReply): Params | undefined {
    const params = formParams(req.body);
    const signature = req.headers['x-twilio-signature'];
    const ok =
      typeof signature === 'string' &&
      twilio.validateRequest(deps.authToken, signature, base + req.originalUrl, params);
    if (!ok) {
      req.log.warn({ route: req.routeOptions.url }, 'Twilio webhook with a missing or invalid signature refused');
      void reply.code(403).send();
      return undefined;
    }
    return params;
  }

  /** 503 when the dispatcher's queue is full (Twilio logs the failure; nothing else is lost: see below). */
  function answer(reply: FastifyReply, results: DispatchResult[], ok: () => FastifyReply): FastifyReply {
    if (results.includes('full')) return reply.code(503).header('retry-after', '5').send();
    return ok();
  }

  app.post('/webhooks/twilio/status', async (req, reply) => {
    const params = verified(req, reply);
    if (!params) return reply;
    const token = (req.query as Record<string, unknown>).k;
    const claims = typeof token === 'string' ? verifyLinkToken(deps.secret, token, 's') : undefined;
    if (!claims) return reply.code(404).send();
    if (isTestLink(claims)) return reply.code(204).send(); // a test send: nothing is recorded
    const status = field(params, 'MessageStatus') ?? field(params, 'SmsStatus');
    const sid = field(params, 'MessageSid') ?? field(params, 'SmsSid') ?? claims.k;
    let signal: EngagementSignal | undefined;
    const at = new Date(clock()).toISOString();
    if (status === 'delivered') {
      signal = {
        eventId: `twilio/${sid}/delivered`,
        type: 'delivered',
        messageId: claims.k,
        at,
        data: { channel: 'sms' },
      };
    } else if (status === 'undelivered' || status === 'failed') {
      const code = Number(field(params, 'ErrorCode'));
      const data = { channel: 'sms', status, ...(Number.isFinite(code) && code > 0 && { errorCode: code }) };
      // Both statuses are one bounce: the same event id, so a second callback counts once.
      signal = { eventId: `twilio/${sid}/bounced`, type: 'bounced', messageId: claims.k, at, data };
    }
    if (!signal) return reply.code(204).send();
    // The message's version and variant (claims of links signed since they carry them): metric labels only.
    const labels =
      claims.v === undefined
        ? undefined
        : {
            version: claims.v,
            ...(claims.a !== undefined && { variant: claims.a }),
            ...(claims.j !== undefined && { journey: claims.j }),
          };
    const result = deps.dispatcher.dispatch(claims.w, { kind: 'engagement', signal, ...(labels && { labels }) });
    return answer(reply, [result], () => reply.code(204).send());
  });

  app.post('/webhooks/twilio/inbound', async (req, reply) => {
    const params = verified(req, reply);
    if (!params) return reply;
    const from = field(params, 'From');
    const sid = field(params, 'MessageSid') ?? field(params, 'SmsMessageSid');
    if (!from || !sid) return reply.code(400).send();
    const contact = keyedHash(deps.secret, 'phone', from);
    const word = (field(params, 'Body') ?? '').trim().toUpperCase();
    const at = new Date(clock()).toISOString();
    const signals: JourneySignal[] = [];
    if (optOut.has(word)) {
      signals.push({ kind: 'optOut', channel: 'sms', eventId: `twilio/${sid}/optOut` });
      signals.push({ kind: 'engagement', signal: { eventId: sid, type: 'optedOut', at, data: { channel: 'sms' } } });
    } else if (optIn.has(word)) {
      signals.push({ kind: 'optIn', channel: 'sms', eventId: `twilio/${sid}/optIn` });
    } else if (!help.has(word)) {
      signals.push({ kind: 'engagement', signal: { eventId: sid, type: 'replied', at, data: { channel: 'sms' } } });
    }
    // A full queue loses an inbound text for Settle only: Twilio itself still blocks a number
    // that sent STOP (a later send fails with 21610, which the journey treats as opted out).
    const results = signals.map((s) => deps.dispatcher.dispatchToContact(contact, s));
    return answer(reply, results, () => reply.code(200).type('text/xml').send(TWIML_EMPTY));
  });
}
