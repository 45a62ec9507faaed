/**
 * The KPI metrics proven on real data: a scripted portfolio through the example journey
 * soft-collection on the Temporal dev server, a worker with the real activities (SMTP sink that
 * can refuse, local SMS sink with a price per segment) and the real server app (pixel, tracked
 * links, landing page, Stripe checkout on stripe-mock and signed webhooks), both exposing
 * /metrics, the worker's Temporal SDK metrics too; then a real Prometheus scrapes them with the
 * project's recording rules, and every panel query of both boards and every recording rule is
 * evaluated: each returns data, and the KPIs equal what the script did.
 *
 * Counters the boards read through increase() are created at zero before the portfolio runs (the
 * label sets the script produces), so that Prometheus sees every series start from 0 and
 * increase() at a scrape instant is exact.
 */
import { createServer, type Server } from 'node:http';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../src/activities/index.js';
import { emailMessageId } from '../../src/activities/message.js';
import type { Activities, OutcomeInput } from '../../src/workflows/contract.js';
import {
  createHttpWebhookCaller,
  createLocalPaymentLinks,
  createSmtpEmailChannel,
  LocalSmsSink,
} from '../../src/channels/index.js';
import { startSmtpSink, type SmtpSink } from '../../src/dev/smtp-sink.js';
import { verifyLinkToken } from '../../src/channels/tokens.js';
import { loadConfigFor } from '../../src/config/roles.js';
import { assignVariant } from '../../src/core/split.js';
import { DemoWeb, trackingUrl } from '../../src/dev/demo-web.js';
import { startDevStripe, type DevStripe } from '../../src/dev/dev-stripe.js';
import { startJourney } from '../../src/enrollment/start.js';
import type { EnrollmentData } from '../../src/ir/index.js';
import { createLogger } from '../../src/log/index.js';
import { PAST_DUE_BUCKETS, REACTION_BUCKETS, TIME_TO_PAY_BUCKETS } from '../../src/metrics/definitions.js';
import {
  contactRuleMetrics,
  createProcessMetrics,
  instrumentActivities,
  startMetricsServer,
  temporalTelemetry,
  type MetricsServer,
  type ProcessMetrics,
} from '../../src/metrics/index.js';
import { createServerApp } from '../../src/server/app.js';
import { serverDepsFromConfig, type ServerWiring } from '../../src/app/server-wiring.js';
import { createRenderer } from '../../src/templates/index.js';
import { workflowIdFor } from '../../src/ids/workflow-ids.js';
import { workflowBundle } from '../../src/temporal/journey-worker.js';
import { engagementSignal, stateQuery } from '../../src/workflows/definitions.js';
import type { JourneyResult, JourneyStateView } from '../../src/workflows/types.js';
import { renderDashboards } from '../../scripts/dashboards/index.js';
import { examplePlan, exampleRecord } from '../support/journeys.js';
import { SECRET } from '../support/journey-worker.js';
import { createDevServerEnv, freePort } from '../support/temporal.js';
import { eventually } from '../support/wait.js';
import {
  histogramQuantile,
  panelQueries,
  startPrometheus,
  substitute,
  type Prometheus,
  type Sample,
} from './prometheus-support.js';
import { temporalStores } from '../../src/temporal/stores.js';

const JOURNEY = 'soft-collection';
/** The example journey's version (its metric label). */
const VERSION = String(examplePlan(JOURNEY).version);
const PUBLIC_URL = 'https://pay.example.test';
const SMS_PRICE = { amount: 0.07, currency: 'EUR' };
const AMOUNT = 420.5;
/** Tuesday 10 March 2026, 10:00 in Paris: inside eu-default's window, not a holiday. */
const TUESDAY_10H = Date.UTC(2026, 2, 10, 9);
/** Sunday 8 March 2026, 10:00 in Paris: eu-default sends nothing on Sundays. */
const SUNDAY_10H = Date.UTC(2026, 2, 8, 9);
/** Journey time of the A/B debtors: a journey day in 5 s, so they reach the split at day 5-6. */
const FAST = 17_280;
const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36';

// Temporal's SDK metrics on a loopback port, as `settle worker` exports them (before any worker exists).
const sdkPort = await freePort();
/** The Temporal server's own /metrics (the compose stack's temporal:8000). */
const temporalMetricsPort = await freePort();
Runtime.install({
  logger: new DefaultLogger('WARN'),
  telemetryOptions: temporalTelemetry({ host: '127.0.0.1', port: sdkPort }),
});

let env: TestWorkflowEnvironment;
let smtp: SmtpSink;
let sms: LocalSmsSink;
let worker: Worker;
let running: Promise<void>;
let workerMetrics: ProcessMetrics;
/** The worker's activities as counted (the script reports promises to pay through them, as journeys do). */
let counted: Activities;
let workerEndpoint: MetricsServer;
let web: ServerWiring;
let http: ReturnType<typeof createServerApp>;
let base: string;
let stripe: DevStripe;
let demo: DemoWeb;
let prom: Prometheus;
let hooks: Server;
const outcomes: OutcomeInput[] = [];
const closeEmail: (() => void)[] = [];
const taskQueue = `kpis-${Math.random().toString(36).slice(2)}`;

/** Who refuses what at RCPT TO: hard (550) and soft (451) bounces. */
const REFUSE: Record<string, { code: number; message: string }> = {
  'a3@example.com': { code: 550, message: '5.1.1 mailbox unknown' },
  'a4@example.com': { code: 550, message: '5.1.1 mailbox unknown' },
  'a6@example.com': { code: 451, message: '4.2.0 try again later' },
};

