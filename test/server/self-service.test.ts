/**
 * The payment page's dispute form and its route through app.inject, with a fake journey lookup and
 * a recording dispatcher: the form on the page (labelled, no script, in the debtor's language),
 * the signed and same-site post, the event it hands to the journey (idempotent by the form's
 * number), the checks on the reason and the debtor's words, the rate limit, and the dispute under
 * review. The journey's side runs on Temporal in test/workflows/self-service-temporal.test.ts.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { beforeEach, describe, expect, it } from 'vitest';
import { signLinkToken } from '../../src/channels/tokens.js';
import { registerLandingRoutes } from '../../src/server/routes/landing.js';
import {
  formSignature,
  RATE_LIMIT,
  RateLimiter,
  registerSelfServiceRoutes,
} from '../../src/server/routes/self-service.js';
import { redactUrl } from '../../src/core/personal-data.js';
import type { JourneyStateView } from '../../src/workflows/types.js';
import { recordingDispatcher, type RecordingDispatcher } from '../support/fake-dispatcher.js';
import { journeyView } from '../support/journey-view.js';

const SECRET = 'self-service-test-secret-0123456789abcdef';
const WF = 'settle/INV-2026-0042';
const KEY = `${WF}/first-email/1`;
const PUBLIC_URL = 'https://pay.example.test';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

const CLAIMS = { p: 'p' as const, w: WF, s: 'first-email', c: 'email', k: KEY, v: '4', j: 'soft-collection' };
const TOKEN = signLinkToken(SECRET, CLAIMS);

let app: FastifyInstance;
let dispatcher: RecordingDispatcher;
let views: Map<string, JourneyStateView>;

const withForm = (over: Partial<JourneyStateView> = {}, locale = 'fr') =>
  journeyView(
    {
      disputeForm: { reasons: ['alreadyPaid', 'notMine', 'wrongAmount', 'other'], maxLength: 200 },
      promiseForm: { maxDays: 14, left: 1 },
      callbackForm: { days: 3, slots: ['morning', 'evening'] },
      preferenceForm: { languages: ['en', 'fr', 'nl'] },
      ...over,
    },
    { locale },
  );

/** The server's clock: 2026-11-20 23:30 UTC, already the 21st in Paris (the debtor's zone). */
const NOW = Date.parse('2026-11-20T23:30:00Z');

beforeEach(async () => {
  dispatcher = recordingDispatcher();
  views = new Map([[WF, withForm()]]);
  app = Fastify();
  const deps = {
    secret: SECRET,
    publicUrl: PUBLIC_URL,
    dispatcher,
    lookup: { view: (id: string) => Promise.resolve(views.get(id)) },
    lookupTimeoutMs: 500,
    clock: () => NOW,
  };
  await app.register(async (scope) => registerLandingRoutes(scope, deps));
  await app.register(async (scope) => registerSelfServiceRoutes(scope, deps));
  await app.ready();
  return () => app.close();
});

function body(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}

const signed = (n = 1) => ({ n: String(n), csrf: formSignature(SECRET, 'dispute', CLAIMS, n) });

const post = (fields: Record<string, string>, headers: Record<string, string> = {}, token = TOKEN) =>
  app.inject({ method: 'POST', url: `/s/${token}/dispute`, headers: { ...FORM, ...headers }, payload: body(fields) });

