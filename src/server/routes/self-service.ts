/**
 * The payment page's self-service actions: `POST /s/<token>/dispute` (the debtor disputes the
 * debt) and `GET /s/<token>/received/<action>` (where the form post redirects: post, redirect,
 * get, so a reload posts nothing again). The token is the payment link's own (purpose `p`).
 *
 * Every action is a plain form post that works without JavaScript and is:
 * - **signed**: the page puts a `csrf` field in each form, an HMAC (SETTLE_SECRET) of the action,
 *   the link's message and the form's number; a post without it, or from another site
 *   (`Sec-Fetch-Site: cross-site`, or an `Origin` other than SETTLE_PUBLIC_URL's), is refused (403);
 * - **idempotent**: the journey event's id is the link's message and the form's number
 *   (`dispute/<message>/<n>`), so a double submit, a retry or a reload is one event (the
 *   dispatcher and the journey both drop repeats);
 * - **rate-limited**: at most RATE_LIMIT posts per link per RATE_WINDOW_MS (429 otherwise).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { verifyLinkToken, type LinkClaims, type SignedClaims } from '../../channels/tokens.js';
import { DISPUTE_REASONS, type DisputeReason } from '../../ir/index.js';
import type { JourneyStateView } from '../../workflows/types.js';
import { LANDING_HEADERS } from '../pages/landing/layout.js';
import { errorPage } from '../pages/landing/pages.js';
import { disputeSection, selfServiceNotice, type SelfServiceNotice } from '../pages/landing/self-service.js';
import { formatLocale } from '../pages/landing/format.js';
import { languageFromHeader, languageOf, type Language } from '../pages/landing/texts.js';
import type { JourneyLookup, SignalDispatcher } from '../signals.js';
import { findJourney, messageLabels } from './landing-journey.js';

export const RATE_LIMIT = 5;
export const RATE_WINDOW_MS = 10 * 60_000;

export type SelfServiceAction = 'dispute';

export interface SelfServiceDeps {
  secret: string;
  publicUrl: string;
  lookup: JourneyLookup;
  dispatcher: SignalDispatcher;
  lookupTimeoutMs?: number;
  clock?: () => number;
}

/** The `csrf` field of a form: HMAC of the action, the link's workflow and message, and the form's number. */
export function formSignature(secret: string, action: SelfServiceAction, claims: LinkClaims, n: number): string {
  return createHmac('sha256', secret)
    .update(`settle-form\u0000${action}\u0000${claims.w}\u0000${claims.k}\u0000${n}`)
    .digest()
    .subarray(0, 16)
    .toString('base64url');
}

function sameSignature(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Posts per key in a sliding window; bounded memory (the oldest keys are forgotten first). */
export class RateLimiter {
  private readonly hits = new Map<string, number[]>();
  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly maxKeys = 50_000,
  ) {}

  /** Counts a hit; false when the key has had `limit` hits in the window already. */
  allow(key: string, now: number): boolean {
    const recent = (this.hits.get(key) ?? []).filter((t) => t > now - this.windowMs);
    this.hits.delete(key);
    if (recent.length >= this.limit) {
      this.hits.set(key, recent);
      return false;
    }
    recent.push(now);
    this.hits.set(key, recent);
    if (this.hits.size > this.maxKeys) this.hits.delete(this.hits.keys().next().value!);
    return true;
  }
}

/** The number the next dispute of this debt gets (1 for the first). */
function nextDisputeNumber(view: JourneyStateView): number {
  return (view.disputes?.length ?? 0) + 1;
}

/** A debt's day in the debtor's zone (YYYY-MM-DD). */
function dayIn(ms: number, timezone: string): string {
  try {
    return new Intl.DateTimeFormat('en-CA', { timeZone: timezone, dateStyle: 'short' }).format(ms);
  } catch {
    return new Date(ms).toISOString().slice(0, 10);
  }
}

/**
 * The self-service sections of the payment page for this journey (the dispute form when the
 * journey declares `disputes`), as trusted HTML; '' when it offers none.
 */
export function selfServiceSections(
  view: JourneyStateView,
  claims: LinkClaims,
  o: { secret: string; basePath: string; token: string },
): string {
  const form = view.disputeForm;
  if (form === undefined) return '';
  const language = languageOf(view.debtor.locale);
  const open = view.disputes?.find((d) => d.status === 'open');
  const n = nextDisputeNumber(view);
  return disputeSection({
    language,
    locale: formatLocale(view.debtor.locale, language),
    action: `${o.basePath}/s/${o.token}/dispute`,
    reasons: form.reasons,
    maxLength: form.maxLength,
    n,
    csrf: formSignature(o.secret, 'dispute', claims, n),
    ...(open !== undefined && { open: { reason: open.reason, openedOn: dayIn(open.openedAt, view.debtor.timezone) } }),
  });
}

const PATH = /^([A-Za-z0-9_-]{1,4000}\.[A-Za-z0-9_-]{1,100})\/(dispute|received\/dispute)$/;

function send(reply: FastifyReply, status: number, html: string): FastifyReply {
  return reply.code(status).headers(LANDING_HEADERS).send(html);
}

