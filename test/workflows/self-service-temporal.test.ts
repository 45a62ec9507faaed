/**
 * The payment page's dispute form on the real time-skipping Temporal server, through the server
 * app as `settle server` runs it (the real dispatcher and journey lookup) and the real activities
 * (SMTP sink, a local webhook receiver): the debtor disputes from the page → the journey leaves
 * its wait at once for the declared step (the agents' webhook, with the reason) → nothing is sent
 * while the dispute is open → `resolved` lets the held reminder go out, `upheld` ends the journey
 * with the declared outcome. A form posted twice is one dispute. A promise to pay from the page
 * pauses dunning until its date, reminds the day before, and ends paid (kept) or takes the
 * declared route (broken). A call-back request goes to the agents' queue; preferences (language,
 * channel, opt-out per channel) change the next messages. The histories replay.
 */
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { Worker } from '@temporalio/worker';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { emailMessageId } from '../../src/activities/message.js';
import { verifyLinkToken } from '../../src/channels/tokens.js';
import { zonedMidnight } from '../../src/core/timezone.js';
import type { EngagementEvent, EnrollmentData, JourneyPlan } from '../../src/ir/index.js';
import { workflowBundle } from '../../src/temporal/journey-worker.js';
import { engagementSignal, ledgerQuery, ledgerWorkflowId, stateQuery } from '../../src/workflows/definitions.js';
import type { JourneyResult, JourneyStateView } from '../../src/workflows/types.js';
import { dataConverterOf } from '../support/codec.js';
import { exampleRecord } from '../support/journeys.js';
import { SECRET } from '../support/journey-worker.js';
import { exit, journeyPlan, send, wait, webhook, type Step } from '../support/journey-yaml.js';
import { useJourneyServer } from '../support/journey-server.js';
import { quietTemporalRuntime } from '../support/temporal.js';
import { eventually } from '../support/wait.js';

quietTemporalRuntime();

const DAY = 86_400_000;
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

/** The server's clock follows the time-skipping server's (the promise window is counted from today). */
let serverNow = Date.now();
const t = useJourneyServer({ app: () => ({ clock: () => serverNow }) });
async function syncClock(): Promise<void> {
  serverNow = await t.env.currentTimeMs();
}

/** The dispute and promise journeys' common course: two emails ten days apart, then unresolved. */
const DUNNING: Step[] = [
  send('first', 'email', 'overdue-friendly'),
  wait('pause', '7d'),
  send('reminder', 'email', 'overdue-friendly'),
  wait('pause-2', '10d'),
  exit('unresolved', 'unresolved'),
];

const DISPUTE_JOURNEY: JourneyPlan = journeyPlan({
  name: 'life-dispute',
  spec: {
    disputes: {
      reasons: ['alreadyPaid', 'notMine', 'wrongAmount', 'other'],
      maxLength: 200,
      to: 'dispute-agent',
      upheldOutcome: 'cancelled',
    },
  },
  steps: [
    ...DUNNING,
    webhook('dispute-agent', 'env:ESCALATION_URL', { retry: { maxAttempts: 1 }, next: 'review' }),
    wait('review', '3d', { next: 'reminder' }),
  ],
});

const anna = exampleRecord('anna-rossi');
const owing = (debtId: string): EnrollmentData => ({ ...anna, debtId, debt: { ...anna.debt, reference: debtId } });

const start = (record: EnrollmentData, plan: JourneyPlan = DISPUTE_JOURNEY) => t.start(plan, record);

let eventSeq = 0;
/** An operator's `settle event DEBT resolved|upheld`: the same signal the command sends. */
async function operator(workflowId: string, type: EngagementEvent) {
  await t.env.client.workflow.getHandle(workflowId).signal(engagementSignal, {
    eventId: `cli-test-${++eventSeq}`,
    type,
    at: new Date(await t.env.currentTimeMs()).toISOString(),
  });
}

