/**
 * The payment page's self-service actions: `POST /s/<token>/<action>` for `promise` (pay by a
 * date), `callback` (a call at a day and slot), `preferences` (language, channel, opt-outs) and
 * `dispute`, each offered when the journey declares it; `GET /s/<token>/received/<action>` (where
 * the form post redirects: post, redirect, get, so a reload posts nothing again); and
 * `GET /s/<token>/invoice.pdf`, the statement. The token is the payment link's own (purpose `p`).
 * Days (the promise window, call-back days) are counted in the journey's time, in the debtor's zone.
 *
 * Every action is a plain form post that works without JavaScript and is:
 * - **signed**: the page puts a `csrf` field in each form, an HMAC (SETTLE_SECRET) of the action,
 *   the link's message and the form's number; a post without it, or from another site
 *   (`Sec-Fetch-Site: cross-site`, or an `Origin` other than SETTLE_PUBLIC_URL's), is refused (403);
 * - **idempotent**: the journey event's id is the link's message and the form's number
 *   (`dispute/<message>/<n>`, `promise/…`, `callback/…`, `prefs/…`), so a double submit, a retry or a reload is one event (the
 *   dispatcher and the journey both drop repeats);
 * - **rate-limited**: at most RATE_LIMIT posts per link per RATE_WINDOW_MS (429 otherwise).
 *
 * A test link (TEST_LINK, `settle render --send-to`) answers the test page and records nothing.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isTestLink, verifyLinkToken, type LinkClaims, type SignedClaims } from '../../channels/tokens.js';
import { CALLBACK_SLOTS, DISPUTE_REASONS, type CallbackSlot, type DisputeReason } from '../../ir/index.js';
import type { EngagementSignal, JourneyStateView } from '../../workflows/types.js';
import { acceptFormPosts, sendPage } from '../http.js';
import { errorPage, testLinkPage } from '../pages/landing/pages.js';
import { invoicePdf } from '../pages/landing/invoice.js';
import { publicLink } from '../../channels/payments.js';
import {
  callbackSection,
  invoiceLink,
  disputeSection,
  preferencesSection,
  promiseSection,
  selfServiceNotice,
  type SelfServiceNotice,
} from '../pages/landing/self-service.js';
import { formatDueDate, formatLocale } from '../pages/landing/locale-format.js';
import { addDays, zonedTime } from '../../core/timezone.js';
import { languageFromHeader, languageOf, type Language } from '../pages/landing/texts.js';
import type { JourneyLookup, SignalDispatcher } from '../signals.js';
import { findJourney, messageLabels } from './landing-journey.js';

export const RATE_LIMIT = 5;
export const RATE_WINDOW_MS = 10 * 60_000;

export type SelfServiceAction = 'dispute' | 'promise' | 'callback' | 'preferences';

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

/** The journey's time now, by its clock (the demo's journeys run faster than the wall clock). */
export function journeyTime(view: JourneyStateView, wallMs: number): number {
  const c = view.clock;
  return c === undefined ? wallMs : c.journey + (wallMs - c.real) * c.scale;
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
  o: { secret: string; basePath: string; token: string; nowMs: number },
): string {
  return (
    invoiceHtml(view, o) +
    promiseHtml(view, claims, o) +
    callbackHtml(view, claims, o) +
    preferencesHtml(view, claims, o) +
    disputeHtml(view, claims, o)
  );
}

/** The link to the invoice (a PDF in the debtor's language). */
function invoiceHtml(view: JourneyStateView, o: { basePath: string; token: string }): string {
  const language = languageOf(view.debtor.locale);
  return invoiceLink({ language, href: `${o.basePath}/s/${o.token}/invoice.pdf` });
}

const nextCallbackNumber = (view: JourneyStateView) => (view.callbacks?.length ?? 0) + 1;
const nextPreferencesNumber = (view: JourneyStateView) =>
  view.events.filter((e) => e.type === 'preferencesChanged').length + 1;

