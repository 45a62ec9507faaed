/**
 * The opt-out link `/u/<token>`: GET shows a confirmation page and changes nothing
 * (link scanners fetch every link); POST unsubscribes — from the page's button, or from a mail
 * client's one-click unsubscribe (RFC 8058: `List-Unsubscribe=One-Click` posted to the address of
 * the List-Unsubscribe header, answered 200 without a redirect).
 *
 * Unsubscribing signals this journey — the `optOut` signal for the link's channel, and an
 * `optedOut` engagement event about the message (its timeline, `waitFor`, the metrics) — and,
 * when the token names the contact (the keyed hash of the address), every running journey of
 * that contact, found by the SettleContact search attribute. When the dispatcher's queue is full
 * the answer is 503 (retry later), never a confirmation of an unsubscribe that was not queued.
 * A test link (TEST_LINK) shows the same pages with a "test link" banner and signals nothing.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isTestLink, verifyLinkToken } from '../../channels/tokens.js';
import { CHANNELS, type Channel } from '../../ir/index.js';
import type { ServerDeps } from '../deps.js';
import { trackingEventId } from '../event-id.js';
import { sendNotFound } from '../not-found.js';
import { sendPage, sendText } from '../http.js';
import { PAGE_HEADERS } from '../pages/html.js';
import { optOutConfirmPage, optOutDonePage } from '../pages/opt-out.js';

type TokenParams = { Params: { token: string } };

function isOneClick(body: unknown): boolean {
  if (typeof body === 'string')
    return /(^|[&\r\n])List-Unsubscribe=One-Click\b|name="List-Unsubscribe"\s+One-Click/.test(body);
  return (
    typeof body === 'object' && body !== null && (body as Record<string, unknown>)['List-Unsubscribe'] === 'One-Click'
  );
}

export function registerOptOutRoutes(app: FastifyInstance, deps: ServerDeps): void {
  const clock = deps.clock ?? Date.now;

  function verify(request: FastifyRequest<TokenParams>) {
    const claims = verifyLinkToken(deps.secret, request.params.token, 'u', clock());
    if (!claims || !(CHANNELS as readonly string[]).includes(claims.c)) return undefined;
    return { ...claims, c: claims.c as Channel };
  }

  app.get<TokenParams>('/u/:token', (request, reply) => {
    const claims = verify(request);
    if (!claims) return sendNotFound(reply);
    return sendPage(reply, 200, optOutConfirmPage(claims.l, claims.c, isTestLink(claims)), PAGE_HEADERS);
  });

  void app.register(async (scope) => {
    // RFC 8058 allows multipart/form-data too; the body's content does not matter beyond the
    // one-click marker, so any type is read as a short string.
    scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: 16 * 1024 }, (_req, body, done) =>
      done(null, body),
    );
    scope.post<TokenParams>('/u/:token', { bodyLimit: 16 * 1024 }, (request, reply: FastifyReply) => {
      const claims = verify(request);
      if (!claims) return sendNotFound(reply);
      const channel = claims.c;
      if (isTestLink(claims)) {
        // A test send: the page a debtor would see, and nothing recorded.
        if (isOneClick(request.body)) return sendText(reply, 200, 'Test link: nothing is recorded\n');
        return sendPage(reply, 200, optOutDonePage(claims.l, channel, true), PAGE_HEADERS);
      }
      const at = new Date(clock()).toISOString();
      // Unlike an open, an unsubscribe must not be lost: with the queue full, answer 503 so the
      // mail client (or the person, pressing again) retries.
      if (deps.dispatcher.dispatch(claims.w, { kind: 'optOut', channel }) === 'full') {
        return sendText(reply.header('retry-after', '30'), 503, 'Busy, please try again in a minute\n');
      }
      const result = deps.dispatcher.dispatch(claims.w, {
        kind: 'engagement',
        signal: {
          eventId: trackingEventId(claims, 'optedOut'),
          type: 'optedOut',
          messageId: claims.k,
          at,
          data: { channel },
        },
      });
      if (claims.h !== undefined) deps.dispatcher.dispatchToContact(claims.h, { kind: 'optOut', channel });
      deps.hits?.onHit('optOut', { machine: false, channel, result });
      if (isOneClick(request.body)) return sendText(reply, 200, 'Unsubscribed\n');
      return sendPage(reply, 200, optOutDonePage(claims.l, channel), PAGE_HEADERS);
    });
  });
}