/** The payment page of the journey's first email, as the debtor reaches it. */
async function payPathOf(workflowId: string): Promise<string> {
  const mail = await eventually(() => {
    const m = t.rig.smtp.messages().find((x) => x.messageId === emailMessageId(`${workflowId}/first/1`));
    expect(m).toBeDefined();
    return m!;
  });
  const parsed = await simpleParser(mail.raw);
  for (const [, href] of String(parsed.html).matchAll(/href="([^"]+)"/g)) {
    const url = new URL(href!.replace(/&amp;/g, '&'));
    if (url.pathname.startsWith('/p/')) return url.pathname;
    const click = /^\/t\/c\/([^/]+)$/.exec(url.pathname);
    const target = click ? verifyLinkToken(SECRET, click[1]!, 'c')?.u : undefined;
    if (target && new URL(target).pathname.startsWith('/p/')) return new URL(target).pathname;
  }
  throw new Error('no payment link in the email');
}

/** The dispute form of the page: where it posts and its hidden fields. */
function disputeForm(html: string): { action: string; fields: Record<string, string> } {
  const form = /<form method="post" action="([^"]*\/dispute)">([\s\S]*?)<\/form>/.exec(html);
  expect(form, 'the page offers the dispute form').not.toBeNull();
  const fields: Record<string, string> = {};
  for (const [, name, value] of form![2]!.matchAll(/<input type="hidden" name="(\w+)" value="([^"]*)">/g))
    fields[name!] = value!;
  return { action: form![1]!, fields };
}

async function dispute(payPath: string, reason: string, text?: string) {
  await syncClock();
  const page = await t.app.inject(payPath);
  expect(page.statusCode).toBe(200);
  const { action, fields } = disputeForm(page.body);
  const body = new URLSearchParams({ ...fields, reason, ...(text !== undefined && { text }) }).toString();
  return { action, body, post: () => t.app.inject({ method: 'POST', url: action, headers: FORM, payload: body }) };
}

const sentSteps = (s: JourneyStateView) => s.sends.filter((x) => x.status === 'sent').map((x) => x.step);
const hooksOf = (debtId: string) =>
  t.rig.webhookCalls
    .map((c) => c.body as { debtId?: string; step?: string; dispute?: Record<string, unknown> })
    .filter((b) => b.debtId === debtId);