describe('the dispute form on the payment page', () => {
  it('is offered when the journey declares disputes: every reason labelled, a bounded text, the signature', async () => {
    const res = await app.inject(`/p/${TOKEN}`);
    expect(res.statusCode).toBe(200);
    const html = res.body;
    expect(html).toContain(`<form method="post" action="/s/${TOKEN}/dispute">`);
    for (const [reason, label] of [
      ['alreadyPaid', 'J’ai déjà payé'],
      ['notMine', 'Cette dette n’est pas la mienne'],
      ['wrongAmount', 'Le montant est erroné'],
      ['other', 'Une autre raison'],
    ]) {
      expect(html).toContain(`<input type="radio" id="reason-${reason}" name="reason" value="${reason}" required>`);
      expect(html).toContain(`<label for="reason-${reason}">${label}</label>`);
    }
    expect(html).not.toContain('notReceived');
    expect(html).toContain('<label class="field" for="dispute-text">');
    expect(html).toContain('maxlength="200"');
    expect(html).toContain(`name="csrf" value="${signed().csrf}"`);
    expect(html).not.toContain('<script');
  });

  it('is absent when the journey declares none', async () => {
    views.set(WF, journeyView());
    const res = await app.inject(`/p/${TOKEN}`);
    expect(res.body).not.toContain('/dispute"');
  });

  it('speaks the debtor’s language', async () => {
    views.set(WF, withForm({}, 'nl-BE'));
    expect((await app.inject(`/p/${TOKEN}`)).body).toContain('Klopt er iets niet met deze factuur?');
    views.set(WF, withForm({}, 'en'));
    expect((await app.inject(`/p/${TOKEN}`)).body).toContain('Something wrong with this bill?');
  });

  it('says a dispute is under review instead of offering the form again', async () => {
    views.set(
      WF,
      withForm({ disputes: [{ status: 'open', reason: 'wrongAmount', openedAt: Date.parse('2026-11-20T10:00:00Z') }] }),
    );
    const html = (await app.inject(`/p/${TOKEN}`)).body.replace(/[\u00a0\u202f]/g, ' ');
    expect(html).toContain('Votre contestation est en cours d’examen');
    expect(html).toContain('Motif : Le montant est erroné. Reçue le 20 novembre 2026.');
    expect(html).not.toContain('/dispute">');
  });
});

