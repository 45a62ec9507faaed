/**
 * `settle render … --send-to`: a test send through the worker's real channels, checked end to end.
 * Email: the CLI sends through nodemailer to the project's SMTP sink; the mail that arrives is
 * `settle render`'s output once its test links are read back (click redirects to their targets,
 * signed links to the preview links), with "[TEST] " before the subject. SMS: the CLI sends through
 * the Twilio SDK, via Prism checked against Twilio's OpenAPI spec, to the local Twilio fake. Then
 * the real server app (real server metrics, Stripe adapter against stripe-mock) is given every link
 * of those messages and the SMS status callback: it answers them and records nothing — no signal,
 * no journey lookup, no Stripe request, the /metrics text unchanged — while the same links without
 * the test marker do record (so the checks can fail).
 */
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStripeCheckout } from '../../src/channels/stripe.js';
import { startSmtpSink, type SmtpSink } from '../../src/dev/smtp-sink.js';
import { createTwilioSmsChannel } from '../../src/channels/twilio.js';
import { signLinkToken, verifyLinkToken, type LinkClaims, type LinkPurpose } from '../../src/channels/tokens.js';
import { render } from '../../src/cli/commands/render.js';
import type { TestSendWiring } from '../../src/cli/commands/render-send.js';
import { run } from '../../src/cli/main.js';
import { createLogger } from '../../src/log/index.js';
import { createProcessMetrics, createServerMetrics } from '../../src/metrics/index.js';
import { createServerApp } from '../../src/server/app.js';
import { startPrismProxy, TWILIO_SPEC, type PrismProxy } from '../support/prism.js';
import { recordStripeMock, type RecordingStripeMock } from '../support/stripe-mock.js';
import { FAKE_NUMBER, startTwilioFake, type TwilioFake } from '../support/twilio-fake.js';
import { recordingDispatcher, type Recorded } from '../server/support.js';
import { ROOT, type CliResult } from './helpers.js';

const PUBLIC = 'https://settle.example.test';
const SECRET = 'render-send-test-secret-0123456789abcdef';
const NOW = Date.parse('2026-11-23T10:00:00Z');
const RECORD = 'examples/records/anna-rossi.json';
const BROWSER =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Safari/605.1.15';
const REVIEW_EMAIL = 'review-inbox@example.org';
const REVIEW_PHONE = '+447700900123';

/** The CLI as a user runs it, with these environment variables. */
async function cli(args: string[], vars: Record<string, string>, wiring?: TestSendWiring): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const io = { out: (s: string) => (stdout += s), err: (s: string) => (stderr += s), color: false, cwd: ROOT };
  const env = { publicUrl: PUBLIC, nowMs: NOW, vars: { SETTLE_SECRET: SECRET, SETTLE_PUBLIC_URL: PUBLIC, ...vars } };
  if (wiring === undefined) return { code: await run(args, io, env), stdout, stderr };
  // The Twilio origin is a seam of the command itself (main.ts has none): a send that succeeds is
  // run directly; errors are tested through run(), which turns them into exit codes.
  return { code: await render(args.slice(1), io, env, wiring), stdout, stderr };
}

interface Rendered {
  subject?: string;
  text: string;
  html?: string;
  locale: string;
}

async function preview(template: string): Promise<Rendered> {
  const r = await cli(['render', template, '--data', RECORD, '--format', 'json'], {});
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Rendered;
}

const TOKEN = '([A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+)';

/** The claims of every link of `purpose` in `s` (they must all verify). */
function links(s: string, path: string, purpose: LinkPurpose) {
  return [...s.matchAll(new RegExp(`${PUBLIC}/${path}/${TOKEN}`, 'g'))].map((m) => {
    const claims = verifyLinkToken(SECRET, m[1]!, purpose);
    expect(claims, `${path} token verifies`).toBeDefined();
    return { url: m[0], token: m[1]!, claims: claims! };
  });
}

/** What the debtor's message says once its links are read back: redirects to targets, test tokens to the preview links. */
function readBack(s: string): string {
  let out = s;
  for (const c of links(s, 't/c', 'c')) out = out.split(c.url).join(c.claims.u!);
  return out
    .replace(new RegExp(`${PUBLIC}/p/${TOKEN}`, 'g'), `${PUBLIC}/p/preview`)
    .replace(new RegExp(`${PUBLIC}/u/${TOKEN}`, 'g'), `${PUBLIC}/u/preview`);
}

