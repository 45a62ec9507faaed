/**
 * The demo's debtors use the payment page's self-service: the behaviour model draws promises to
 * pay (most kept) and a few disputes (answered by an operator days later) among those who visit
 * without paying; DemoWeb posts them through the page's own forms (signed fields read from the
 * page), and a page without the form takes nothing.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signLinkToken } from '../../src/channels/tokens.js';
import { reactTo } from '../../src/dev/behaviour.js';
import { DemoWeb } from '../../src/dev/demo-web.js';
import { ledgerCheckout } from '../../src/dev/dev-stripe.js';
import { registerLandingRoutes } from '../../src/server/routes/landing.js';
import { registerSelfServiceRoutes } from '../../src/server/routes/self-service.js';
import type { JourneyStateView } from '../../src/workflows/types.js';
import { recordingDispatcher } from '../support/fake-dispatcher.js';
import { journeyView } from '../support/journey-view.js';

const SECRET = 'demo-self-service-secret-0123456789abcdef';
const PUBLIC_URL = 'http://settle.example.test/base';
const NOW = Date.parse('2026-11-20T10:00:00Z');
const dispatcher = recordingDispatcher();
const views = new Map<string, JourneyStateView>();
let app: FastifyInstance;
let web: DemoWeb;

const payUrl = (w: string) =>
  `${PUBLIC_URL}/p/${signLinkToken(SECRET, { p: 'p', w, s: 'formal-reminder', c: 'email', k: `${w}/formal-reminder/1` })}`;

beforeAll(async () => {
  app = Fastify();
  const deps = {
    secret: SECRET,
    publicUrl: PUBLIC_URL,
    lookup: { view: (id: string) => Promise.resolve(views.get(id)) },
    dispatcher,
    clock: () => NOW,
  };
  await app.register(async (scope) => registerLandingRoutes(scope, deps));
  await app.register(async (scope) => registerSelfServiceRoutes(scope, deps));
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  web = new DemoWeb({
    baseUrl: url,
    webhookSecret: 'whsec_unused',
    ledger: ledgerCheckout({ createCheckoutSession: () => Promise.reject(new Error('unused')) }).ledger,
  });
  views.set(
    'settle/DEMO-SELF-1',
    journeyView({
      promiseForm: { maxDays: 14, left: 1 },
      disputeForm: { reasons: ['alreadyPaid', 'wrongAmount', 'other'], maxLength: 500 },
    }),
  );
  views.set('settle/DEMO-PLAIN-1', journeyView());
});

afterAll(async () => {
  await app?.close();
});

describe('DemoWeb self-service', () => {
  it('promises on the page: the date `days` after the first one offered', async () => {
    expect(await web.promise(payUrl('settle/DEMO-SELF-1'), 3)).toBe(true);
    const promised = dispatcher.sent.find((s) => s.signal.kind === 'engagement' && s.signal.signal.type === 'promised');
    // Today is the 20th in Paris: the page offers the 21st first, so 3 days is the 23rd.
    expect(promised?.signal).toMatchObject({ signal: { data: { date: '2026-11-23' } } });
  });

  it('disputes on the page with a reason it offers; not with one it does not', async () => {
    expect(await web.dispute(payUrl('settle/DEMO-SELF-1'), 'wrongAmount')).toBe(true);
    expect(await web.dispute(payUrl('settle/DEMO-SELF-1'), 'notMine')).toBe(false);
    const disputes = dispatcher.sent.filter(
      (s) => s.signal.kind === 'engagement' && s.signal.signal.type === 'disputed',
    );
    expect(disputes).toHaveLength(1);
  });

  it('a journey without the forms takes neither', async () => {
    expect(await web.promise(payUrl('settle/DEMO-PLAIN-1'), 3)).toBe(false);
    expect(await web.dispute(payUrl('settle/DEMO-PLAIN-1'), 'wrongAmount')).toBe(false);
  });
});

describe('the demo behaviour model', () => {
  const messages = Array.from({ length: 4_000 }, (_, i) => ({
    workflowId: `settle/D-${i}`,
    key: `settle/D-${i}/formal-reminder/1`,
    channel: 'email' as const,
    journey: 'late-stage',
    step: 'formal-reminder',
    paymentHistory: ['good', 'late', 'bad'][i % 3]!,
    previous: 0,
  }));
  const plans = messages.map((m) => reactTo(m, 7));

  it('some visitors who do not pay promise (most keep it), a few dispute (an operator answers)', () => {
    const promised = plans.filter((p) => p.some((e) => e.type === 'promised'));
    const disputed = plans.filter((p) => p.some((e) => e.type === 'disputed'));
    const visitedUnpaid = plans.filter(
      (p) =>
        p.some((e) => e.type === 'visited') &&
        !p.some((e) => (e.type === 'paid' || e.type === 'partiallyPaid') && e.after === undefined),
    );
    expect(promised.length / visitedUnpaid.length).toBeGreaterThan(0.12);
    expect(promised.length / visitedUnpaid.length).toBeLessThan(0.28);
    expect(disputed.length).toBeGreaterThan(0);
    expect(disputed.length).toBeLessThan(promised.length);
    const kept = promised.filter((p) => p.some((e) => e.type === 'paid' && e.after === 'promise'));
    expect(kept.length / promised.length).toBeGreaterThan(0.45);
    expect(kept.length).toBeLessThan(promised.length);
    for (const p of disputed) {
      const answer = p.filter((e) => e.after === 'dispute');
      expect(answer.map((e) => e.type)).toEqual([expect.stringMatching(/^(resolved|upheld)$/)]);
      expect(answer[0]!.afterMs).toBeGreaterThan(p.find((e) => e.type === 'disputed')!.afterMs);
    }
  });

  it('a kept promise is paid before the promised day ends; those who pay at once promise nothing', () => {
    for (const p of plans) {
      const promise = p.find((e) => e.type === 'promised');
      const kept = p.find((e) => e.after === 'promise');
      if (promise && kept) expect(kept.afterMs).toBeLessThan(promise.afterMs + promise.promiseDays! * 86_400_000);
      if (p.some((e) => e.type === 'paid' && e.after === undefined)) expect(promise).toBeUndefined();
    }
  });
});