beforeAll(async () => {
  env = await createDevServerEnv({ extraArgs: ['--metrics-port', String(temporalMetricsPort)] });
  smtp = await startSmtpSink({ reject: (rcpt) => REFUSE[rcpt] });
  sms = new LocalSmsSink({ costPerSegment: SMS_PRICE });
  hooks = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(202).end());
  });
  await new Promise<void>((r) => hooks.listen(0, '127.0.0.1', () => r()));
  const hookUrl = `http://127.0.0.1:${(hooks.address() as { port: number }).port}/escalations`;

  // The worker: real activities counted around, contact rules on its registry, /metrics on loopback.
  workerMetrics = createProcessMetrics();
  const email = createSmtpEmailChannel({ url: smtp.url });
  closeEmail.push(() => email.close());
  const activities = createActivities({
    stores: temporalStores(),
    email,
    sms,
    payments: createLocalPaymentLinks({ publicUrl: PUBLIC_URL, secret: SECRET }),
    webhooks: createHttpWebhookCaller({ signingSecret: SECRET }),
    renderer: createRenderer(),
    from: 'Settle <collections@example.test>',
    env: { ESCALATION_URL: hookUrl },
    publicUrl: PUBLIC_URL,
    secret: SECRET,
    outcomes: { record: (o) => void outcomes.push(o) },
    contactRules: contactRuleMetrics(workerMetrics.metrics),
  });
  worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities: (counted = instrumentActivities(activities, workerMetrics.metrics)),
  });
  running = worker.run();
  workerEndpoint = await startMetricsServer(workerMetrics.registry, { host: '127.0.0.1', port: 0 });

  // The server app as `settle server` builds it, with Stripe checkout on stripe-mock and its webhook.
  const config = loadConfigFor('server', {
    TEMPORAL_ADDRESS: env.address,
    SETTLE_SECRET: SECRET,
    SETTLE_PUBLIC_URL: PUBLIC_URL,
  });
  const devStripe = await startDevStripe(config, () => undefined);
  if (!devStripe) throw new Error('stripe-mock did not start (run scripts/setup-tools.sh)');
  stripe = devStripe;
  web = serverDepsFromConfig(
    config,
    SECRET,
    { client: env.client, connection: env.connection },
    {
      // The script opens within a second of the sending; a person's open is told by its user agent here.
      tracking: { machineWindowMs: 0 },
      log: createLogger({ service: 'settle-server', level: 'warn' }),
      checkout: stripe.checkout,
      stripe: { webhookSecret: stripe.webhookSecret },
    },
  );
  http = createServerApp(web.deps);
  await http.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(http.server.address() as { port: number }).port}`;
  demo = new DemoWeb({
    baseUrl: base,
    webhookSecret: stripe.webhookSecret,
    ledger: stripe.ledger,
    emailFor: (key) => smtp.messages().find((m) => m.messageId === emailMessageId(key))?.raw,
    // Stripe dates events in whole seconds: a second ahead, so a payment never predates the visit.
    clock: () => Date.now() + 1_000,
  });

  prom = await startPrometheus({
    worker: workerEndpoint.url.replace('http://', ''),
    'temporal-sdk': `127.0.0.1:${sdkPort}`,
    server: base.replace('http://', ''),
    'temporal-server': `127.0.0.1:${temporalMetricsPort}`,
  });
}, 120_000);

afterAll(async () => {
  await prom?.stop();
  await http?.close();
  await web?.dispatcher.flush(5_000);
  worker?.shutdown();
  await running;
  await workerEndpoint?.close();
  await stripe?.close();
  for (const c of closeEmail) c();
  await smtp?.close();
  await new Promise<void>((r) => (hooks ? hooks.close(() => r()) : r()));
  await env?.teardown();
});

// --- the portfolio --------------------------------------------------------------------------

interface Debtor {
  id: string;
  email: string;
  smsConsent: boolean;
  enrolledAt: number;
  timeScale?: number;
  /** The segment that routed the debt: the A debtors are good payers, the A/B debtors high risk. */
  segment: typeof GOOD | typeof RISKY;
}

const GOOD = 'good-payers' as const;
const RISKY = 'high-risk' as const;

function record(d: Debtor): EnrollmentData {
  const r = exampleRecord('anna-rossi');
  return {
    ...r,
    debtId: d.id,
    debtor: {
      ...r.debtor,
      id: `C-${d.id}`,
      email: d.email,
      phone: `+3361234${String(Math.abs(hashCode(d.id)) % 10_000).padStart(4, '0')}`,
      consent: { email: true, sms: d.smsConsent },
    },
    debt: { ...r.debt, reference: d.id, amountDue: AMOUNT, currency: 'EUR', dueDate: '2026-03-01' },
  };
}

function hashCode(s: string): number {
  let h = 0;
  for (const c of s) h = (Math.imul(h, 31) + c.charCodeAt(0)) | 0;
  return h;
}

const VARIANTS = [
  { name: 'loss-aversion', weight: 50 },
  { name: 'social-proof', weight: 50 },
];

/** Debt ids of the A/B debtors: two per variant, found by the journey's own sticky assignment. */
function abDebtIds(): Record<'loss-aversion' | 'social-proof', string[]> {
  const out: Record<string, string[]> = { 'loss-aversion': [], 'social-proof': [] };
  for (let i = 1; out['loss-aversion']!.length < 2 || out['social-proof']!.length < 2; i++) {
    const id = `KPI-B${i}`;
    const v = assignVariant(id, JOURNEY, 'subject-test', VARIANTS).name;
    if (out[v]!.length < 2) out[v]!.push(id);
  }
  return out as Record<'loss-aversion' | 'social-proof', string[]>;
}

const wf = (debtId: string) => workflowIdFor(debtId);
const key = (debtId: string, step: string) => `${wf(debtId)}/${step}/1`;

async function emailSent(debtId: string, step: string): Promise<string> {
  return eventually(
    () => {
      const m = smtp.messages().find((x) => x.messageId === emailMessageId(key(debtId, step)));
      expect(m, `${step} of ${debtId}`).toBeDefined();
      return m!.raw.toString('utf8');
    },
    { timeoutMs: 90_000, intervalMs: 50 },
  );
}

async function smsSent(debtId: string, step: string): Promise<string> {
  return eventually(
    () => {
      const m = sms.messages().find((x) => x.key === key(debtId, step));
      expect(m, `${step} of ${debtId}`).toBeDefined();
      return m!.body;
    },
    { timeoutMs: 30_000, intervalMs: 50 },
  );
}

/**
 * A person clicks the pay button of an email: the tracked link whose signed target is the payment
 * page (a real click, counted); answers where it redirects.
 */
async function clickToPay(raw: string): Promise<string> {
  const plain = raw.replace(/=\r?\n/g, '').replace(/=3D/gi, '=');
  const links = [...plain.matchAll(/https?:\/\/[^\s"'<>]*\/t\/c\/([A-Za-z0-9_.-]+)/g)];
  const pay = links.find((m) => verifyLinkToken(SECRET, m[1]!, 'c')?.u?.includes('/p/'));
  expect(pay, 'a tracked pay link').toBeDefined();
  const res = await fetch(`${base}${new URL(pay![0]).pathname}`, {
    headers: { 'user-agent': BROWSER },
    redirect: 'manual',
  });
  expect(res.status).toBe(302);
  await res.arrayBuffer();
  return res.headers.get('location')!;
}

/** The payment link of an SMS. */
function payUrlIn(text: string): string {
  const plain = text.replace(/=\r?\n/g, '').replace(/=3D/gi, '=');
  const url = /https:\/\/pay\.example\.test\/p\/[A-Za-z0-9_.-]+/.exec(plain)?.[0];
  expect(url).toBeDefined();
  return url!;
}

async function machineOpen(raw: string): Promise<void> {
  const url = trackingUrl(raw, 'o')!;
  const res = await fetch(`${base}${new URL(url).pathname}`, { headers: { 'user-agent': 'Mozilla/5.0' } });
  expect(res.status).toBe(200);
  await res.arrayBuffer();
}

async function stateOf(debtId: string): Promise<JourneyStateView> {
  return env.client.workflow.getHandle(wf(debtId)).query(stateQuery);
}

async function result(debtId: string): Promise<JourneyResult> {
  return (await env.client.workflow.getHandle(wf(debtId)).result()) as JourneyResult;
}

// --- expectations ---------------------------------------------------------------------------

/** Label sets the boards read through increase(): created at 0 before anything happens. */
function primeZeroSeries(worker: ProcessMetrics, server: ProcessMetrics): void {
  const w = worker.metrics;
  const s = server.metrics;
  const j = { journey: JOURNEY };
  const v = { ...j, version: VERSION };
  for (const segment of [GOOD, RISKY]) {
    w.journeysStarted.inc({ ...v, segment }, 0);
    w.amountEnrolled.inc({ ...v, segment, currency: 'EUR' }, 0);
    w.messageCost.inc({ ...v, segment, variant: 'none', channel: 'sms', currency: 'EUR' }, 0);
    w.timeToPay.zero({ ...j, segment });
    w.timeToPaySinceContact.zero({ ...j, segment });
    w.daysPastDueAtPayment.zero({ ...j, segment });
  }
  for (const [segment, variant] of [
    [GOOD, 'none'],
    [RISKY, 'loss-aversion'],
    [RISKY, 'social-proof'],
  ] as const) {
    const ended = { ...v, segment, variant };
    w.journeysContacted.inc(ended, 0);
    w.rightPartyContacts.inc(ended, 0);
    w.amountRecovered.inc({ ...ended, currency: 'EUR' }, 0);
    w.amountWrittenOff.inc({ ...ended, currency: 'EUR' }, 0);
  }
  for (const [step, channel, variant] of [
    ['first-email', 'email', 'none'],
    ['nudge-sms', 'sms', 'none'],
    ['email-loss-aversion', 'email', 'loss-aversion'],
    ['email-social-proof', 'email', 'social-proof'],
  ] as const) {
    for (const segment of variant === 'none' ? [GOOD, RISKY] : [RISKY])
      w.messagesSent.inc({ ...v, step, channel, variant, segment }, 0);
    if (channel === 'email') {
      w.messagesDelivered.inc({ ...v, step, channel, variant }, 0);
      s.messagesClicked.inc({ ...v, step, channel, variant }, 0);
    }
  }
  for (const [variant, outcome] of [
    ['none', 'paid'],
    ['loss-aversion', 'paid'],
    ['loss-aversion', 'handedToAgent'],
    ['social-proof', 'paid'],
    ['social-proof', 'handedToAgent'],
  ] as const) {
    w.journeysCompleted.inc({ ...v, segment: variant === 'none' ? GOOD : RISKY, variant, outcome }, 0);
  }
  s.messagesOpened.inc({ ...v, step: 'first-email', channel: 'email', variant: 'none', machine: 'false' }, 0);
  for (const [source, variant] of [
    ['email', 'none'],
    ['sms', 'none'],
    ['email', 'loss-aversion'],
    ['email', 'social-proof'],
  ] as const) {
    s.landingViews.inc({ ...v, variant, source }, 0);
    s.payments.inc({ ...v, variant, source, kind: 'full' }, 0);
  }
  for (const variant of ['none', 'loss-aversion', 'social-proof'])
    s.amountCollected.inc({ ...v, variant, currency: 'EUR' }, 0);
  for (const stage of ['open', 'click', 'pay']) s.reaction.zero({ ...j, stage });
  // Promises to pay: made on the page (server), kept or broken at their date (worker); disputes (server).
  for (const result of ['kept', 'broken']) w.promises.inc({ ...v, result }, 0);
  s.promises.inc({ ...v, result: 'made' }, 0);
  s.disputes.inc({ ...v, reason: 'wrongAmount' }, 0);
  for (const result of ['resolved', 'upheld']) w.disputesClosed.inc({ ...v, result }, 0);
  for (const kind of ['callback', 'preferences']) s.selfService.inc({ ...v, kind }, 0);
}

function cumulative(values: number[], bounds: number[]): [number, number][] {
  return [...bounds, Infinity].map((le) => [le, values.filter((x) => x <= le).length]);
}

/** [upper bound, count] of histogram buckets, by bound. */
const buckets = (samples: Sample[]): [number, number][] =>
  samples
    .map((x): [number, number] => [x.metric.le === '+Inf' ? Infinity : Number(x.metric.le), x.value])
    .sort((a, b) => (a[0] === b[0] ? 0 : a[0] < b[0] ? -1 : 1));

const one = (samples: Sample[], match: Record<string, string> = {}): number => {
  const found = samples.filter((s) => Object.entries(match).every(([k, v]) => s.metric[k] === v));
  expect(found, JSON.stringify({ match, samples })).toHaveLength(1);
  return found[0]!.value;
};

describe('KPIs on Prometheus from a scripted portfolio', () => {
  it('every panel query and recording rule returns data, and the KPIs equal what the script did', async () => {
    const plan = examplePlan(JOURNEY);
    primeZeroSeries(workerMetrics, web.metrics);
    // Prometheus has seen the zeros of both processes before the first event.
    await eventually(
      async () => {
        expect(await prom.query('settle_journeys_started_total == 0')).toHaveLength(2);
        expect(await prom.query('settle_payments_total == 0')).toHaveLength(4);
        // Every job of the config answers, the Temporal server's own metrics included.
        expect((await prom.query('up == 1')).map((s) => s.metric.job).sort()).toEqual([
          'server',
          'temporal-sdk',
          'temporal-server',
          'worker',
        ]);
        expect(one(await prom.query('count({job="temporal-server"})'))).toBeGreaterThan(0);
      },
      { timeoutMs: 30_000 },
    );

    const ab = abDebtIds();
    const [b1, b3] = ab['loss-aversion'];
    const [b2, b4] = ab['social-proof'];
    const debtors: Debtor[] = [
      { id: 'KPI-A1', segment: GOOD, email: 'a1@example.com', smsConsent: true, enrolledAt: TUESDAY_10H },
      { id: 'KPI-A2', segment: GOOD, email: 'a2@example.com', smsConsent: true, enrolledAt: TUESDAY_10H },
      { id: 'KPI-A3', segment: GOOD, email: 'a3@example.com', smsConsent: true, enrolledAt: TUESDAY_10H },
      { id: 'KPI-A4', segment: GOOD, email: 'a4@example.com', smsConsent: false, enrolledAt: TUESDAY_10H },
      { id: 'KPI-A5', segment: GOOD, email: 'a5@example.com', smsConsent: true, enrolledAt: SUNDAY_10H },
      { id: 'KPI-A6', segment: GOOD, email: 'a6@example.com', smsConsent: true, enrolledAt: TUESDAY_10H },
      ...[b1!, b2!, b3!, b4!].map((id, i) => ({
        id,
        segment: RISKY,
        email: `b${i + 1}@example.com`,
        smsConsent: true,
        enrolledAt: TUESDAY_10H,
        timeScale: FAST,
      })),
    ];
    // Journeys started and amounts enrolled are counted by the worker (the journeyStarted activity).
    for (const d of debtors) {
      const outcome = await startJourney(env.client, {
        taskQueue,
        plan,
        record: record(d),
        secret: SECRET,
        nowMs: d.enrolledAt,
        segment: d.segment,
        ...(d.timeScale !== undefined && { timeScale: d.timeScale }),
      });
      expect(outcome).toBe('started');
    }

    // A/B debtors: open the first email at once; the journey texts them, waits 4 days, then the
    // split sends one of two emails (deferred from Sunday to Monday by the send window).
    const abScript = [b1!, b2!, b3!, b4!].map(async (id, i) => {
      await emailSent(id, 'first-email');
      expect(await demo.track(key(id, 'first-email'), 'o')).toBe(true);
      const variant = i % 2 === 0 ? 'loss-aversion' : 'social-proof';
      const step = `email-${variant}`;
      const raw = await emailSent(id, step);
      if (i < 2) {
        const url = await clickToPay(raw);
        expect(await demo.visit(url)).toBe(true);
        expect(await demo.pay(url, key(id, step), 'full')).toBe(true);
        expect((await result(id)).outcome).toBe('paid');
      } else {
        // The debtor answers the email they received: once the journey has recorded the send and
        // listens (a reply signalled while the send activity is still finishing would predate it).
        const handle = env.client.workflow.getHandle(wf(id));
        await eventually(async () => expect((await handle.query(stateQuery)).current).toBe(`watch-${variant}`));
        await handle.signal(engagementSignal, {
          eventId: `reply-${id}`,
          type: 'replied',
          at: new Date().toISOString(),
        });
        expect((await result(id)).outcome).toBe('handedToAgent');
      }
    });

    // A1: a scanner fetches the pixel, the person opens twice, clicks, visits and pays.
    const a1 = await emailSent('KPI-A1', 'first-email');
    await machineOpen(a1);
    for (let i = 0; i < 2; i++) expect(await demo.track(key('KPI-A1', 'first-email'), 'o')).toBe(true);
    const a1Pay = await clickToPay(a1);
    expect(await demo.visit(a1Pay)).toBe(true);
    expect(await demo.pay(a1Pay, key('KPI-A1', 'first-email'), 'full')).toBe(true);
    // A2: opens and looks at the payment page, does not pay (yet).
    const a2 = await emailSent('KPI-A2', 'first-email');
    expect(await demo.track(key('KPI-A2', 'first-email'), 'o')).toBe(true);
    expect(await demo.visit(await clickToPay(a2))).toBe(true);
    // A3: the email bounces for good; the SMS that follows brings them to pay.
    const a3 = await smsSent('KPI-A3', 'nudge-sms');
    const a3Pay = payUrlIn(a3);
    expect(await demo.visit(a3Pay)).toBe(true);
    expect(await demo.pay(a3Pay, key('KPI-A3', 'nudge-sms'), 'full')).toBe(true);
    // A forged Stripe webhook: refused.
    const forged = await fetch(`${base}/webhooks/stripe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': 't=1,v1=00' },
      body: '{"id":"evt_forged"}',
    });
    expect(forged.status).toBe(400);
    expect((await result('KPI-A1')).outcome).toBe('paid');
    expect((await result('KPI-A3')).outcome).toBe('paid');
    // A4 (no SMS consent) is blocked after its bounce; A5 waits for Monday; A6 is retried later.
    await eventually(async () => expect((await stateOf('KPI-A4')).current).toBe('quiet-days'), { timeoutMs: 30_000 });
    await eventually(async () => expect((await stateOf('KPI-A5')).audit.map((a) => a.kind)).toContain('deferred'));
    await eventually(async () =>
      expect(await workerMetrics.text()).toContain(
        `settle_messages_bounced_total{journey="soft-collection",version="${VERSION}",step="first-email",channel="email",variant="none",kind="soft"} 1`,
      ),
    );
    await Promise.all(abScript);
    // Two promises to pay judged, as journeys that take them report it (the recordPromise activity):
    // one kept, one broken; a retry of the kept one's report counts once.
    const kept = { workflowId: wf('KPI-A2'), journey: JOURNEY, version: Number(VERSION), date: '2026-03-10' };
    await counted.recordPromise({ ...kept, result: 'kept' });
    await counted.recordPromise({ ...kept, result: 'kept' });
    await counted.recordPromise({ ...kept, workflowId: wf('KPI-A4'), result: 'broken', date: '2026-03-12' });
    // Two call-back requests and a preference change, as the server counts them from the payment
    // page's forms (test/metrics/server-labels.test.ts shows which signals count).
    const requests = web.metrics.metrics.selfService;
    requests.inc({ journey: JOURNEY, version: VERSION, kind: 'callback' }, 2);
    requests.inc({ journey: JOURNEY, version: VERSION, kind: 'preferences' });
    await web.dispatcher.flush(10_000);

    // --- what the script did ---------------------------------------------------------------
    const audits = await Promise.all(debtors.map(async (d) => (await stateOf(d.id)).audit));
    const deferredByReason: Record<string, number> = {};
    const blockedByReason: Record<string, number> = {};
    for (const a of audits.flat()) {
      if (a.kind === 'deferred') deferredByReason[a.reason!] = (deferredByReason[a.reason!] ?? 0) + 1;
      if (a.kind === 'blocked') blockedByReason[a.reason!] = (blockedByReason[a.reason!] ?? 0) + 1;
    }
    expect(blockedByReason).toEqual({ noConsent: 1 });
    expect(Object.values(deferredByReason).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(5);
    const smsCost = sms.messages().reduce((sum, m) => sum + Math.round(m.segments * SMS_PRICE.amount * 1e6) / 1e6, 0);
    expect(sms.messages()).toHaveLength(5);
    const paidDays = outcomes.filter((o) => o.outcome === 'paid').map((o) => (o.endedAt - o.startedAt) / 1000);
    expect(paidDays).toHaveLength(4);
    const ttpBuckets = cumulative(paidDays, TIME_TO_PAY_BUCKETS);
    // Money and segments: what each journey's end reported (the outcome sink sees the activity input).
    const paid = outcomes.filter((o) => o.outcome === 'paid');
    const segmentOf = (debtId: string) => debtors.find((d) => d.id === debtId)!.segment;
    const pastDue = paid.map((o) => (o.endedAt - Date.parse(`${o.dueDate!}T00:00:00Z`)) / 1000);
    const pastDueBuckets = cumulative(pastDue, PAST_DUE_BUCKETS);
    const sinceContactBuckets = cumulative(
      paid.map((o) => (o.endedAt - o.firstContactAt!) / 1000),
      TIME_TO_PAY_BUCKETS,
    );
    const meanPastDueDays = (segment: string) => {
      const days = paid
        .filter((o) => o.segment === segment)
        .map((o) => (o.endedAt - Date.parse(`${o.dueDate!}T00:00:00Z`)) / 86_400_000);
      return days.reduce((a, b) => a + b, 0) / days.length;
    };
    expect(outcomes.map((o) => o.segment).sort()).toEqual([GOOD, GOOD, RISKY, RISKY, RISKY, RISKY]);
    expect(outcomes.every((o) => o.contacted === true && o.rightParty === true)).toBe(true);
    const costOf = (segment: string) =>
      sms
        .messages()
        .filter((m) => segmentOf(m.key.split('/')[1]!) === segment)
        .reduce((sum, m) => sum + Math.round(m.segments * SMS_PRICE.amount * 1e6) / 1e6, 0);
    expect(costOf(GOOD)).toBeGreaterThan(0);
    expect(costOf(RISKY)).toBeGreaterThan(0);
    const profit = { [GOOD]: (2 * AMOUNT - costOf(GOOD)) / 2, [RISKY]: (2 * AMOUNT - costOf(RISKY)) / 4 };
    const expectedActive = 4; // A2 (opened, pausing), A4 (quiet days), A5 (deferred), A6 (soft bounce retry)

    // Prometheus has scraped the final counts of both processes.
    await eventually(
      async () => {
        expect(one(await prom.query('sum(settle_journeys_completed_total)'))).toBe(6);
        expect(one(await prom.query('sum(settle_payments_total)'))).toBe(4);
        expect(one(await prom.query('sum(settle_messages_sent_total)'))).toBe(15);
        expect(one(await prom.query('sum(settle_messages_opened_total)'))).toBe(7);
        expect(one(await prom.query('sum(settle_journeys_started_total)'))).toBe(10);
        expect(one(await prom.query('max(settle_journeys_active)'))).toBe(expectedActive);
        expect(one(await prom.query('sum(settle_sends_deferred_total)'))).toBe(
          Object.values(deferredByReason).reduce((a, b) => a + b, 0),
        );
        expect(one(await prom.query('sum(settle_webhook_errors_total)'))).toBe(1);
        // …and evaluated the rules on them.
        expect(one(await prom.query('sum(settle:messages_attempted:sum)'))).toBe(17);
        expect(one(await prom.query('settle:click_to_open_rate:ratio'))).toBe(4 / 6);
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );

    // --- every recording rule -----------------------------------------------------------------
    const J = { journey: JOURNEY, version: VERSION };
    const rules: Record<string, [Record<string, string>, number][]> = {
      'settle:messages_attempted:sum': [
        [{ ...J, channel: 'email' }, 12],
        [{ ...J, channel: 'sms' }, 5],
      ],
      'settle:delivery_rate:ratio': [[{ ...J, channel: 'email' }, 10 / 12]],
      'settle:bounce_rate:ratio': [
        [{ ...J, channel: 'email' }, 2 / 12],
        [{ ...J, channel: 'sms' }, 0],
      ],
      'settle:open_rate:ratio': [[{ ...J, channel: 'email' }, 6 / 10]],
      'settle:click_through_rate:ratio': [[{ ...J, channel: 'email' }, 4 / 10]],
      'settle:click_to_open_rate:ratio': [[{ ...J, channel: 'email' }, 4 / 6]],
      'settle:conversion_rate:ratio': [
        [{ ...J, source: 'email' }, 3 / 4],
        [{ ...J, source: 'sms' }, 1 / 1],
      ],
      'settle:collection_rate:ratio': [
        [{ ...J, variant: 'none' }, 2 / 2],
        [{ ...J, variant: 'loss-aversion' }, 1 / 2],
        [{ ...J, variant: 'social-proof' }, 1 / 2],
      ],
      // Per A/B variant: 6 first emails (no variant) opened, 2 of them clicked, 3 views (A1, A2, A3)
      // and 2 payments; per variant 2 emails, 1 click, 1 view and 1 payment, and no open (the
      // variants' templates are text only: no open pixel).
      'settle_variant:open_rate:ratio': [
        [{ ...J, variant: 'none', channel: 'email' }, 6 / 6],
        [{ ...J, variant: 'loss-aversion', channel: 'email' }, 0 / 2],
        [{ ...J, variant: 'social-proof', channel: 'email' }, 0 / 2],
      ],
      'settle_variant:click_through_rate:ratio': [
        [{ ...J, variant: 'none', channel: 'email' }, 2 / 6],
        [{ ...J, variant: 'loss-aversion', channel: 'email' }, 1 / 2],
        [{ ...J, variant: 'social-proof', channel: 'email' }, 1 / 2],
      ],
      'settle_variant:conversion_rate:ratio': [
        [{ ...J, variant: 'none' }, 2 / 3],
        [{ ...J, variant: 'loss-aversion' }, 1],
        [{ ...J, variant: 'social-proof' }, 1],
      ],
      'settle:cost_per_collected:ratio': [[{ currency: 'EUR' }, smsCost / (4 * AMOUNT)]],
      'settle:reaction_seconds:p50': ['open', 'click', 'pay'].map((stage) => [{ stage }, 30]),
      'settle:reaction_seconds:p90': ['open', 'click', 'pay'].map((stage) => [{ stage }, 54]),
      'settle:time_to_pay_days:p50': [[{}, histogramQuantile(0.5, ttpBuckets) / 86400]],
      'settle:time_to_pay_days:p90': [[{}, histogramQuantile(0.9, ttpBuckets) / 86400]],
      // Good payers: A1 and A3 paid, the others still run; high risk: half of the A/B debtors paid.
      'settle_segment:collection_rate_amount:ratio': [
        [{ ...J, segment: GOOD, currency: 'EUR' }, 1],
        [{ ...J, segment: RISKY, currency: 'EUR' }, 0.5],
      ],
      'settle_variant:collection_rate_amount:ratio': [
        [{ ...J, variant: 'none', currency: 'EUR' }, 1],
        [{ ...J, variant: 'loss-aversion', currency: 'EUR' }, 0.5],
        [{ ...J, variant: 'social-proof', currency: 'EUR' }, 0.5],
      ],
      'settle_segment:collection_rate:ratio': [
        [{ ...J, segment: GOOD }, 1],
        [{ ...J, segment: RISKY }, 0.5],
      ],
      // Every journey ended was contacted and heard from (clicks, visits, payments; B3 and B4 opened and replied).
      'settle_segment:rpc_rate:ratio': [
        [{ ...J, segment: GOOD }, 1],
        [{ ...J, segment: RISKY }, 1],
      ],
      'settle_segment:profit_per_account:avg': [
        [{ ...J, segment: GOOD, currency: 'EUR' }, profit[GOOD]!],
        [{ ...J, segment: RISKY, currency: 'EUR' }, profit[RISKY]!],
      ],
      'settle_segment:cost_per_collected:ratio': [
        [{ ...J, segment: GOOD, currency: 'EUR' }, costOf(GOOD) / (2 * AMOUNT)],
        [{ ...J, segment: RISKY, currency: 'EUR' }, costOf(RISKY) / (2 * AMOUNT)],
      ],
      'settle:promise_kept_rate:ratio': [[J, 0.5]],
      'settle:payment_days_past_due:p50': [[{}, histogramQuantile(0.5, pastDueBuckets) / 86400]],
      'settle:payment_days_past_due:p90': [[{}, histogramQuantile(0.9, pastDueBuckets) / 86400]],
      'settle_segment:payment_days_past_due:avg': [
        [{ journey: JOURNEY, segment: GOOD }, meanPastDueDays(GOOD)],
        [{ journey: JOURNEY, segment: RISKY }, meanPastDueDays(RISKY)],
      ],
      'settle:time_to_pay_since_contact_days:p50': [[{}, histogramQuantile(0.5, sinceContactBuckets) / 86400]],
      'settle:time_to_pay_since_contact_days:p90': [[{}, histogramQuantile(0.9, sinceContactBuckets) / 86400]],
    };
    const approximate = (name: string) => /cost_per_collected|time_to_pay|days_past_due|profit_per_account/.test(name);
    const ruleFile = (await import('node:fs')).readFileSync(
      new URL('../../grafana/prometheus/rules/settle-kpis.yml', import.meta.url),
      'utf8',
    );
    const recorded = [...ruleFile.matchAll(/- record: (\S+)/g)].map((m) => m[1]!);
    expect(Object.keys(rules).sort()).toEqual([...recorded].sort());
    // Rules are evaluated on their own interval, after the scrape that brought the last counts:
    // poll until an evaluation has seen them all (a wrong rule still fails, at the deadline).
    await eventually(
      async () => {
        for (const [name, expected] of Object.entries(rules)) {
          const samples = await prom.query(name);
          expect(samples.length, name).toBe(expected.length);
          for (const [labels, value] of expected) {
            const got = one(samples, labels);
            if (approximate(name)) {
              expect(got, name).toBeCloseTo(value, 12);
            } else expect(got, `${name} ${JSON.stringify(labels)}`).toBe(value);
          }
        }
      },
      { timeoutMs: 30_000, intervalMs: 500 },
    );

    // --- every panel query of every board ------------------------------------------------------
    // Both registries define every metric; the worker's are those it has values of.
    const workerNames = new Set(
      (await workerMetrics.registry.getMetricsAsJSON()).filter((m) => m.values.length > 0).map((m) => m.name),
    );
    const at = { worker: await prom.lastScrape('worker'), server: await prom.lastScrape('server') };
    /** increase() is exact at an instant its series was scraped: the job the query reads. */
    const instantFor = (expr: string) => {
      const names = [...expr.matchAll(/settle_[a-z_]+/g)].map((m) => m[0].replace(/_(bucket|sum|count)$/, ''));
      if (names.length === 0 || !expr.includes('increase(')) return undefined;
      return names.every((n) => workerNames.has(n)) ? at.worker : at.server;
    };
    const sumBy = (samples: Sample[], label: string) =>
      Object.fromEntries(samples.map((s) => [s.metric[label] ?? '', s.value]));
    const panels: Record<string, (samples: Sample[]) => void> = {
      'Funnel: sent → delivered → opened → clicked → visited → paid#A': (s) => expect(one(s)).toBe(15),
      'Funnel: sent → delivered → opened → clicked → visited → paid#B': (s) => expect(one(s)).toBe(10),
      'Funnel: sent → delivered → opened → clicked → visited → paid#C': (s) => expect(one(s)).toBe(6),
      'Funnel: sent → delivered → opened → clicked → visited → paid#D': (s) => expect(one(s)).toBe(4),
      'Funnel: sent → delivered → opened → clicked → visited → paid#E': (s) => expect(one(s)).toBe(5),
      'Funnel: sent → delivered → opened → clicked → visited → paid#F': (s) => expect(one(s)).toBe(4),
      'Journeys started#A': (s) => expect(one(s)).toBe(10),
      'Journeys running#A': (s) => expect(one(s)).toBe(expectedActive),
      'Amount enrolled#A': (s) => expect(sumBy(s, 'currency')).toEqual({ EUR: 10 * AMOUNT }),
      'Amount collected#A': (s) => expect(sumBy(s, 'currency')).toEqual({ EUR: 4 * AMOUNT }),
      'Delivery rate#A': (s) => expect(one(s, { channel: 'email' })).toBe(10 / 12),
      'Bounce rate#A': (s) => expect(sumBy(s, 'channel')).toEqual({ email: 2 / 12, sms: 0 }),
      'Open rate#A': (s) => expect(one(s, { channel: 'email' })).toBe(6 / 10),
      'Click-through rate#A': (s) => expect(one(s, { channel: 'email' })).toBe(4 / 10),
      'Click-to-open rate#A': (s) => expect(one(s, { channel: 'email' })).toBe(4 / 6),
      'Landing-page conversion#A': (s) => expect(sumBy(s, 'source')).toEqual({ email: 3 / 4, sms: 1 }),
      'Traffic to the payment page by channel#A': (s) => expect(sumBy(s, 'source')).toEqual({ email: 4, sms: 1 }),
      'Landing-page views#A': (s) => expect(one(s)).toBe(5),
      'Promises to pay kept#A': (s) => expect(one(s)).toBe(0.5),
      'Promises, disputes and requests from the payment page#A': (s) =>
        expect(sumBy(s, 'result')).toEqual({ made: 0, kept: 1, broken: 1 }),
      'Promises, disputes and requests from the payment page#B': (s) =>
        expect(sumBy(s, 'reason')).toEqual({ wrongAmount: 0 }),
      'Promises, disputes and requests from the payment page#C': (s) =>
        expect(sumBy(s, 'result')).toEqual({ resolved: 0, upheld: 0 }),
      'Promises, disputes and requests from the payment page#D': (s) =>
        expect(sumBy(s, 'kind')).toEqual({ callback: 2, preferences: 1 }),
      'Collection rate by A/B variant#A': (s) =>
        expect(sumBy(s, 'variant')).toEqual({ none: 1, 'loss-aversion': 0.5, 'social-proof': 0.5 }),
      'Open rate, CTR and conversion by A/B variant#A': (s) =>
        expect(sumBy(s, 'variant')).toEqual({ none: 1, 'loss-aversion': 0, 'social-proof': 0 }),
      'Open rate, CTR and conversion by A/B variant#B': (s) =>
        expect(sumBy(s, 'variant')).toEqual({ none: 2 / 6, 'loss-aversion': 0.5, 'social-proof': 0.5 }),
      'Open rate, CTR and conversion by A/B variant#C': (s) =>
        expect(sumBy(s, 'variant')).toEqual({ none: 2 / 3, 'loss-aversion': 1, 'social-proof': 1 }),
      'Journeys ended by variant and outcome#A': (s) =>
        expect(Object.fromEntries(s.map((x) => [`${x.metric.variant} ${x.metric.outcome}`, x.value]))).toEqual({
          'none paid': 2,
          'loss-aversion paid': 1,
          'loss-aversion handedToAgent': 1,
          'social-proof paid': 1,
          'social-proof handedToAgent': 1,
        }),
      'Sends by variant and step#A': (s) =>
        expect(Object.fromEntries(s.map((x) => [`${x.metric.variant} ${x.metric.step}`, x.value]))).toEqual({
          'none first-email': 6,
          'none nudge-sms': 5,
          'loss-aversion email-loss-aversion': 2,
          'social-proof email-social-proof': 2,
        }),
      'Segments side by side#A': (s) => expect(sumBy(s, 'segment')).toEqual({ [GOOD]: 6, [RISKY]: 4 }),
      'Segments side by side#B': (s) =>
        expect(sumBy(s, 'segment')).toEqual({ [GOOD]: 6 * AMOUNT, [RISKY]: 4 * AMOUNT }),
      'Segments side by side#C': (s) =>
        expect(sumBy(s, 'segment')).toEqual({ [GOOD]: 2 * AMOUNT, [RISKY]: 2 * AMOUNT }),
      'Segments side by side#D': (s) => expect(sumBy(s, 'segment')).toEqual({ [GOOD]: 1, [RISKY]: 0.5 }),
      'Segments side by side#E': (s) => expect(sumBy(s, 'segment')).toEqual({ [GOOD]: 1, [RISKY]: 1 }),
      'Segments side by side#F': (s) => {
        expect(one(s, { segment: GOOD })).toBeCloseTo(profit[GOOD]!, 9);
        expect(one(s, { segment: RISKY })).toBeCloseTo(profit[RISKY]!, 9);
      },
      'Segments side by side#G': (s) => {
        expect(one(s, { segment: GOOD })).toBeCloseTo(meanPastDueDays(GOOD), 9);
        expect(one(s, { segment: RISKY })).toBeCloseTo(meanPastDueDays(RISKY), 9);
      },
      'Amount enrolled, recovered and written off by segment#A': (s) =>
        expect(sumBy(s, 'segment')).toEqual({ [GOOD]: 6 * AMOUNT, [RISKY]: 4 * AMOUNT }),
      'Amount enrolled, recovered and written off by segment#B': (s) =>
        expect(sumBy(s, 'segment')).toEqual({ [GOOD]: 2 * AMOUNT, [RISKY]: 2 * AMOUNT }),
      'Amount enrolled, recovered and written off by segment#C': (s) =>
        expect(sumBy(s, 'segment')).toEqual({ [GOOD]: 0, [RISKY]: 2 * AMOUNT }),
      'Days-past-due distribution#A': (s) => expect(buckets(s)).toEqual(pastDueBuckets),
      'Amount collected by currency#A': (s) => expect(sumBy(s, 'currency')).toEqual({ EUR: 4 * AMOUNT }),
      'Days to pay (p50, p90)#A': (s) => expect(one(s)).toBeCloseTo(histogramQuantile(0.5, ttpBuckets) / 86400, 12),
      'Days to pay (p50, p90)#B': (s) => expect(one(s)).toBeCloseTo(histogramQuantile(0.9, ttpBuckets) / 86400, 12),
      'Days-to-pay distribution#A': (s) => expect(buckets(s)).toEqual(ttpBuckets),
      'Reaction time (p50, p90)#A': (s) => expect(sumBy(s, 'stage')).toEqual({ open: 30, click: 30, pay: 30 }),
      'Reaction time (p50, p90)#B': (s) => expect(sumBy(s, 'stage')).toEqual({ open: 54, click: 54, pay: 54 }),
      'Reaction-time distribution#A': (s) =>
        expect(buckets(s)).toEqual(cumulative(Array<number>(6 + 4 + 4).fill(1), REACTION_BUCKETS)),
      'Cost of recovery#A': (s) => expect(one(s, { currency: 'EUR' })).toBeCloseTo(smsCost / (4 * AMOUNT), 12),
      'Cost of recovery#B': (s) => expect(one(s, { channel: 'sms', currency: 'EUR' })).toBeCloseTo(smsCost, 12),
      'Worker up#A': (s) => expect(one(s)).toBe(1),
      'Server up#A': (s) => expect(one(s)).toBe(1),
      'Temporal SDK metrics up#A': (s) => expect(one(s)).toBe(1),
      'Signal queue depth#A': (s) => expect(one(s)).toBe(0),
      'Final send failures by reason#A': (s) =>
        expect(Object.fromEntries(s.map((x) => [`${x.metric.channel} ${x.metric.reason}`, x.value]))).toEqual({
          'email HardBounce': 2,
        }),
      'Sends deferred by reason#A': (s) => expect(sumBy(s, 'reason')).toEqual(deferredByReason),
      'Sends blocked by reason#A': (s) => expect(sumBy(s, 'reason')).toEqual(blockedByReason),
      'Webhook errors#A': (s) =>
        expect(Object.fromEntries(s.map((x) => [`${x.metric.source} ${x.metric.reason}`, x.value]))).toEqual({
          'stripe refused': 1,
        }),
      'Repeated and machine tracking hits#A': (s) => expect(sumBy(s, 'kind')).toEqual({ open: 1 }),
      'Repeated and machine tracking hits#B': (s) => expect(one(s)).toBe(1),
    };
    const boards = renderDashboards();
    const checked = new Set<string>();
    for (const [file, content] of Object.entries(boards)) {
      for (const q of panelQueries(JSON.parse(content))) {
        const expr = substitute(q.expr, { range: '15m', rateInterval: '1m' });
        const samples = await prom.query(expr, instantFor(expr));
        const id = `${q.title}#${q.refId}`;
        expect(samples.length, `${file}: ${id}: ${expr} returned no data`).toBeGreaterThan(0);
        const check = panels[id];
        if (check) {
          check(samples);
          checked.add(id);
        }
      }
    }
    expect(Object.keys(panels).filter((id) => !checked.has(id))).toEqual([]);

    // The Temporal SDK metrics the Operations board names are the exporter's own names.
    const exported = await (await fetch(`http://127.0.0.1:${sdkPort}/metrics`)).text();
    const sdkNames = new Set([...exported.matchAll(/^(temporal_[a-z_]+)[{ ]/gm)].map((m) => m[1]!));
    const used = [...boards['settle-operations.json']!.matchAll(/temporal_[a-z_]+/g)].map((m) => m[0]);
    expect(used.length).toBeGreaterThan(0);
    expect(used.filter((n) => !sdkNames.has(n))).toEqual([]);

    // The template variables list the journey, its version and both channels.
    const values = async (label: string) => {
      const r = await fetch(`${prom.url}/api/v1/label/${label}/values?match[]=settle_messages_sent_total`);
      return ((await r.json()) as { data: string[] }).data;
    };
    expect(await values('journey')).toEqual([JOURNEY]);
    expect(await values('version')).toEqual([VERSION]);
    expect(await values('channel')).toEqual(['email', 'sms']);
    expect(await values('segment')).toEqual([GOOD, RISKY]);
  }, 300_000);
});