/** The days a call-back may be asked for: from tomorrow, `days` of them, in the debtor's zone. */
export function callbackDays(view: JourneyStateView, days: number, nowMs: number): string[] {
  const today = dayIn(journeyTime(view, nowMs), view.debtor.timezone);
  return Array.from({ length: days }, (_, i) => addDays(today, i + 1));
}

function callbackHtml(
  view: JourneyStateView,
  claims: LinkClaims,
  o: { secret: string; basePath: string; token: string; nowMs: number },
): string {
  const form = view.callbackForm;
  if (form === undefined) return '';
  const language = languageOf(view.debtor.locale);
  const n = nextCallbackNumber(view);
  const today = dayIn(journeyTime(view, o.nowMs), view.debtor.timezone);
  const last = view.callbacks?.at(-1);
  return callbackSection({
    language,
    locale: formatLocale(view.debtor.locale, language),
    action: `${o.basePath}/s/${o.token}/callback`,
    timezone: view.debtor.timezone,
    days: callbackDays(view, form.days, o.nowMs),
    slots: form.slots,
    n,
    csrf: formSignature(o.secret, 'callback', claims, n),
    ...(last !== undefined && last.date > today && { asked: { date: last.date, slot: last.slot } }),
  });
}

function preferencesHtml(
  view: JourneyStateView,
  claims: LinkClaims,
  o: { secret: string; basePath: string; token: string },
): string {
  const form = view.preferenceForm;
  if (form === undefined) return '';
  const language = languageOf(view.debtor.locale);
  const n = nextPreferencesNumber(view);
  const locale = view.preferences?.locale ?? view.debtor.locale;
  return preferencesSection({
    language,
    action: `${o.basePath}/s/${o.token}/preferences`,
    languages: form.languages,
    ...(locale !== undefined && { locale: form.languages.includes(locale) ? locale : languageOf(locale) }),
    ...(view.preferences?.channel !== undefined && { channel: view.preferences.channel }),
    optedOut: view.optedOut,
    n,
    csrf: formSignature(o.secret, 'preferences', claims, n),
  });
}

/** The number the next promise of this journey gets (1 for the first). */
function nextPromiseNumber(view: JourneyStateView): number {
  return (view.promises?.length ?? 0) + 1;
}

/** The dates the debtor may promise: tomorrow to today + maxDays, in their zone. */
export function promiseWindow(view: JourneyStateView, maxDays: number, nowMs: number): { first: string; last: string } {
  // Today in the journey's time (the demo's journeys run faster than the wall clock), else the server's.
  const today = dayIn(journeyTime(view, nowMs), view.debtor.timezone);
  return { first: addDays(today, 1), last: addDays(today, maxDays) };
}

function promiseHtml(
  view: JourneyStateView,
  claims: LinkClaims,
  o: { secret: string; basePath: string; token: string; nowMs: number },
): string {
  const form = view.promiseForm;
  if (form === undefined) return '';
  const running = view.promises?.find((p) => p.status === 'open');
  // Not while a dispute is under review, nor once the journey's promises are used up.
  if (running === undefined && (form.left <= 0 || view.disputes?.some((d) => d.status === 'open'))) return '';
  const language = languageOf(view.debtor.locale);
  const n = nextPromiseNumber(view);
  return promiseSection({
    language,
    locale: formatLocale(view.debtor.locale, language),
    action: `${o.basePath}/s/${o.token}/promise`,
    maxDays: form.maxDays,
    ...promiseWindow(view, form.maxDays, o.nowMs),
    n,
    csrf: formSignature(o.secret, 'promise', claims, n),
    ...(running !== undefined && { open: { date: running.date } }),
  });
}