export async function registerSelfServiceRoutes(app: FastifyInstance, deps: SelfServiceDeps): Promise<void> {
  const clock = deps.clock ?? Date.now;
  const publicOrigin = new URL(deps.publicUrl).origin;
  const basePath = new URL(deps.publicUrl).pathname.replace(/\/+$/, '');
  const limiter = new RateLimiter(RATE_LIMIT, RATE_WINDOW_MS);

  function target(
    request: FastifyRequest,
  ): { token: string; claims: SignedClaims<LinkClaims>; path: string } | undefined {
    const m = PATH.exec((request.params as Record<string, string>)['*'] ?? '');
    const claims = m ? verifyLinkToken(deps.secret, m[1]!, 'p', clock()) : undefined;
    if (!m || !claims) return undefined;
    return { token: m[1]!, claims, path: m[2]! };
  }

  const guest = (request: FastifyRequest, claims?: LinkClaims): Language =>
    claims?.l ? languageOf(claims.l) : languageFromHeader(request.headers['accept-language']);

  /** A post from another site: a browser says so (Sec-Fetch-Site) or names its origin. */
  function crossSite(request: FastifyRequest): boolean {
    const site = request.headers['sec-fetch-site'];
    if (site === 'cross-site') return true;
    const origin = request.headers.origin;
    return typeof origin === 'string' && origin !== 'null' && origin !== publicOrigin;
  }

  async function dispute(request: FastifyRequest, reply: FastifyReply, token: string, claims: LinkClaims) {
    const page = `${basePath}/p/${token}`;
    const body = (request.body ?? {}) as Record<string, unknown>;
    const n = typeof body.n === 'string' && /^[1-9][0-9]{0,3}$/.test(body.n) ? Number(body.n) : undefined;
    const csrf = typeof body.csrf === 'string' ? body.csrf : '';
    let lang = guest(request, claims);
    const notice = (status: number, kind: SelfServiceNotice) =>
      send(reply, status, selfServiceNotice(kind, lang, page));
    if (crossSite(request) || n === undefined || !sameSignature(csrf, formSignature(deps.secret, 'dispute', claims, n)))
      return notice(403, 'forbidden');
    if (!limiter.allow(`${claims.w}\u0000${claims.k}`, clock())) {
      reply.header('retry-after', String(RATE_WINDOW_MS / 1000));
      return notice(429, 'tooMany');
    }
    const journey = await findJourney(deps.lookup, claims.w, deps.lookupTimeoutMs ?? 5_000);
    if (journey.state === 'unreachable')
      return send(reply.header('retry-after', '30'), 503, errorPage('unavailable', lang, page));
    if (journey.state !== 'open')
      return send(reply, journey.state === 'unknown' ? 404 : 410, errorPage('closed', lang));
    const view = journey.view;
    lang = languageOf(view.debtor.locale);
    const form = view.disputeForm;
    if (form === undefined) return send(reply, 404, errorPage('notFound', lang));
    const received = `${basePath}/s/${token}/received/dispute`;
    // Already under review (this form sent twice, or another tab): nothing more to do.
    if (view.disputes?.some((d) => d.status === 'open') || n < nextDisputeNumber(view))
      return reply.code(303).header('location', received).header('cache-control', 'no-store').send();
    const reason = typeof body.reason === 'string' ? body.reason : '';
    if (!(DISPUTE_REASONS as readonly string[]).includes(reason) || !form.reasons.includes(reason as DisputeReason))
      return notice(400, 'badForm');
    const text = typeof body.text === 'string' ? body.text.replace(/\r\n/g, '\n').trim() : '';
    if (text.length > form.maxLength) return notice(400, 'badForm');
    if (reason === 'other' && text === '') return notice(400, 'otherNeedsText');
    const result = deps.dispatcher.dispatch(claims.w, {
      kind: 'engagement',
      signal: {
        eventId: `dispute/${claims.k}/${n}`,
        type: 'disputed',
        messageId: claims.k,
        at: new Date(clock()).toISOString(),
        data: { reason, ...(text !== '' && { text }), source: claims.c },
      },
      labels: messageLabels(view, claims),
    });
    if (result === 'full') return send(reply.header('retry-after', '30'), 503, errorPage('unavailable', lang, page));
    return reply.code(303).header('location', received).header('cache-control', 'no-store').send();
  }

  await app.register(async (scope) => {
    if (!scope.hasContentTypeParser('application/x-www-form-urlencoded')) {
      scope.addContentTypeParser(
        'application/x-www-form-urlencoded',
        { parseAs: 'string', bodyLimit: 16_384 },
        (_req, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))),
      );
    }
    scope.post('/s/*', async (request, reply) => {
      const t = target(request);
      if (!t || t.path !== 'dispute') return send(reply, 404, errorPage('notFound', guest(request)));
      return dispute(request, reply, t.token, t.claims);
    });
    scope.get('/s/*', async (request, reply) => {
      const t = target(request);
      if (!t || t.path !== 'received/dispute') return send(reply, 404, errorPage('notFound', guest(request)));
      const journey = await findJourney(deps.lookup, t.claims.w, deps.lookupTimeoutMs ?? 5_000);
      const lang = journey.view ? languageOf(journey.view.debtor.locale) : guest(request, t.claims);
      return send(
        reply,
        200,
        selfServiceNotice('disputeReceived', lang, `${basePath}/p/${t.token}`, journey.view?.debt.creditor),
      );
    });
  });
}
