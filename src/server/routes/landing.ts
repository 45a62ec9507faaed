/**
 * The payment landing page: `GET /p/<token>` shows what is owed, in the
 * debtor's language, and is the journey's `visited` event (tagged with the channel the link
 * came in); `POST /p/<token>/checkout` creates a fresh Stripe Checkout Session and redirects to
 * it, so a link in an old SMS never expires; `GET /p/<token>/thanks` is where Stripe sends the
 * debtor back. The payment itself reaches the journey only through the signed webhook. A test link
 * (TEST_LINK, `settle render --send-to`) answers every one of them with the test page: no lookup,
 * no `visited` event, no Stripe session.
 *
 * Routes are wildcards (`/p/*`) because signed tokens are longer than the router's default
 * parameter limit (100 characters), and this plugin must not depend on the app's options.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ChannelError } from '../../channels/errors.js';
import { publicLink } from '../../channels/payments.js';
import type { StripeCheckout } from '../../channels/stripe.js';
import { isTestLink, verifyLinkToken, type LinkClaims, type SignedClaims } from '../../channels/tokens.js';
import { trackingEventId } from '../event-id.js';
import { acceptFormPosts, sendPage } from '../http.js';
import { errorPage, landingPage, paidPage, testLinkPage, thanksPage } from '../pages/landing/pages.js';
import { languageFromHeader, languageOf, textsFor, type Language } from '../pages/landing/texts.js';
import type { JourneyLookup, SignalDispatcher } from '../signals.js';
import type { JourneyStateView } from '../../workflows/types.js';
import { selfServiceSections } from './self-service.js';
import { checkoutRequest, findJourney, landingModel, messageLabels, offeredPlans } from './landing-journey.js';

export interface LandingRoutesDeps {
  /** SETTLE_SECRET: verifies the link tokens. */
  secret: string;
  /** SETTLE_PUBLIC_URL: base of the URLs Stripe sends the debtor back to. */
  publicUrl: string;
  lookup: JourneyLookup;
  dispatcher: SignalDispatcher;
  /** Stripe; when absent the pay button answers "payment unavailable" (503). */
  checkout?: StripeCheckout;
  /** Deadline of a journey lookup before the page answers 503; default 5 s. */
  lookupTimeoutMs?: number;
  clock?: () => number;
}

/** Idempotency key of a checkout: one session per message link and plan (for Stripe's 24 h). */
/**
 * The debtor's choice as part of the idempotency key: the amount asked for changes as payments
 * come in (a part payment, a plan's next instalment), and Stripe refuses a key reused for another
 * amount, so those carry what is asked.
 */
function checkoutChoice(plan: string, view: JourneyStateView): string {
  if (view.plan && !view.plan.broken) return `${plan}@instalment-${view.plan.paid + 1}-of-${view.plan.count}`;
  return view.amountPaid ? `${plan}@${view.debt.amountDue}` : plan;
}

export function checkoutIdempotencyKey(messageKey: string, plan: string): string {
  return `${messageKey}/pay/${plan}`;
}

const PATH = /^([A-Za-z0-9_-]{1,4000}\.[A-Za-z0-9_-]{1,100})(?:\/(checkout|thanks))?$/;

interface Target {
  token: string;
  claims: SignedClaims<LinkClaims>;
  action: 'page' | 'checkout' | 'thanks';
}

