/**
 * The payment landing page through app.inject, with a fake journey lookup and a recording
 * dispatcher, and the real Stripe adapter against stripe-mock for the pay button: language,
 * amounts formatted for the locale, plan choices, the `visited` event once per view with its
 * source, the friendly error pages, and the redirect to the Checkout Session.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createStripeCheckout } from '../../src/channels/stripe.js';
import { signLinkToken } from '../../src/channels/tokens.js';
import { checkoutIdempotencyKey, registerLandingRoutes } from '../../src/server/routes/landing.js';
import type { JourneyStateView } from '../../src/workflows/types.js';
import { recordingDispatcher, type RecordingDispatcher } from '../support/fake-dispatcher.js';
import { journeyView } from '../support/journey-view.js';
import { recordStripeMock, type RecordingStripeMock } from '../support/stripe-mock.js';

const SECRET = 'landing-test-secret-0123456789abcdef';
const WF = 'settle/INV-2026-0042/soft-collection';
const KEY = `${WF}/first-email/1`;

let stripe: RecordingStripeMock;
let app: FastifyInstance;
let dispatcher: RecordingDispatcher;
let views: Map<string, JourneyStateView | Error | 'hang'>;

const view = journeyView;

function token(over: { w?: string; c?: string; k?: string; v?: string; a?: string; j?: string } = {}): string {
  return signLinkToken(SECRET, {
    p: 'p',
    w: over.w ?? WF,
    s: 'first-email',
    c: over.c ?? 'email',
    k: over.k ?? KEY,
    ...(over.v !== undefined && { v: over.v }),
    ...(over.a !== undefined && { a: over.a }),
    ...(over.j !== undefined && { j: over.j }),
  });
}

beforeAll(async () => {
  stripe = await recordStripeMock();
});

afterAll(async () => {
  await stripe?.stop();
});

beforeEach(async () => {
  dispatcher = recordingDispatcher();
  views = new Map([[WF, view()]]);
  app = Fastify();
  await registerLandingRoutes(app, {
    secret: SECRET,
    publicUrl: 'https://pay.example.test',
    dispatcher,
    lookup: {
      view: (id) => {
        const v = views.get(id);
        if (v === 'hang') return new Promise<never>(() => undefined);
        return v instanceof Error ? Promise.reject(v) : Promise.resolve(v);
      },
    },
    checkout: createStripeCheckout({ secretKey: 'sk_test_settle', ...stripe.sdk }),
    lookupTimeoutMs: 500,
  });
  await app.ready();
  return () => app.close();
});

const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/[\u00a0\u202f]/g, ' ')
    .replace(/\s+/g, ' ');

describe('GET /p/<token>', () => {
  it('shows creditor, reference, amount and due date in French, with the pay button', async () => {
    const res = await app.inject(`/p/${token()}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.body).toMatch(/^<!doctype html><html lang="fr">/);
    expect(res.body).toContain('420,50\u00a0€');
    const t = text(res.body);
    for (const part of [
      'Telco Nova',
      'Bonjour Anna,',
      'Montant dû 420,50 €',
      'Référence INV-2026-0042',
      'Échéance 1 novembre 2026',
      'Payer 420,50 € maintenant',
    ]) {
      expect(t).toContain(part);
    }
    expect(res.body).toMatch(/<main id="main">/);
    expect(res.body).toContain('<form method="post" action="/p/');
    expect(res.body).not.toContain('<script');
    expect(Buffer.byteLength(res.body)).toBeLessThan(15 * 1024);
  });

  it('offers the journey’s payment plans with the amount of each instalment', async () => {
    const t = text((await app.inject(`/p/${token()}`)).body);
    expect(t).toContain('2 mensualités de 210,25 €');
    expect(t).toContain('3 mensualités de 140,17 €');
  });

  it('offers no plan below the minimum amount, or when the journey has none', async () => {
    views.set(WF, view({ debt: { reference: 'R', amountDue: 80, currency: 'EUR', dueDate: '2026-11-01' } }));
    expect((await app.inject(`/p/${token()}`)).body).not.toContain('name="plan" value="2"');
    const { paymentPlans: _none, ...noPlans } = view();
    views.set(WF, noPlans);
    expect((await app.inject(`/p/${token()}`)).body).not.toContain('name="plan" value="2"');
  });

  it('speaks Dutch and English (and English for other locales), amounts formatted for each', async () => {
    views.set(WF, view({}, { locale: 'nl-NL', firstName: 'Jan' }));
    const nl = await app.inject(`/p/${token()}`);
    expect(nl.body).toContain('<html lang="nl">');
    expect(text(nl.body)).toContain('Hallo Jan,');
    expect(text(nl.body)).toContain('€ 420,50');
    views.set(
      WF,
      view(
        { debt: { reference: 'R-1', amountDue: 1234.5, currency: 'USD', dueDate: '2026-03-05' } },
        { locale: 'en-US', firstName: 'Mary' },
      ),
    );
    const en = text((await app.inject(`/p/${token()}`)).body);
    expect(en).toContain('Hello Mary,');
    expect(en).toContain('Pay $1,234.50 now');
    expect(en).toContain('March 5, 2026');
    views.set(WF, view({}, { locale: 'it', firstName: 'Luca' }));
    expect((await app.inject(`/p/${token()}`)).body).toContain('<html lang="en">');
  });

  it('escapes what comes from the journey', async () => {
    views.set(
      WF,
      view(
        {
          debt: {
            reference: '<b>R</b>',
            amountDue: 10,
            currency: 'EUR',
            dueDate: '2026-11-01',
            creditor: 'A&B "<script>"',
          },
        },
        { firstName: '<img src=x>' },
      ),
    );
    const body = (await app.inject(`/p/${token()}`)).body;
    expect(body).not.toMatch(/<img|<script|<b>/);
    expect(body).toContain('A&amp;B &quot;&lt;script&gt;&quot;');
    expect(body).toContain('&lt;img src=x&gt;');
  });

  it('is the visited event: one engagement signal per view, with the channel as source', async () => {
    await app.inject(`/p/${token({ c: 'sms' })}`);
    expect(dispatcher.sent).toHaveLength(1);
    const [{ workflowId, signal }] = dispatcher.sent as [(typeof dispatcher.sent)[number]];
    expect(workflowId).toBe(WF);
    expect(signal).toMatchObject({
      kind: 'engagement',
      signal: { type: 'visited', messageId: KEY, data: { source: 'sms' } },
    });
    const first = signal.kind === 'engagement' ? signal.signal.eventId : '';
    expect(first).toMatch(/^t-visited-/);
    await app.inject(`/p/${token({ c: 'sms' })}`);
    expect(dispatcher.sent).toHaveLength(2);
    const second = dispatcher.sent[1]!.signal;
    expect(second.kind === 'engagement' && second.signal.eventId).toBe(first); // the journey counts it once
  });

  it('labels the visit with the version and variant of the link, or of the journey for older links', async () => {
    await app.inject(`/p/${token({ v: '3' })}`); // sent outside a split under version 3
    await app.inject(`/p/${token({ v: '4', a: 'loss-aversion', j: 'late-stage' })}`);
    await app.inject(`/p/${token()}`); // signed before links carried them: the journey's version and latest variant
    // The journey: the link's `j` claim, else the journey the state query names (workflow ids no longer do).
    const journey = view().journey;
    expect(dispatcher.sent.map((x) => (x.signal.kind === 'engagement' ? x.signal.labels : undefined))).toEqual([
      { version: '3', journey },
      { version: '4', variant: 'loss-aversion', journey: 'late-stage' },
      { version: '4', variant: 'social-proof', journey },
    ]);
  });

  it('HEAD requests and prefetches do not count as visits', async () => {
    expect((await app.inject({ method: 'HEAD', url: `/p/${token()}` })).statusCode).toBe(200);
    await app.inject({ url: `/p/${token()}`, headers: { 'sec-purpose': 'prefetch' } });
    expect(dispatcher.sent).toHaveLength(0);
  });

  it('a journey that ended paid (or received its payment) thanks instead, and signals nothing', async () => {
    views.set(WF, view({ outcome: 'paid' }));
    const res = await app.inject(`/p/${token()}`);
    expect(res.statusCode).toBe(200);
    expect(text(res.body)).toContain('Déjà payé — merci !');
    expect(res.body).not.toContain('name="plan"');
    views.set(WF, view({ events: [{ seq: 1, eventId: 'stripe:pi_1', type: 'paid', at: 1, receivedAt: 1 }] }));
    expect(text((await app.inject(`/p/${token()}`)).body)).toContain('Déjà payé');
    expect(dispatcher.sent).toHaveLength(0);
  });

  it('bad, tampered or foreign tokens → 404 with no detail', async () => {
    const good = token();
    const tampered = `${good.slice(0, 10)}${good[10] === 'A' ? 'B' : 'A'}${good.slice(11)}`;
    const other = signLinkToken('another-secret-0123456789abcdefghij', { p: 'p', w: WF, s: 'x', c: 'email', k: KEY });
    const optOut = signLinkToken(SECRET, { p: 'u', w: WF, s: 'x', c: 'email', k: KEY });
    for (const t of ['nonsense', tampered, other, optOut, `${good}/nope`]) {
      const res = await app.inject({ url: `/p/${t}`, headers: { 'accept-language': 'fr-FR,fr;q=0.9' } });
      expect(res.statusCode).toBe(404);
      expect(text(res.body)).toContain('Page introuvable');
      expect(res.body).not.toMatch(/signature|expired|token|INV-2026/i);
    }
    expect(dispatcher.sent).toHaveLength(0);
  });

  it('unknown journey → 404, closed → 410, Temporal unreachable or slow → 503', async () => {
    expect((await app.inject(`/p/${token({ w: 'settle/NOPE/x' })}`)).statusCode).toBe(404);
    views.set(WF, view({ outcome: 'escalated' }));
    const closed = await app.inject(`/p/${token()}`);
    expect(closed.statusCode).toBe(410);
    expect(text(closed.body)).toContain('Ce lien n’est plus actif');
    views.set(WF, new Error('14 UNAVAILABLE'));
    const down = await app.inject({ url: `/p/${token()}`, headers: { 'accept-language': 'nl' } });
    expect(down.statusCode).toBe(503);
    expect(text(down.body)).toContain('Tijdelijk niet beschikbaar');
    views.set(WF, 'hang');
    const slow = await app.inject(`/p/${token()}`);
    expect(slow.statusCode).toBe(503);
    expect(slow.headers['retry-after']).toBe('30');
    expect(dispatcher.sent).toHaveLength(0);
  });
});

describe('POST /p/<token>/checkout and the thank-you page', () => {
  const form = { 'content-type': 'application/x-www-form-urlencoded' };

  it('pay in full → 303 to the Checkout Session that stripe-mock created', async () => {
    const tok = token();
    const res = await app.inject({ method: 'POST', url: `/p/${tok}/checkout`, headers: form, payload: 'plan=full' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toMatch(/^https:\/\/checkout\.stripe\.com\//);
    const sent = stripe.requests.at(-1)!;
    expect(sent.headers['idempotency-key']).toBe(checkoutIdempotencyKey(KEY, 'full'));
    expect(sent.form.get('line_items[0][price_data][unit_amount]')).toBe('42050');
    expect(sent.form.get('line_items[0][price_data][product_data][name]')).toBe('Telco Nova — facture INV-2026-0042');
    expect(sent.form.get('success_url')).toBe(`https://pay.example.test/p/${tok}/thanks`);
    expect(sent.form.get('cancel_url')).toBe(`https://pay.example.test/p/${tok}`);
    expect(Object.fromEntries([...sent.form].filter(([k]) => k.startsWith('metadata[')))).toEqual({
      'metadata[workflow]': WF,
      'metadata[journey]': 'soft-collection',
      'metadata[version]': '4',
      'metadata[step]': 'first-email',
      'metadata[variant]': 'social-proof',
      'metadata[source]': 'email',
      'metadata[message]': KEY,
      'metadata[amountDue]': '420.5',
      'metadata[reference]': 'INV-2026-0042',
    });
    expect(dispatcher.sent).toHaveLength(0);
    // A link that names its message's version and variant puts those in the metadata.
    await app.inject({
      method: 'POST',
      url: `/p/${token({ v: '3', a: 'loss-aversion' })}/checkout`,
      headers: form,
      payload: 'plan=full',
    });
    const labelled = stripe.requests.at(-1)!.form;
    expect([labelled.get('metadata[version]'), labelled.get('metadata[variant]')]).toEqual(['3', 'loss-aversion']);
    await app.inject({ method: 'POST', url: `/p/${token({ v: '4' })}/checkout`, headers: form, payload: 'plan=full' });
    expect(stripe.requests.at(-1)!.form.get('metadata[variant]')).toBeNull();
  });

  it('a plan of 3 charges the first instalment; a plan not on offer → 400', async () => {
    const ok = await app.inject({ method: 'POST', url: `/p/${token()}/checkout`, headers: form, payload: 'plan=3' });
    expect(ok.statusCode).toBe(303);
    const sent = stripe.requests.at(-1)!;
    expect(sent.headers['idempotency-key']).toBe(checkoutIdempotencyKey(KEY, '3'));
    expect(sent.form.get('line_items[0][price_data][unit_amount]')).toBe('14017');
    expect(sent.form.get('metadata[plan]')).toBe('3');
    const before = stripe.requests.length;
    const bad = await app.inject({ method: 'POST', url: `/p/${token()}/checkout`, headers: form, payload: 'plan=7' });
    expect(bad.statusCode).toBe(400);
    expect(stripe.requests.length).toBe(before);
  });

  it('a paid journey does not create a session; a bad token → 404', async () => {
    views.set(WF, view({ outcome: 'paid' }));
    const before = stripe.requests.length;
    const paid = await app.inject({
      method: 'POST',
      url: `/p/${token()}/checkout`,
      headers: form,
      payload: 'plan=full',
    });
    expect(text(paid.body)).toContain('Déjà payé');
    const bad = await app.inject({ method: 'POST', url: '/p/abc.def/checkout', headers: form, payload: 'plan=full' });
    expect(bad.statusCode).toBe(404);
    expect(stripe.requests.length).toBe(before);
  });

  it('thanks in the debtor’s language after Stripe, without signalling anything', async () => {
    const res = await app.inject(`/p/${token()}/thanks`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<html lang="fr">');
    expect(text(res.body)).toContain('Merci !');
    expect(dispatcher.sent).toHaveLength(0);
  });
});