describe('a dispute from the payment page on Temporal', () => {
  it('stops dunning at once, goes to the agents with the reason, holds the reminder until resolved', async () => {
    const record = owing('LIFE-DISPUTE-1');
    const handle = await start(record);
    const wf = handle.workflowId;
    const payPath = await payPathOf(wf);
    await t.env.sleep(2 * DAY);

    const form = await dispute(payPath, 'other', 'I returned the goods on 3 March.');
    const first = await form.post();
    expect(first.statusCode).toBe(303);
    expect(first.headers.location).toMatch(/^\/s\/[^/]+\/received\/dispute$/);
    // The same form sent again (a double click, a reload of the post): one dispute.
    expect((await form.post()).statusCode).toBe(303);
    const received = await t.app.inject(String(first.headers.location));
    expect(received.statusCode).toBe(200);
    expect(received.body).toContain('Contestation reçue');
    await t.dispatcher.flush(5_000);

    // The journey left its 7-day wait at once for the agents' webhook, which carries the reason and words.
    const hooks = await eventually(() => {
      const h = hooksOf(record.debtId);
      expect(h).toHaveLength(1);
      return h;
    });
    expect(hooks[0]).toMatchObject({
      step: 'dispute-agent',
      dispute: { status: 'open', reason: 'other', text: 'I returned the goods on 3 March.' },
    });
    let state = await handle.query(stateQuery);
    expect(state.events.filter((e) => e.type === 'disputed')).toHaveLength(1);
    expect(state.audit.some((a) => a.message === 'interrupt: disputed during pause → dispute-agent')).toBe(true);
    expect(state.disputes).toEqual([expect.objectContaining({ status: 'open', reason: 'other' })]);

    // The page now says the dispute is under review, without the form.
    const page = await t.app.inject(payPath);
    expect(page.body).toContain('Votre contestation est en cours d’examen');
    expect(page.body).not.toContain('/dispute">');

    // Well past the review wait and the old reminder date: nothing is sent while the dispute is open.
    await t.env.sleep(8 * DAY);
    state = await eventually(async () => {
      const s = await handle.query(stateQuery);
      expect(s.current).toBe('reminder');
      expect(s.audit.some((a) => a.reason === 'disputed' && a.kind === 'deferred')).toBe(true);
      return s;
    });
    expect(sentSteps(state)).toEqual(['first']);
    const resolvedAt = await t.env.currentTimeMs();
    await operator(wf, 'resolved');
    const result = (await handle.result()) as JourneyResult;
    expect(result.outcome).toBe('unresolved');
    state = await handle.query(stateQuery);
    expect(sentSteps(state)).toEqual(['first', 'reminder']);
    expect(state.sends.find((s) => s.step === 'reminder')!.at).toBeGreaterThanOrEqual(resolvedAt);
    expect(state.disputes).toEqual([expect.objectContaining({ status: 'resolved', reason: 'other' })]);
    // The worker counts the closed dispute (settle_disputes_closed_total) through its activity.
    expect(await activityInputs<{ result: string }>(wf, 'recordDispute')).toEqual([
      expect.objectContaining({ result: 'resolved' }),
    ]);
    await replays(wf);
  }, 120_000);

  it('upheld: the journey ends with the declared outcome and sends nothing more', async () => {
    const record = owing('LIFE-DISPUTE-2');
    const handle = await start(record);
    const payPath = await payPathOf(handle.workflowId);
    await t.env.sleep(DAY);
    const res = await (await dispute(payPath, 'notMine')).post();
    expect(res.statusCode).toBe(303);
    await t.dispatcher.flush(5_000);
    await eventually(() => expect(hooksOf(record.debtId)).toHaveLength(1));
    await t.env.sleep(5 * DAY);
    await operator(handle.workflowId, 'upheld');
    const result = (await handle.result()) as JourneyResult;
    expect(result.outcome).toBe('cancelled');
    const state = await handle.query(stateQuery);
    expect(sentSteps(state)).toEqual(['first']);
    expect(state.disputes).toEqual([expect.objectContaining({ status: 'upheld', reason: 'notMine' })]);
    expect(await activityInputs<{ result: string }>(handle.workflowId, 'recordDispute')).toEqual([
      expect.objectContaining({ result: 'upheld' }),
    ]);
    expect(t.rig.outcomes.find((o) => o.debtId === record.debtId)?.outcome).toBe('cancelled');
    await replays(handle.workflowId);
  }, 120_000);
});

const PROMISE_JOURNEY: JourneyPlan = journeyPlan({
  name: 'life-promise',
  spec: { promises: { maxDays: 14, remind: { channel: 'email', template: 'promise-reminder' }, onBroken: 'final' } },
  steps: [...DUNNING, send('final', 'email', 'final-notice', { next: 'unresolved' })],
});

/** The promise form of the page: where it posts, its hidden fields and the window (min, max). */
function promiseForm(html: string) {
  const form = /<form method="post" action="([^"]*\/promise)">([\s\S]*?)<\/form>/.exec(html);
  expect(form, 'the page offers the promise form').not.toBeNull();
  const fields: Record<string, string> = {};
  for (const [, name, value] of form![2]!.matchAll(/<input type="hidden" name="(\w+)" value="([^"]*)">/g))
    fields[name!] = value!;
  const window = /name="date" min="([\d-]+)" max="([\d-]+)"/.exec(form![2]!)!;
  return { action: form![1]!, fields, first: window[1]!, last: window[2]! };
}