export async function registerLandingRoutes(app: FastifyInstance, deps: LandingRoutesDeps): Promise<void> {
  const clock = deps.clock ?? Date.now;
  const basePath = new URL(deps.publicUrl).pathname.replace(/\/+$/, '');

  function target(request: FastifyRequest): Target | undefined {
    const m = PATH.exec((request.params as Record<string, string>)['*'] ?? '');
    const claims = m ? verifyLinkToken(deps.secret, m[1]!, 'p', clock()) : undefined;
    if (!m || !claims) return undefined;
    return { token: m[1]!, claims, action: (m[2] as 'checkout' | 'thanks' | undefined) ?? 'page' };
  }

  const guestLanguage = (request: FastifyRequest, claims?: SignedClaims<LinkClaims>): Language =>
    claims?.l ? languageOf(claims.l) : languageFromHeader(request.headers['accept-language']);
  const pagePath = (t: Target) => `${basePath}/p/${t.token}`;

  /** The view of a journey that can be paid, or the reply that replaces the page. */
  async function openJourney(
    request: FastifyRequest,
    reply: FastifyReply,
    t: Target,
  ): Promise<{ view: JourneyStateView } | { done: FastifyReply }> {
    const journey = await findJourney(deps.lookup, t.claims.w, deps.lookupTimeoutMs ?? 5_000);
    const lang = journey.view ? languageOf(journey.view.debtor.locale) : guestLanguage(request, t.claims);
    switch (journey.state) {
      case 'open':
        return { view: journey.view };
      case 'unreachable':
        request.log.warn({ reason: journey.reason }, 'landing page: journey lookup failed');
        return { done: sendPage(reply.header('retry-after', '30'), 503, errorPage('unavailable', lang)) };
      case 'unknown':
        return { done: sendPage(reply, 404, errorPage('notFound', lang)) };
      case 'paid':
        return { done: sendPage(reply, 200, paidPage(lang, journey.view.debt.creditor)) };
      case 'closed':
        return { done: sendPage(reply, 410, errorPage('closed', lang)) };
    }
  }

  async function showPage(request: FastifyRequest, reply: FastifyReply, t: Target): Promise<FastifyReply> {
    const journey = await openJourney(request, reply, t);
    if ('done' in journey) return journey.done;
    const prefetch = /prefetch|prerender/i.test(
      `${request.headers['sec-purpose'] ?? ''}${request.headers.purpose ?? ''}`,
    );
    // A HEAD (link scanners) or a browser's speculative prefetch is not someone looking at the page.
    if (request.method === 'GET' && !prefetch) {
      const { w, k, c } = t.claims;
      deps.dispatcher.dispatch(w, {
        kind: 'engagement',
        signal: {
          eventId: trackingEventId({ w, k }, 'visited'),
          type: 'visited',
          messageId: k,
          at: new Date(clock()).toISOString(),
          data: { source: c },
        },
        labels: messageLabels(journey.view, t.claims),
      });
    }
    const extra = selfServiceSections(journey.view, t.claims, {
      secret: deps.secret,
      basePath,
      token: t.token,
      nowMs: clock(),
    });
    return sendPage(reply, 200, landingPage({ ...landingModel(journey.view, `${pagePath(t)}/checkout`), extra }));
  }

  async function startCheckout(request: FastifyRequest, reply: FastifyReply, t: Target): Promise<FastifyReply> {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const plan = typeof body.plan === 'string' ? body.plan : 'full';
    const journey = await openJourney(request, reply, t);
    if ('done' in journey) return journey.done;
    const view = journey.view;
    const lang = languageOf(view.debtor.locale);
    const instalments = plan === 'full' ? undefined : Number(plan);
    if (instalments !== undefined && !offeredPlans(view).includes(instalments)) {
      return sendPage(reply, 400, errorPage('badChoice', lang, pagePath(t)));
    }
    if (!deps.checkout) return sendPage(reply, 503, errorPage('paymentUnavailable', lang, pagePath(t)));
    const page = publicLink(deps.publicUrl, `p/${t.token}`);
    try {
      const session = await deps.checkout.createCheckoutSession(
        checkoutRequest(view, t.claims, textsFor(lang), {
          // The amount asked for changes as payments come in: a session per message, choice and amount.
          key: checkoutIdempotencyKey(t.claims.k, checkoutChoice(plan, view)),
          successUrl: `${page}/thanks`,
          cancelUrl: page,
          ...(instalments !== undefined && { instalments }),
        }),
      );
      return reply.code(303).header('location', session.url).header('cache-control', 'no-store').send();
    } catch (error) {
      const kind = error instanceof ChannelError ? error.kind : 'error';
      request.log.error(
        { kind, code: error instanceof ChannelError ? error.code : undefined },
        'checkout session failed',
      );
      return sendPage(reply, kind === 'unavailable' ? 503 : 502, errorPage('paymentUnavailable', lang, pagePath(t)));
    }
  }

  async function showThanks(request: FastifyRequest, reply: FastifyReply, t: Target): Promise<FastifyReply> {
    // Only the language and creditor are needed: a failed lookup still thanks, in a guessed language.
    const journey = await findJourney(deps.lookup, t.claims.w, deps.lookupTimeoutMs ?? 5_000);
    const lang = journey.view ? languageOf(journey.view.debtor.locale) : guestLanguage(request, t.claims);
    return sendPage(reply, 200, thanksPage(lang, journey.view?.debt.creditor));
  }

  await app.register(async (scope) => {
    acceptFormPosts(scope, 4096);
    scope.get('/p/*', async (request, reply) => {
      const t = target(request);
      if (!t || t.action === 'checkout') return sendPage(reply, 404, errorPage('notFound', guestLanguage(request)));
      if (isTestLink(t.claims)) return sendPage(reply, 200, testLinkPage());
      return t.action === 'thanks' ? showThanks(request, reply, t) : showPage(request, reply, t);
    });
    scope.post('/p/*', async (request, reply) => {
      const t = target(request);
      if (!t || t.action !== 'checkout') return sendPage(reply, 404, errorPage('notFound', guestLanguage(request)));
      if (isTestLink(t.claims)) return sendPage(reply, 200, testLinkPage());
      return startCheckout(request, reply, t);
    });
  });
}