/** The real server app with the real server metrics; what it records is kept. */
async function serverApp(stripe: RecordingStripeMock, twilioAuthToken?: string) {
  const pm = createProcessMetrics();
  const counted = createServerMetrics(pm.metrics);
  const recorder = recordingDispatcher();
  const lookups: string[] = [];
  const app = createServerApp({
    secret: SECRET,
    publicUrl: PUBLIC,
    dispatcher: counted.dispatcher(recorder),
    lookup: {
      view: async (id) => {
        lookups.push(id);
        return undefined;
      },
    },
    ready: async () => true,
    metrics: pm.text,
    hits: counted.hits,
    log: createLogger({ service: 'settle-server', level: 'silent' }),
    checkout: createStripeCheckout({ secretKey: 'sk_test_settle', ...stripe.sdk }),
    ...(twilioAuthToken !== undefined && { twilio: { authToken: twilioAuthToken } }),
  });
  await app.ready();
  return { app, metrics: pm.text, signals: recorder.calls as Recorded[], lookups };
}

type Server = Awaited<ReturnType<typeof serverApp>>;

let stripe: RecordingStripeMock;

beforeAll(async () => {
  stripe = await recordStripeMock();
}, 60_000);

afterAll(async () => {
  await stripe?.stop();
});

/** Every request a debtor (or their mail client) makes with a message's links; each must be answered. */
async function visit(
  app: FastifyInstance,
  urls: { click: string[]; pixel: string[]; pay: string[]; optOut: string[] },
) {
  const path = (u: string) => u.slice(PUBLIC.length);
  const headers = { 'user-agent': BROWSER };
  for (const u of urls.pixel) expect((await app.inject({ url: path(u), headers })).statusCode).toBe(200);
  for (const u of urls.click) expect((await app.inject({ url: path(u), headers })).statusCode).toBe(302);
  const pages: string[] = [];
  for (const u of urls.pay) {
    const page = await app.inject({ url: path(u), headers });
    expect(page.statusCode).toBe(200);
    const checkout = await app.inject({
      method: 'POST',
      url: `${path(u)}/checkout`,
      headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'plan=full',
    });
    // The payment page's self-service actions (a dispute) on the same token.
    const self = path(u).replace(/^\/p\//, '/s/');
    const disputed = await app.inject({
      method: 'POST',
      url: `${self}/dispute`,
      headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'n=1&reason=other&text=test',
    });
    const received = await app.inject({ url: `${self}/received/dispute`, headers });
    pages.push(page.body, checkout.body, disputed.body, received.body);
  }
  for (const u of urls.optOut) {
    pages.push((await app.inject({ url: path(u), headers })).body);
    const posted = await app.inject({
      method: 'POST',
      url: path(u),
      headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'confirm=1',
    });
    expect(posted.statusCode).toBe(200);
    pages.push(posted.body);
    const oneClick = await app.inject({
      method: 'POST',
      url: path(u),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'List-Unsubscribe=One-Click',
    });
    expect(oneClick.statusCode).toBe(200);
  }
  return pages;
}

/** The same link signed without the test marker and a minute older (a person, not a scanner). */
function untested(token: string, purpose: LinkPurpose): string {
  const claims: Record<string, unknown> = { ...verifyLinkToken(SECRET, token, purpose) };
  expect(claims.t).toBe('1');
  for (const name of ['t', 'iat', 'exp']) delete claims[name];
  return signLinkToken(SECRET, claims as LinkClaims, undefined, Date.now() - 60_000);
}

describe('settle render --send-to (email, through SMTP)', () => {
  let sink: SmtpSink;
  let server: Server;

  beforeAll(async () => {
    sink = await startSmtpSink();
    server = await serverApp(stripe);
  });

  afterAll(async () => {
    await server?.app.close();
    await sink?.close();
  });

  it('delivers what settle render shows, with test links and a [TEST] subject, and the server records nothing for them', async () => {
    const shown = await preview('overdue-friendly');
    const r = await cli(['render', 'overdue-friendly', '--data', RECORD, '--send-to', REVIEW_EMAIL], {
      SMTP_URL: sink.url,
      SMTP_FROM: 'Telco Nova <billing@telco.example>',
    });
    expect(r.code, r.stderr).toBe(0);
    const mails = sink.messages();
    expect(mails).toHaveLength(1);
    const raw = mails[0]!;
    expect(raw.to).toEqual([REVIEW_EMAIL]);
    // What was sent is reported with its Message-ID and a masked recipient; the address is never printed.
    expect(r.stderr).toContain(`message ${raw.messageId}`);
    expect(r.stderr).toContain('r***@example.org');
    expect(r.stdout + r.stderr).not.toContain(REVIEW_EMAIL);

    const mail = await simpleParser(raw.raw);
    expect(mail.subject).toBe(`[TEST] ${shown.subject}`);
    const head = raw.raw
      .toString('utf8')
      .split('\r\n\r\n')[0]!
      .replace(/\r\n[ \t]+/g, ' ');
    expect(head).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click$/m);
    const text = mail.text ?? '';
    const html = String(mail.html);
    expect(readBack(text).trimEnd()).toBe(shown.text.trimEnd());
    const pixels = links(html, 't/o', 'o');
    expect(pixels).toHaveLength(1);
    const withoutPixel = html.replace(/<img src="[^"]*\/t\/o\/[^"]*"[^>]*>/, '');
    expect(readBack(withoutPixel).trimEnd()).toBe(shown.html!.trimEnd());

    // Every link is a real signed link carrying the test marker, naming no journey of a debtor.
    const clicks = [...links(text, 't/c', 'c'), ...links(html, 't/c', 'c')];
    const pays = clicks.map((c) => c.claims.u!).filter((u) => u.startsWith(`${PUBLIC}/p/`));
    const optOuts = [...links(text, 'u', 'u'), ...links(html, 'u', 'u')];
    expect(clicks.length).toBeGreaterThanOrEqual(2);
    expect(pays.length).toBeGreaterThanOrEqual(1);
    expect(optOuts.length).toBeGreaterThanOrEqual(1);
    const unsubscribe = /^List-Unsubscribe: <([^>]+)>$/m.exec(head)![1]!;
    const all = [
      ...clicks.map((c) => c.claims),
      ...pixels.map((p) => p.claims),
      ...optOuts.map((u) => u.claims),
      ...pays.map((u) => links(u, 'p', 'p')[0]!.claims),
      links(unsubscribe, 'u', 'u')[0]!.claims,
    ];
    for (const claims of all) {
      expect(claims.t).toBe('1');
      expect(claims.w).toMatch(/^settle-test\//);
    }

    const before = await server.metrics();
    const pages = await visit(server.app, {
      click: clicks.map((c) => c.url),
      pixel: pixels.map((p) => p.url),
      pay: pays,
      optOut: [...optOuts.map((u) => u.url), unsubscribe],
    });
    for (const page of pages) expect(page).toContain('Test link — nothing is recorded');
    expect(server.signals).toEqual([]);
    expect(server.lookups).toEqual([]);
    expect(stripe.requests).toEqual([]);
    expect(await server.metrics()).toBe(before);

    // The same links without the marker are a debtor's: they are signalled and counted.
    await visit(server.app, {
      click: [`${PUBLIC}/t/c/${untested(clicks[0]!.token, 'c')}`],
      pixel: [`${PUBLIC}/t/o/${untested(pixels[0]!.token, 'o')}`],
      pay: [],
      optOut: [],
    });
    expect(server.signals.map((s) => s.signal.kind === 'engagement' && s.signal.signal.type)).toEqual([
      'opened',
      'clicked',
    ]);
    expect(await server.metrics()).not.toBe(before);
  });

  it('accepts the file that defines the template, and reports the send in json', async () => {
    const r = await cli(
      [
        'render',
        'journeys/templates/overdue-friendly.template.yaml',
        '--data',
        RECORD,
        '--send-to',
        REVIEW_EMAIL,
        '--format',
        'json',
      ],
      { SMTP_URL: sink.url },
    );
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { template: string; sent: { channel: string; messageId: string; to: string } };
    expect(out.template).toBe('overdue-friendly');
    expect(out.sent).toMatchObject({ channel: 'email', to: 'r***@example.org' });
    expect(sink.messages().at(-1)!.messageId).toBe(out.sent.messageId);
  });

  it('names the missing SMTP setting instead of sending', async () => {
    const count = sink.messages().length;
    const r = await cli(['render', 'overdue-friendly', '--data', RECORD, '--send-to', REVIEW_EMAIL], {});
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('SMTP_URL is not set');
    expect(sink.messages()).toHaveLength(count);
  });
});

describe('settle render --send-to (SMS, through Twilio)', () => {
  let fake: TwilioFake;
  let prism: PrismProxy;
  let server: Server;
  let local: string;

  beforeAll(async () => {
    // Twilio posts status callbacks to SETTLE_PUBLIC_URL: the fake delivers them to the listening app.
    fake = await startTwilioFake({ route: (u) => u.replace(PUBLIC, local) });
    prism = await startPrismProxy(TWILIO_SPEC, fake.url);
    server = await serverApp(stripe, fake.authToken);
    await server.app.listen({ host: '127.0.0.1', port: 0 });
    local = `http://127.0.0.1:${(server.app.server.address() as AddressInfo).port}`;
  }, 120_000);

  afterAll(async () => {
    await server?.app.close();
    await prism?.close();
    await fake?.close();
  });

  const twilioVars = () => ({
    TWILIO_ACCOUNT_SID: fake.accountSid,
    TWILIO_AUTH_TOKEN: fake.authToken,
    TWILIO_FROM: FAKE_NUMBER,
  });

  it('delivers the text settle render shows, with a test payment link, and its callbacks and link record nothing', async () => {
    const shown = await preview('due-date-sms');
    const r = await cli(['render', 'due-date-sms', '--data', RECORD, '--send-to', REVIEW_PHONE], twilioVars(), {
      twilioBaseUrl: prism.url,
    });
    expect(r.code, r.stderr).toBe(0);
    const sent = fake.messages();
    expect(sent).toHaveLength(1);
    const sms = sent[0]!;
    expect(sms.to).toBe(REVIEW_PHONE);
    expect(sms.from).toBe(FAKE_NUMBER);
    expect(readBack(sms.body)).toBe(shown.text);
    expect(r.stderr).toContain(`message ${sms.sid}`);
    expect(r.stderr).toContain('+44*******123');
    expect(r.stdout + r.stderr).not.toContain(REVIEW_PHONE);
    // Prism let the request through: it matched Twilio's OpenAPI description.
    expect(fake.requests().map((q) => q.status)).toEqual([201]);

    const pay = links(sms.body, 'p', 'p');
    expect(pay).toHaveLength(1);
    expect(pay[0]!.claims).toMatchObject({ t: '1', c: 'sms' });
    const status = verifyLinkToken(SECRET, new URL(sms.statusCallback!).searchParams.get('k')!, 's');
    expect(status).toMatchObject({ t: '1' });

    const before = await server.metrics();
    const pages = await visit(server.app, { click: [], pixel: [], pay: pay.map((p) => p.url), optOut: [] });
    for (const page of pages) expect(page).toContain('Test link — nothing is recorded');
    expect((await fake.deliver(sms.sid)).map((c) => c.status)).toEqual([204, 204]);
    expect(server.signals).toEqual([]);
    expect(server.lookups).toEqual([]);
    expect(stripe.requests).toEqual([]);
    expect(await server.metrics()).toBe(before);

    // A debtor's SMS through the same channel: its delivery is signalled and counted.
    const channel = createTwilioSmsChannel({
      accountSid: fake.accountSid,
      authToken: fake.authToken,
      from: FAKE_NUMBER,
      secret: SECRET,
      statusCallbackUrl: `${PUBLIC}/webhooks/twilio/status`,
      baseUrl: prism.url,
    });
    const real = await channel.send({ key: 'settle/D-1/remind/1', to: REVIEW_PHONE, body: 'Hello', version: 1 });
    await fake.deliver(real.providerId);
    expect(server.signals.map((s) => s.signal.kind === 'engagement' && s.signal.signal.type)).toEqual(['delivered']);
    expect(await server.metrics()).not.toBe(before);
  });

  it('is a usage error to give an email address for an SMS template (nothing sent)', async () => {
    const count = fake.messages().length;
    const r = await cli(['render', 'due-date-sms', '--data', RECORD, '--send-to', REVIEW_EMAIL], twilioVars());
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('due-date-sms is an SMS template: --send-to takes a phone number in E.164 form');
    expect(r.stderr).toContain('got an email address');
    expect(r.stdout).toBe('');
    expect(fake.messages()).toHaveLength(count);
  });

  it('is a usage error to give a phone number for an email template', async () => {
    const r = await cli(['render', 'overdue-friendly', '--data', RECORD, '--send-to', REVIEW_PHONE], {});
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('overdue-friendly is an email template: --send-to takes one email address');
  });

  it('names the Twilio settings when they are missing', async () => {
    const count = fake.messages().length;
    const r = await cli(['render', 'due-date-sms', '--data', RECORD, '--send-to', REVIEW_PHONE], {});
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM are not set');
    expect(fake.messages()).toHaveLength(count);
  });
});
