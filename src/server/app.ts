/**
 * The HTTP server of `settle server` and `settle dev`: tracking (open pixel, click
 * redirect, opt-out), the payment landing page, Stripe and Twilio webhooks, `/healthz`, `/readyz`,
 * `/metrics`. Stateless — links carry signed tokens, hits go to Temporal as signals — so operators
 * can run several behind a load balancer.
 *
 * Logs go through the process's logger (src/log: JSON lines on stderr, with `service`, no personal
 * data): request lines keep the method, the path with every token cut out (`/t/o/…`) and no query
 * string, and no client address. Pixel and click hits are not logged per request (thousands a
 * second; they are counted in metrics instead); their errors are.
 */
import { redactUrl } from '../core/personal-data.js';
import formbody from '@fastify/formbody';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { createLogger, type Logger } from '../log/index.js';
import type { ServerDeps } from './deps.js';
import { sendText } from './http.js';
import { NOT_FOUND_BODY, sendNotFound } from './not-found.js';
import { keepRawJsonBody } from './raw-body.js';
import { registerCodecRoutes } from './routes/codec.js';
import { registerLandingRoutes } from './routes/landing.js';
import { registerSelfServiceRoutes } from './routes/self-service.js';
import { registerStripeRoutes } from './routes/stripe.js';
import { registerTrackingRoutes } from './routes/tracking.js';
import { registerTwilioRoutes } from './routes/twilio.js';

/** Tracking hits: not logged per request. */
const TRACKING_PATH = /^\/t\/[oc]\//;

/** Request and response lines: method, redacted path, status — no headers, no client address. */
const SERIALIZERS = {
  req: (req: { method?: string; url?: string }) => ({ method: req.method, url: redactUrl(req.url) }),
  res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
};

/** The app's logger: the process's one (default a `settle-server` logger on stderr) with the request serializers. */
function appLogger(log: Logger | false | undefined): FastifyBaseLogger | undefined {
  if (log === false) return undefined;
  return (log ?? createLogger({ service: 'settle-server' })).child({}, { serializers: SERIALIZERS });
}

const MAX_TOKEN = 4096;

export function createServerApp(deps: ServerDeps): FastifyInstance {
  const loggerInstance = appLogger(deps.log);
  const app = Fastify({
    ...(loggerInstance ? { loggerInstance } : { logger: false }),
    logController: new LogController({ disableRequestLogging: (request) => TRACKING_PATH.test(request.url) }),
    routerOptions: { maxParamLength: MAX_TOKEN },
    bodyLimit: 1024 * 1024,
    trustProxy: deps.trustProxy ?? false,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    // An over-long or badly encoded path is one more bad link: the shared 404, not fastify's
    // default JSON error (which would echo the path, token included).
    frameworkErrors: (_error, _request, reply) => void sendNotFound(reply),
  });
  keepRawJsonBody(app);
  void app.register(formbody);

  app.setNotFoundHandler((_request, reply) => sendNotFound(reply));
  app.setErrorHandler((error: { statusCode?: number }, request, reply) => {
    const status =
      typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 600
        ? error.statusCode
        : 500;
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    const body = status === 404 ? NOT_FOUND_BODY : status < 500 ? 'Bad request\n' : 'Internal error\n';
    return sendText(reply, status, body);
  });

  app.get('/healthz', (_request, reply) => sendText(reply, 200, 'ok\n'));
  app.get('/readyz', async (_request, reply) => {
    const ok = await deps.ready().catch(() => false);
    return sendText(reply, ok ? 200 : 503, ok ? 'ready\n' : 'not ready\n');
  });
  app.get('/metrics', async (_request, reply) => {
    const text = await deps.metrics();
    return reply.header('cache-control', 'no-store').type('text/plain; version=0.0.4; charset=utf-8').send(text);
  });

  const onWebhook = deps.onWebhookResponse;
  if (onWebhook) {
    // Before the routes are registered, so that their scopes inherit it.
    // Synchronous, and a prefix test first: it runs on every answer, tracking hits included.
    app.addHook('onResponse', (request, reply, done) => {
      if (request.url.startsWith('/webhooks/')) {
        const path = request.url.split('?')[0]!;
        if (path === '/webhooks/stripe') onWebhook('stripe', reply.statusCode);
        else if (path.startsWith('/webhooks/twilio/')) onWebhook('twilio', reply.statusCode);
      }
      done();
    });
  }

  // Each route family in its own encapsulated scope: its content-type parsers and hooks stay its own.
  const { secret, publicUrl, dispatcher, lookup } = deps;
  const clock = deps.clock ?? Date.now;
  void app.register(async (scope) => registerTrackingRoutes(scope, deps));
  void app.register(async (scope) => {
    await registerLandingRoutes(scope, {
      secret,
      publicUrl,
      lookup,
      dispatcher,
      clock,
      ...(deps.checkout && { checkout: deps.checkout }),
    });
  });
  // The payment page's self-service forms (dispute): their own paths (/s/<token>/…), same token.
  void app.register(async (scope) =>
    registerSelfServiceRoutes(scope, { secret, publicUrl, lookup, dispatcher, clock }),
  );
  const { stripe, twilio, codec } = deps;
  if (codec) void app.register(async (scope) => registerCodecRoutes(scope, codec));
  if (stripe) void app.register(async (scope) => registerStripeRoutes(scope, { ...stripe, dispatcher }));
  if (twilio)
    void app.register(async (scope) =>
      registerTwilioRoutes(scope, { ...twilio, secret, publicUrl, dispatcher, clock }),
    );

  const inbox = deps.devWebhookInbox;
  if (inbox) {
    // `settle dev` only: journey webhooks (env:ESCALATION_URL…) land in a local inbox.
    void app.register(async (scope) => {
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));
      scope.post('/dev/webhooks/*', (request, reply) => {
        inbox(request.url.split('?')[0]!, typeof request.body === 'string' ? request.body : '');
        return reply.code(202).type('text/plain; charset=utf-8').send('accepted\n');
      });
    });
  }
  return app;
}