function addDay(iso: string, days: number): string {
  return new Date(Date.parse(`${iso}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
}

/** Posts a form of the page as the browser does: the page answers with its `received` page. */
async function submit(url: string, fields: Record<string, string>, received: string): Promise<void> {
  const res = await t.app.inject({
    method: 'POST',
    url,
    headers: FORM,
    payload: new URLSearchParams(fields).toString(),
  });
  expect(res.statusCode).toBe(303);
  expect(res.headers.location).toMatch(new RegExp(`/received/${received}$`));
  await t.dispatcher.flush(5_000);
}

/** The debtor promises on the page to pay `daysAfterFirst` days after the first date offered. */
async function promise(payPath: string, daysAfterFirst: number): Promise<string> {
  await syncClock();
  const page = await t.app.inject(payPath);
  const { action, fields, first, last } = promiseForm(page.body);
  const date = addDay(first, daysAfterFirst);
  expect(date <= last).toBe(true);
  await submit(action, { ...fields, date }, 'promise');
  return date;
}

/** Instants in the debtor's zone. */
function zoned(date: string, tz: string): number {
  return zonedMidnight(date, tz);
}

async function activityInputs<T>(workflowId: string, name: string): Promise<T[]> {
  const history = await t.env.client.workflow.getHandle(workflowId).fetchHistory();
  const codecs = dataConverterOf().payloadCodecs ?? [];
  const out: T[] = [];
  for (const e of history.events ?? []) {
    const scheduled = e.activityTaskScheduledEventAttributes;
    if (scheduled?.activityType?.name !== name) continue;
    let payloads = (scheduled.input?.payloads ?? []) as Payload[];
    for (const codec of [...codecs].reverse()) payloads = await codec.decode(payloads);
    out.push(defaultPayloadConverter.fromPayload<T>(payloads[0]!));
  }
  return out;
}

describe('a promise to pay from the payment page on Temporal', () => {
  it('kept: dunning pauses until the date, the reminder goes the day before, the payment ends the journey', async () => {
    const record = owing('LIFE-PROMISE-1');
    const tz = record.debtor.timezone!;
    const handle = await start(record, PROMISE_JOURNEY);
    const wf = handle.workflowId;
    const payPath = await payPathOf(wf);
    await t.env.sleep(DAY);
    // Ten days after tomorrow: past the journey's own reminder (day 7), which must not go out.
    const date = await promise(payPath, 9);
    let state = await eventually(async () => {
      const s = await handle.query(stateQuery);
      expect(s.current).toBe('_promise');
      return s;
    });
    expect(state.promises).toEqual([expect.objectContaining({ date, status: 'open' })]);
    expect((await t.app.inject(payPath)).body).toContain('Votre engagement de paiement');
    // The day before the date: the reminder (in the debtor's zone), and nothing else since the first email.
    await t.env.sleep(zoned(addDay(date, -1), tz) - (await t.env.currentTimeMs()) + 3_600_000);
    state = await eventually(async () => {
      const s = await handle.query(stateQuery);
      expect(sentSteps(s)).toEqual(['first', '_promise']);
      return s;
    });
    const remindedAt = state.sends.find((s) => s.step === '_promise')!.at;
    expect(remindedAt).toBeGreaterThanOrEqual(zoned(addDay(date, -1), tz));
    expect(remindedAt).toBeLessThan(zoned(date, tz));
    const reminder = await eventually(() => {
      const m = t.rig.smtp.messages().find((x) => x.messageId === emailMessageId(`${wf}/_promise/1-r1`));
      expect(m).toBeDefined();
      return m!;
    });
    expect(String((await simpleParser(reminder.raw)).subject)).toContain('Demain');
    // The debtor pays on the date.
    await t.env.sleep(DAY);
    await handle.signal(engagementSignal, {
      eventId: 'stripe:pi_promise_1',
      type: 'paid',
      at: new Date(await t.env.currentTimeMs()).toISOString(),
      data: { amount: record.debt.amountDue, currency: record.debt.currency },
    });
    const result = (await handle.result()) as JourneyResult;
    expect(result.outcome).toBe('paid');
    state = await handle.query(stateQuery);
    expect(state.promises).toEqual([expect.objectContaining({ date, status: 'kept' })]);
    expect(sentSteps(state)).toEqual(['first', '_promise']);
    expect(await activityInputs<{ result: string; date: string }>(wf, 'recordPromise')).toEqual([
      expect.objectContaining({ result: 'kept', date }),
    ]);
    await replays(wf);
  }, 120_000);

  it('broken: after the promised day the journey takes the declared route', async () => {
    const record = owing('LIFE-PROMISE-2');
    const tz = record.debtor.timezone!;
    const handle = await start(record, PROMISE_JOURNEY);
    const wf = handle.workflowId;
    const payPath = await payPathOf(wf);
    await t.env.sleep(DAY);
    const date = await promise(payPath, 2);
    // A second promise while this one runs is refused by the page (it shows the promise instead).
    expect((await t.app.inject(payPath)).body).not.toContain('/promise">');
    const result = (await handle.result()) as JourneyResult;
    expect(result.outcome).toBe('unresolved');
    const state = await handle.query(stateQuery);
    expect(sentSteps(state)).toEqual(['first', '_promise', 'final']);
    expect(state.promises).toEqual([expect.objectContaining({ date, status: 'broken' })]);
    const final = state.sends.find((s) => s.step === 'final')!;
    expect(final.at).toBeGreaterThanOrEqual(zoned(addDay(date, 1), tz));
    expect(state.audit.some((a) => a.message === `promise to pay by ${date} broken: not paid → final`)).toBe(true);
    expect(await activityInputs<{ result: string }>(wf, 'recordPromise')).toEqual([
      expect.objectContaining({ result: 'broken', date }),
    ]);
    await replays(wf);
  }, 120_000);
});

const CONTACT_JOURNEY: JourneyPlan = journeyPlan({
  name: 'life-contact',
  spec: { callbacks: { url: 'env:ESCALATION_URL', days: 3, slots: ['morning', 'evening'] }, preferences: {} },
  steps: [
    send('first', 'email', 'overdue-friendly'),
    wait('pause', '3d'),
    send('nudge', 'sms', 'overdue-nudge-sms'),
    wait('pause-2', '3d'),
    send('reminder', 'email', 'overdue-friendly'),
    exit('unresolved', 'unresolved'),
  ],
});

/** A form of the page by its action (`…/callback`, `…/preferences`): where it posts and its hidden fields. */
function formOf(html: string, action: string): { action: string; fields: Record<string, string>; html: string } {
  const form = new RegExp(`<form method="post" action="([^"]*/${action})">([\\s\\S]*?)</form>`).exec(html);
  expect(form, `the page offers the ${action} form`).not.toBeNull();
  const fields: Record<string, string> = {};
  for (const [, name, value] of form![2]!.matchAll(/<input type="hidden" name="(\w+)" value="([^"]*)">/g))
    fields[name!] = value!;
  return { action: form![1]!, fields, html: form![2]! };
}