describe('POST /s/<token>/dispute', () => {
  it('hands the journey one disputed event with the reason and words, then redirects to the receipt', async () => {
    const res = await post({ ...signed(), reason: 'other', text: '  Returned the goods.\r\nSee ticket 12.  ' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/s/${TOKEN}/received/dispute`);
    expect(dispatcher.sent).toHaveLength(1);
    const { workflowId, signal } = dispatcher.sent[0]!;
    expect(workflowId).toBe(WF);
    expect(signal).toMatchObject({
      kind: 'engagement',
      signal: {
        eventId: `dispute/${KEY}/1`,
        type: 'disputed',
        messageId: KEY,
        data: { reason: 'other', text: 'Returned the goods.\nSee ticket 12.', source: 'email' },
      },
      labels: { journey: 'soft-collection', version: '4' },
    });
    const receipt = await app.inject(String(res.headers.location));
    expect(receipt.statusCode).toBe(200);
    expect(receipt.body).toContain('Contestation reçue');
    expect(receipt.body).toContain(`href="/p/${TOKEN}"`);
  });

  it('is idempotent: the same form twice is the same event id (the dispatcher and the journey drop the repeat)', async () => {
    await post({ ...signed(), reason: 'notMine' });
    await post({ ...signed(), reason: 'notMine' });
    const ids = dispatcher.sent.map((s) => (s.signal.kind === 'engagement' ? s.signal.signal.eventId : ''));
    expect(new Set(ids)).toEqual(new Set([`dispute/${KEY}/1`]));
  });

  it('sends nothing while a dispute is open, or for a form older than the last dispute', async () => {
    views.set(WF, withForm({ disputes: [{ status: 'open', reason: 'notMine', openedAt: 0 }] }));
    expect((await post({ ...signed(2), reason: 'notMine' })).statusCode).toBe(303);
    views.set(WF, withForm({ disputes: [{ status: 'resolved', reason: 'notMine', openedAt: 0, closedAt: 1 }] }));
    expect((await post({ ...signed(1), reason: 'notMine' })).statusCode).toBe(303);
    expect(dispatcher.sent).toHaveLength(0);
    // A second dispute after the first was resolved is a new one.
    expect((await post({ ...signed(2), reason: 'wrongAmount' })).statusCode).toBe(303);
    expect(dispatcher.sent).toHaveLength(1);
  });

  it('refuses a post without the page’s signature, with another number’s, or from another site (403)', async () => {
    expect((await post({ reason: 'notMine' })).statusCode).toBe(403);
    expect((await post({ n: '2', csrf: signed(1).csrf, reason: 'notMine' })).statusCode).toBe(403);
    expect((await post({ n: '1', csrf: 'AAAAAAAAAAAAAAAAAAAAAA', reason: 'notMine' })).statusCode).toBe(403);
    expect((await post({ ...signed(), reason: 'notMine' }, { 'sec-fetch-site': 'cross-site' })).statusCode).toBe(403);
    expect((await post({ ...signed(), reason: 'notMine' }, { origin: 'https://evil.example' })).statusCode).toBe(403);
    // Another link's signature does not open this one.
    const other = { ...CLAIMS, k: `${WF}/reminder/1` };
    const csrf = formSignature(SECRET, 'dispute', other, 1);
    expect((await post({ n: '1', csrf, reason: 'notMine' })).statusCode).toBe(403);
    expect(dispatcher.sent).toHaveLength(0);
    // The same site is fine.
    expect(
      (await post({ ...signed(), reason: 'notMine' }, { origin: PUBLIC_URL, 'sec-fetch-site': 'same-origin' }))
        .statusCode,
    ).toBe(303);
  });

  it('checks the reason and the debtor’s words against what the journey declares (400)', async () => {
    expect((await post({ ...signed(), reason: 'notReceived' })).statusCode).toBe(400);
    expect((await post({ ...signed(), reason: 'nonsense' })).statusCode).toBe(400);
    expect((await post({ ...signed() })).statusCode).toBe(400);
    const other = await post({ ...signed(), reason: 'other', text: '   ' });
    expect(other.statusCode).toBe(400);
    expect(other.body).toContain('Précisez le motif.');
    expect(dispatcher.sent).toHaveLength(0);
  });

  it('takes words up to the declared length, not one more', async () => {
    expect((await post({ ...signed(), reason: 'other', text: 'x'.repeat(201) })).statusCode).toBe(400);
    expect(dispatcher.sent).toHaveLength(0);
    expect((await post({ ...signed(), reason: 'other', text: 'x'.repeat(200) })).statusCode).toBe(303);
    expect(dispatcher.sent).toHaveLength(1);
  });

  it('answers 404 for a bad token or a token of another purpose, and 410 for a closed journey', async () => {
    expect((await post({ ...signed(), reason: 'notMine' }, {}, `${TOKEN}x`)).statusCode).toBe(404);
    const optOut = signLinkToken(SECRET, { ...CLAIMS, p: 'u' });
    expect((await post({ ...signed(), reason: 'notMine' }, {}, optOut)).statusCode).toBe(404);
    views.set(WF, withForm({ outcome: 'unresolved' }));
    expect((await post({ ...signed(), reason: 'notMine' })).statusCode).toBe(410);
    views.set(WF, journeyView());
    expect((await post({ ...signed(), reason: 'notMine' })).statusCode).toBe(404);
    expect(dispatcher.sent).toHaveLength(0);
  });

  it(`limits each link to ${RATE_LIMIT} posts in ten minutes (429)`, async () => {
    for (let i = 0; i < RATE_LIMIT; i++) expect((await post({ ...signed(), reason: 'nonsense' })).statusCode).toBe(400);
    const limited = await post({ ...signed(), reason: 'notMine' });
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBe('600');
    expect(dispatcher.sent).toHaveLength(0);
  });

  it('keeps the token out of the logs', () => {
    expect(redactUrl(`/s/${TOKEN}/dispute`)).toBe('/s/…/dispute');
  });
});

const promised = (n = 1) => ({ n: String(n), csrf: formSignature(SECRET, 'promise', CLAIMS, n) });
const postPromise = (fields: Record<string, string>, headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url: `/s/${TOKEN}/promise`, headers: { ...FORM, ...headers }, payload: body(fields) });

describe('the promise form on the payment page', () => {
  it('offers the dates from tomorrow to maxDays ahead in the debtor’s zone, labelled', async () => {
    const html = (await app.inject(`/p/${TOKEN}`)).body.replace(/[\u00a0\u202f]/g, ' ');
    expect(html).toContain(`<form method="post" action="/s/${TOKEN}/promise">`);
    expect(html).toContain('<label class="field" for="promise-date">Je paierai au plus tard le</label>');
    // Today is the 21st in Paris: tomorrow is the 22nd, the last day the 5th of December.
    expect(html).toContain('name="date" min="2026-11-22" max="2026-12-05" required');
    expect(html).toContain('Une date du 22 novembre 2026 au 5 décembre 2026.');
    expect(html).toContain(`name="csrf" value="${promised().csrf}"`);
  });

  it('says which date was promised while the promise runs, and offers none when used up or disputed', async () => {
    views.set(
      WF,
      withForm({
        promises: [{ date: '2026-11-28', status: 'open', madeAt: 0 }],
        promiseForm: { maxDays: 14, left: 0 },
      }),
    );
    const html = (await app.inject(`/p/${TOKEN}`)).body.replace(/[\u00a0\u202f]/g, ' ');
    expect(html).toContain('Vous vous êtes engagé à payer au plus tard le 28 novembre 2026.');
    expect(html).not.toContain('/promise">');
    views.set(
      WF,
      withForm({
        promises: [{ date: '2026-11-28', status: 'broken', madeAt: 0 }],
        promiseForm: { maxDays: 14, left: 0 },
      }),
    );
    expect((await app.inject(`/p/${TOKEN}`)).body).not.toContain('promise-title');
    views.set(WF, withForm({ disputes: [{ status: 'open', reason: 'notMine', openedAt: 0 }] }));
    expect((await app.inject(`/p/${TOKEN}`)).body).not.toContain('promise-title');
  });
});

describe('the forms count days in the journey’s time', () => {
  it('a journey running 43,200× faster (the demo) offers dates from its own tomorrow', async () => {
    // Started at NOW in journey time 2027-03-01 10:00 UTC, one wall second ago: 12 journey hours later.
    views.set(
      WF,
      withForm({ clock: { real: NOW - 1_000, journey: Date.parse('2027-03-01T10:00:00Z'), scale: 43_200 } }),
    );
    const html = (await app.inject(`/p/${TOKEN}`)).body;
    expect(html).toContain('name="date" min="2027-03-02" max="2027-03-15" required');
    expect(html).toContain('<option value="2027-03-02">');
    expect((await postPromise({ ...promised(), date: '2027-03-10' })).statusCode).toBe(303);
  });
});

describe('POST /s/<token>/promise', () => {
  it('hands the journey one promised event with the date, then redirects to the receipt', async () => {
    const res = await postPromise({ ...promised(), date: '2026-12-01' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/s/${TOKEN}/received/promise`);
    expect(dispatcher.sent.map((s) => s.signal)).toEqual([
      expect.objectContaining({
        kind: 'engagement',
        signal: expect.objectContaining({
          eventId: `promise/${KEY}/1`,
          type: 'promised',
          messageId: KEY,
          data: { date: '2026-12-01', source: 'email' },
        }),
      }),
    ]);
    expect((await app.inject(String(res.headers.location))).body).toContain('Engagement enregistré');
  });

  it('takes only a date in the window (400 otherwise, saying which dates)', async () => {
    for (const date of ['2026-12-06', '2026-13-01', 'tomorrow', '']) {
      const res = await postPromise({ ...promised(), date });
      expect(res.statusCode, date).toBe(400);
    }
    const res = await postPromise({ ...promised(), date: '2026-11-21' });
    expect(res.statusCode).toBe(400);
    expect(res.body.replace(/[\u00a0\u202f]/g, ' ')).toContain(
      'Choisissez une date du 22 novembre 2026 au 5 décembre 2026.',
    );
    expect(dispatcher.sent).toHaveLength(0);
  });

  it('takes the first and the last day of the window', async () => {
    expect((await postPromise({ ...promised(), date: '2026-11-22' })).statusCode).toBe(303);
    expect((await postPromise({ ...promised(), date: '2026-12-05' })).statusCode).toBe(303);
    expect(dispatcher.sent).toHaveLength(2);
  });

  it('is signed for its own action and idempotent; sends nothing while a promise runs', async () => {
    expect((await postPromise({ ...signed(), date: '2026-12-01' })).statusCode).toBe(403);
    expect(
      (await postPromise({ ...promised(), date: '2026-12-01' }, { origin: 'https://evil.example' })).statusCode,
    ).toBe(403);
    await postPromise({ ...promised(), date: '2026-12-01' });
    await postPromise({ ...promised(), date: '2026-12-02' });
    const ids = dispatcher.sent.map((s) => (s.signal.kind === 'engagement' ? s.signal.signal.eventId : ''));
    expect(new Set(ids)).toEqual(new Set([`promise/${KEY}/1`]));
    views.set(WF, withForm({ promises: [{ date: '2026-11-28', status: 'open', madeAt: 0 }] }));
    expect((await postPromise({ ...promised(2), date: '2026-12-01' })).statusCode).toBe(303);
    expect(dispatcher.sent).toHaveLength(2);
    views.set(
      WF,
      withForm({
        promises: [{ date: '2026-11-28', status: 'broken', madeAt: 0 }],
        promiseForm: { maxDays: 14, left: 0 },
      }),
    );
    expect((await postPromise({ ...promised(2), date: '2026-12-01' })).statusCode).toBe(400);
    expect(dispatcher.sent).toHaveLength(2);
  });
});

const signedFor = (action: 'callback' | 'preferences', n = 1) => ({
  n: String(n),
  csrf: formSignature(SECRET, action, CLAIMS, n),
});
const postAction = (action: string, fields: Record<string, string>) =>
  app.inject({ method: 'POST', url: `/s/${TOKEN}/${action}`, headers: FORM, payload: body(fields) });

describe('call-back requests', () => {
  it('the page offers the next days in the debtor’s zone and the declared slots, labelled', async () => {
    const html = (await app.inject(`/p/${TOKEN}`)).body.replace(/[\u00a0\u202f]/g, ' ');
    expect(html).toContain(`<form method="post" action="/s/${TOKEN}/callback">`);
    expect(html).toContain('<label class="field" for="callback-day">Jour</label>');
    expect(html).toContain(
      '<option value="2026-11-22">22 novembre 2026</option><option value="2026-11-23">23 novembre 2026</option><option value="2026-11-24">24 novembre 2026</option></select>',
    );
    expect(html).toContain('<label for="slot-morning">Matin (9 h – 12 h)</label>');
    expect(html).toContain('<label for="slot-evening">Soir (17 h – 20 h)</label>');
    expect(html).not.toContain('slot-afternoon');
    expect(html).toContain('(heures de votre fuseau, Europe/Paris)');
  });

  it('hands the journey the day and slot with their bounds in the debtor’s zone', async () => {
    const res = await postAction('callback', { ...signedFor('callback'), date: '2026-11-23', slot: 'morning' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/s/${TOKEN}/received/callback`);
    expect(dispatcher.sent.map((s) => s.signal)).toEqual([
      expect.objectContaining({
        signal: expect.objectContaining({
          eventId: `callback/${KEY}/1`,
          type: 'callbackRequested',
          data: {
            date: '2026-11-23',
            slot: 'morning',
            from: '2026-11-23T08:00:00.000Z',
            to: '2026-11-23T11:00:00.000Z',
            source: 'email',
          },
        }),
      }),
    ]);
    expect((await app.inject(String(res.headers.location))).body).toContain('Demande d’appel enregistrée');
  });

  it('refuses a day outside the window, a slot not offered, another action’s signature', async () => {
    expect(
      (await postAction('callback', { ...signedFor('callback'), date: '2026-11-21', slot: 'morning' })).statusCode,
    ).toBe(400);
    expect(
      (await postAction('callback', { ...signedFor('callback'), date: '2026-11-25', slot: 'morning' })).statusCode,
    ).toBe(400);
    expect(
      (await postAction('callback', { ...signedFor('callback'), date: '2026-11-22', slot: 'afternoon' })).statusCode,
    ).toBe(400);
    expect(
      (await postAction('callback', { ...signedFor('preferences'), date: '2026-11-22', slot: 'morning' })).statusCode,
    ).toBe(403);
    expect(dispatcher.sent).toHaveLength(0);
  });
});

describe('contact preferences', () => {
  it('the page offers the journey’s languages, the channels and the opt-outs, as they stand', async () => {
    views.set(WF, withForm({ optedOut: ['sms'], preferences: { channel: 'email' } }));
    const html = (await app.inject(`/p/${TOKEN}`)).body;
    expect(html).toContain(`<form method="post" action="/s/${TOKEN}/preferences">`);
    expect(html).toContain('<label class="field" for="prefs-language">Langue de nos messages</label>');
    expect(html).toContain(
      '<option value="en">English</option><option value="fr" selected>Français</option><option value="nl">Nederlands</option>',
    );
    expect(html).toContain('<input type="radio" id="channel-email" name="channel" value="email" checked>');
    expect(html).toContain('<input type="checkbox" id="optout-sms" name="optOut-sms" value="on" checked>');
    expect(html).toContain('<input type="checkbox" id="optout-email" name="optOut-email" value="on">');
  });

  it('hands the journey the preferences, and an opt-out or opt-in per channel that changed', async () => {
    views.set(WF, withForm({ optedOut: ['sms'] }));
    const res = await postAction('preferences', {
      ...signedFor('preferences'),
      locale: 'nl',
      channel: 'email',
      'optOut-email': 'on',
    });
    expect(res.statusCode).toBe(303);
    expect(dispatcher.sent.map((s) => s.signal)).toEqual([
      { kind: 'optOut', channel: 'email', eventId: `prefs/${KEY}/1/email` },
      { kind: 'optIn', channel: 'sms', eventId: `prefs/${KEY}/1/sms` },
      expect.objectContaining({
        kind: 'engagement',
        signal: expect.objectContaining({
          eventId: `prefs/${KEY}/1`,
          type: 'preferencesChanged',
          data: { locale: 'nl', channel: 'email', source: 'email' },
        }),
      }),
    ]);
  });

  it('refuses a language the journey does not write in, or an unknown channel', async () => {
    expect(
      (await postAction('preferences', { ...signedFor('preferences'), locale: 'de', channel: 'email' })).statusCode,
    ).toBe(400);
    expect(
      (await postAction('preferences', { ...signedFor('preferences'), locale: 'fr', channel: 'fax' })).statusCode,
    ).toBe(400);
    expect(dispatcher.sent).toHaveLength(0);
  });
});

describe('RateLimiter', () => {
  it('forgets hits older than its window', () => {
    const l = new RateLimiter(2, 1_000);
    expect([l.allow('a', 0), l.allow('a', 10), l.allow('a', 20)]).toEqual([true, true, false]);
    expect(l.allow('b', 20)).toBe(true);
    // Refused hits do not count: at 999 the hits of 0 and 10 are in the window, at 1,005 only 10's.
    expect(l.allow('a', 999)).toBe(false);
    expect(l.allow('a', 1_005)).toBe(true);
    expect(l.allow('a', 1_006)).toBe(false);
    expect(l.allow('a', 1_011)).toBe(true);
  });
});