function disputeHtml(
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

const PATH =
  /^([A-Za-z0-9_-]{1,4000}\.[A-Za-z0-9_-]{1,100})\/((?:received\/)?(?:dispute|promise|callback|preferences)|invoice\.pdf)$/;
const ACTIONS: readonly SelfServiceAction[] = ['dispute', 'promise', 'callback', 'preferences'];
const RECEIVED: Record<SelfServiceAction, SelfServiceNotice> = {
  dispute: 'disputeReceived',
  promise: 'promiseReceived',
  callback: 'callbackReceived',
  preferences: 'preferencesReceived',
};

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

  /** The checks every action shares: same site, the page's signature, the rate limit, an open journey. */
  async function open(
    action: SelfServiceAction,
    request: FastifyRequest,
    reply: FastifyReply,
    token: string,
    claims: LinkClaims,
  ): Promise<
    { view: JourneyStateView; n: number; body: Record<string, unknown>; lang: Language } | { done: FastifyReply }
  > {
    const page = `${basePath}/p/${token}`;
    const body = (request.body ?? {}) as Record<string, unknown>;
    const n = typeof body.n === 'string' && /^[1-9][0-9]{0,3}$/.test(body.n) ? Number(body.n) : undefined;
    const csrf = typeof body.csrf === 'string' ? body.csrf : '';
    const lang = guest(request, claims);
    if (crossSite(request) || n === undefined || !sameSignature(csrf, formSignature(deps.secret, action, claims, n)))
      return { done: sendPage(reply, 403, selfServiceNotice('forbidden', lang, page)) };
    if (!limiter.allow(`${claims.w}\u0000${claims.k}`, clock())) {
      reply.header('retry-after', String(RATE_WINDOW_MS / 1000));
      return { done: sendPage(reply, 429, selfServiceNotice('tooMany', lang, page)) };
    }
    const journey = await findJourney(deps.lookup, claims.w, deps.lookupTimeoutMs ?? 5_000);
    if (journey.state === 'unreachable')
      return { done: sendPage(reply.header('retry-after', '30'), 503, errorPage('unavailable', lang, page)) };
    if (journey.state !== 'open')
      return { done: sendPage(reply, journey.state === 'unknown' ? 404 : 410, errorPage('closed', lang)) };
    return { view: journey.view, n, body, lang: languageOf(journey.view.debtor.locale) };
  }

  /** Hands the journey its event (idempotent by the id) and redirects to the receipt. */
  function deliver(
    reply: FastifyReply,
    action: SelfServiceAction,
    token: string,
    claims: LinkClaims,
    view: JourneyStateView,
    lang: Language,
    signal: Omit<EngagementSignal, 'messageId' | 'at'>,
  ): FastifyReply {
    const result = deps.dispatcher.dispatch(claims.w, {
      kind: 'engagement',
      signal: { ...signal, messageId: claims.k, at: new Date(clock()).toISOString() },
      labels: messageLabels(view, claims),
    });
    if (result === 'full')
      return sendPage(reply.header('retry-after', '30'), 503, errorPage('unavailable', lang, `${basePath}/p/${token}`));
    return received(reply, action, token);
  }

  const received = (reply: FastifyReply, action: SelfServiceAction, token: string) =>
    reply
      .code(303)
      .header('location', `${basePath}/s/${token}/received/${action}`)
      .header('cache-control', 'no-store')
      .send();

  async function dispute(request: FastifyRequest, reply: FastifyReply, token: string, claims: LinkClaims) {
    const opened = await open('dispute', request, reply, token, claims);
    if ('done' in opened) return opened.done;
    const { view, n, body, lang } = opened;
    const notice = (status: number, kind: SelfServiceNotice) =>
      sendPage(reply, status, selfServiceNotice(kind, lang, `${basePath}/p/${token}`));
    const form = view.disputeForm;
    if (form === undefined) return sendPage(reply, 404, errorPage('notFound', lang));
    // Already under review (this form sent twice, or another tab): nothing more to do.
    if (view.disputes?.some((d) => d.status === 'open') || n < nextDisputeNumber(view))
      return received(reply, 'dispute', token);
    const reason = typeof body.reason === 'string' ? body.reason : '';
    if (!(DISPUTE_REASONS as readonly string[]).includes(reason) || !form.reasons.includes(reason as DisputeReason))
      return notice(400, 'badForm');
    const text = typeof body.text === 'string' ? body.text.replace(/\r\n/g, '\n').trim() : '';
    if (text.length > form.maxLength) return notice(400, 'badForm');
    if (reason === 'other' && text === '') return notice(400, 'otherNeedsText');
    return deliver(reply, 'dispute', token, claims, view, lang, {
      eventId: `dispute/${claims.k}/${n}`,
      type: 'disputed',
      data: { reason, ...(text !== '' && { text }), source: claims.c },
    });
  }

  async function promise(request: FastifyRequest, reply: FastifyReply, token: string, claims: LinkClaims) {
    const opened = await open('promise', request, reply, token, claims);
    if ('done' in opened) return opened.done;
    const { view, n, body, lang } = opened;
    const form = view.promiseForm;
    if (form === undefined) return sendPage(reply, 404, errorPage('notFound', lang));
    // This form sent twice, or a promise running already: nothing more to do.
    if (view.promises?.some((p) => p.status === 'open') || n < nextPromiseNumber(view))
      return received(reply, 'promise', token);
    const window = promiseWindow(view, form.maxDays, clock());
    const date = typeof body.date === 'string' ? body.date : '';
    if (form.left <= 0 || !/^\d{4}-\d{2}-\d{2}$/.test(date) || date < window.first || date > window.last) {
      const locale = formatLocale(view.debtor.locale, lang);
      const shown = { first: formatDueDate(window.first, locale), last: formatDueDate(window.last, locale) };
      return sendPage(
        reply,
        400,
        selfServiceNotice('badDate', lang, `${basePath}/p/${token}`, view.debt.creditor, shown),
      );
    }
    return deliver(reply, 'promise', token, claims, view, lang, {
      eventId: `promise/${claims.k}/${n}`,
      type: 'promised',
      data: { date, source: claims.c },
    });
  }

  /** The debt's details as a PDF in the debtor's language (open or paid journeys). */
  async function invoice(request: FastifyRequest, reply: FastifyReply, token: string, claims: LinkClaims) {
    const journey = await findJourney(deps.lookup, claims.w, deps.lookupTimeoutMs ?? 5_000);
    const lang = journey.view ? languageOf(journey.view.debtor.locale) : guest(request, claims);
    if (journey.state === 'unreachable')
      return sendPage(reply.header('retry-after', '30'), 503, errorPage('unavailable', lang));
    if (journey.state === 'unknown') return sendPage(reply, 404, errorPage('notFound', lang));
    if (journey.state === 'closed') return sendPage(reply, 410, errorPage('closed', lang));
    const view = journey.view;
    const pdf = await invoicePdf(view, {
      payUrl: publicLink(deps.publicUrl, `p/${token}`),
      today: dayIn(journeyTime(view, clock()), view.debtor.timezone),
    });
    const name = `${view.debt.reference.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 80)}.pdf`;
    return reply
      .code(200)
      .header('content-type', 'application/pdf')
      .header('content-disposition', `attachment; filename="${name}"`)
      .header('cache-control', 'no-store')
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .header('x-robots-tag', 'noindex, nofollow')
      .send(Buffer.from(pdf));
  }

  async function callback(request: FastifyRequest, reply: FastifyReply, token: string, claims: LinkClaims) {
    const opened = await open('callback', request, reply, token, claims);
    if ('done' in opened) return opened.done;
    const { view, n, body, lang } = opened;
    const form = view.callbackForm;
    if (form === undefined) return sendPage(reply, 404, errorPage('notFound', lang));
    if (n < nextCallbackNumber(view)) return received(reply, 'callback', token);
    const date = typeof body.date === 'string' ? body.date : '';
    const slot = typeof body.slot === 'string' ? body.slot : '';
    if (!callbackDays(view, form.days, clock()).includes(date) || !(form.slots as string[]).includes(slot))
      return sendPage(reply, 400, selfServiceNotice('badForm', lang, `${basePath}/p/${token}`));
    const [fromHour, toHour] = CALLBACK_SLOTS[slot as CallbackSlot];
    const tz = view.debtor.timezone;
    return deliver(reply, 'callback', token, claims, view, lang, {
      eventId: `callback/${claims.k}/${n}`,
      type: 'callbackRequested',
      data: {
        date,
        slot,
        from: new Date(zonedTime(date, fromHour * 60, tz)).toISOString(),
        to: new Date(zonedTime(date, toHour * 60, tz)).toISOString(),
        source: claims.c,
      },
    });
  }

  async function preferences(request: FastifyRequest, reply: FastifyReply, token: string, claims: LinkClaims) {
    const opened = await open('preferences', request, reply, token, claims);
    if ('done' in opened) return opened.done;
    const { view, n, body, lang } = opened;
    const form = view.preferenceForm;
    if (form === undefined) return sendPage(reply, 404, errorPage('notFound', lang));
    if (n < nextPreferencesNumber(view)) return received(reply, 'preferences', token);
    const locale = typeof body.locale === 'string' ? body.locale : '';
    const channel = typeof body.channel === 'string' ? body.channel : 'none';
    if ((locale !== '' && !form.languages.includes(locale)) || !['email', 'sms', 'none'].includes(channel))
      return sendPage(reply, 400, selfServiceNotice('badForm', lang, `${basePath}/p/${token}`));
    // Opt-outs per channel go to the journey as opt-outs (and from there to the debtor's ledger).
    for (const c of ['email', 'sms'] as const) {
      const wanted = body[`optOut-${c}`] === 'on';
      if (wanted === view.optedOut.includes(c)) continue;
      deps.dispatcher.dispatch(claims.w, {
        kind: wanted ? 'optOut' : 'optIn',
        channel: c,
        eventId: `prefs/${claims.k}/${n}/${c}`,
      });
    }
    return deliver(reply, 'preferences', token, claims, view, lang, {
      eventId: `prefs/${claims.k}/${n}`,
      type: 'preferencesChanged',
      data: { ...(locale !== '' && { locale }), channel, source: claims.c },
    });
  }

  await app.register(async (scope) => {
    acceptFormPosts(scope, 16_384);
    scope.post('/s/*', async (request, reply) => {
      const t = target(request);
      if (!t || !(ACTIONS as readonly string[]).includes(t.path))
        return sendPage(reply, 404, errorPage('notFound', guest(request)));
      if (isTestLink(t.claims)) return sendPage(reply, 200, testLinkPage());
      const handlers = { dispute, promise, callback, preferences };
      return handlers[t.path as SelfServiceAction](request, reply, t.token, t.claims);
    });
    scope.get('/s/*', async (request, reply) => {
      const t = target(request);
      if (t?.path === 'invoice.pdf') {
        if (isTestLink(t.claims)) return sendPage(reply, 200, testLinkPage());
        return invoice(request, reply, t.token, t.claims);
      }
      if (!t || !t.path.startsWith('received/')) return sendPage(reply, 404, errorPage('notFound', guest(request)));
      if (isTestLink(t.claims)) return sendPage(reply, 200, testLinkPage());
      const journey = await findJourney(deps.lookup, t.claims.w, deps.lookupTimeoutMs ?? 5_000);
      const lang = journey.view ? languageOf(journey.view.debtor.locale) : guest(request, t.claims);
      return sendPage(
        reply,
        200,
        selfServiceNotice(
          RECEIVED[t.path.slice('received/'.length) as SelfServiceAction],
          lang,
          `${basePath}/p/${t.token}`,
          journey.view?.debt.creditor,
        ),
      );
    });
  });
}