async function postForm(payPath: string, action: string, values: (form: string) => Record<string, string>) {
  await syncClock();
  const page = await t.app.inject(payPath);
  const form = formOf(page.body, action);
  await submit(form.action, { ...form.fields, ...values(form.html) }, action);
}

describe('call-backs and contact preferences from the payment page on Temporal', () => {
  it('a call-back request goes to the agents’ queue at once; the journey goes on', async () => {
    const record = owing('LIFE-CALLBACK-1');
    const handle = await start(record, CONTACT_JOURNEY);
    const payPath = await payPathOf(handle.workflowId);
    await t.env.sleep(DAY);
    let day = '';
    await postForm(payPath, 'callback', (html) => {
      day = /<option value="([\d-]+)">/.exec(html)![1]!;
      return { date: day, slot: 'evening' };
    });
    const hook = await eventually(() => {
      const h = t.rig.webhookCalls
        .map((c) => c.body as { type?: string; debtId?: string; callback?: Record<string, string> })
        .find((b) => b.debtId === record.debtId && b.type === 'settle.callback.requested');
      expect(h).toBeDefined();
      return h!;
    });
    // Evening in Paris: 17:00 to 20:00 local time.
    expect(hook.callback).toEqual({
      date: day,
      slot: 'evening',
      from: new Date(zonedMidnight(day, 'Europe/Paris') + 17 * 3_600_000).toISOString(),
      to: new Date(zonedMidnight(day, 'Europe/Paris') + 20 * 3_600_000).toISOString(),
      timezone: 'Europe/Paris',
    });
    await eventually(async () => expect((await t.app.inject(payPath)).body).toContain('Nous vous appellerons'));
    const result = (await handle.result()) as JourneyResult;
    expect(result.outcome).toBe('unresolved');
    const state = await handle.query(stateQuery);
    expect(sentSteps(state)).toEqual(['first', 'nudge', 'reminder']);
    expect(
      state.audit.some((a) => a.message.startsWith(`call-back asked for ${day} (evening): sent to the agents`)),
    ).toBe(true);
    await replays(handle.workflowId);
  }, 120_000);

  it('preferences: the next messages follow the language and the channel chosen', async () => {
    const record = owing('LIFE-PREFS-1');
    const handle = await start(record, CONTACT_JOURNEY);
    const wf = handle.workflowId;
    const payPath = await payPathOf(wf);
    await t.env.sleep(DAY);
    await postForm(payPath, 'preferences', () => ({ locale: 'nl', channel: 'email' }));
    // The page is in Dutch now too, with the choices made.
    await eventually(async () => {
      const page = (await t.app.inject(payPath)).body;
      expect(page).toContain('<html lang="nl"');
      expect(page).toContain('<option value="nl" selected>Nederlands</option>');
      expect(page).toContain('<input type="radio" id="channel-email" name="channel" value="email" checked>');
    });
    const result = (await handle.result()) as JourneyResult;
    expect(result.outcome).toBe('unresolved');
    const state = await handle.query(stateQuery);
    // The SMS nudge is skipped (email preferred); the reminder goes by email, in Dutch.
    expect(state.sends.map((s) => [s.step, s.status, s.reason ?? ''])).toEqual([
      ['first', 'sent', ''],
      ['nudge', 'blocked', 'preferredChannel'],
      ['reminder', 'sent', ''],
    ]);
    expect(state.sends.find((s) => s.step === 'reminder')!.locale).toBe('nl');
    const mail = await eventually(() => {
      const m = t.rig.smtp.messages().find((x) => x.messageId === emailMessageId(`${wf}/reminder/1`));
      expect(m).toBeDefined();
      return m!;
    });
    expect(String((await simpleParser(mail.raw)).subject)).toContain('een korte herinnering');
    expect(state.preferences).toEqual({ locale: 'nl', channel: 'email' });
    await replays(wf);
  }, 120_000);

  it('an opt-out per channel from the page: the journey and the debtor’s ledger stop that channel', async () => {
    const record = owing('LIFE-PREFS-2');
    const handle = await start(record, CONTACT_JOURNEY);
    const payPath = await payPathOf(handle.workflowId);
    await t.env.sleep(DAY);
    await postForm(payPath, 'preferences', () => ({ locale: 'fr', channel: 'none', 'optOut-sms': 'on' }));
    const result = (await handle.result()) as JourneyResult;
    expect(result.outcome).toBe('unresolved');
    const state = await handle.query(stateQuery);
    expect(state.optedOut).toEqual(['sms']);
    // Every journey of the debtor hears it: the debtor's ledger holds the opt-out.
    const ledger = await t.env.client.workflow.getHandle(ledgerWorkflowId(`k-${record.debtId}`)).query(ledgerQuery);
    expect(ledger.optedOut).toEqual(['sms']);
    expect(state.sends.map((s) => [s.step, s.status])).toEqual([
      ['first', 'sent'],
      ['nudge', 'blocked'],
      ['reminder', 'sent'],
    ]);
    await replays(handle.workflowId);
  }, 120_000);
});

async function replays(workflowId: string): Promise<void> {
  const history = await t.env.client.workflow.getHandle(workflowId).fetchHistory();
  await Worker.runReplayHistory(
    { workflowBundle: await workflowBundle(), dataConverter: dataConverterOf(SECRET) },
    history,
    workflowId,
  );
}
