/**
 * The payment page's self-service end to end in Debian's Chromium at a phone viewport, against a
 * journey on the time-skipping Temporal server, the real activities (SMTP sink, a local webhook
 * receiver for the agents' queue) and the server app on loopback: the debtor opens the payment
 * link from the email and
 * - promises to pay (the date picked in the page's date field): the journey pauses, the reminder
 *   arrives the day before, the payment ends it (kept);
 * - disputes the debt: the agents get it with the reason, and no further message is sent;
 * - asks for a call: the request reaches the agents' queue;
 * - sets preferences (Dutch, email): the next message follows them.
 * The payment is signalled as the Stripe webhook would deliver it (that path: landing-browser.test.ts).
 */
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emailMessageId } from '../../src/activities/message.js';
import { verifyLinkToken } from '../../src/channels/tokens.js';
import type { EnrollmentData, JourneyPlan } from '../../src/ir/index.js';
import { engagementSignal, stateQuery } from '../../src/workflows/definitions.js';
import type { JourneyResult, JourneyStateView } from '../../src/workflows/types.js';
import { launchPhone, type PhoneBrowser } from '../support/browser.js';
import { exampleRecord } from '../support/journeys.js';
import { SECRET } from '../support/journey-worker.js';
import { exit, journeyPlan, send, wait, webhook } from '../support/journey-yaml.js';
import { useJourneyServer } from '../support/journey-server.js';
import { quietTemporalRuntime } from '../support/temporal.js';
import { eventually } from '../support/wait.js';

quietTemporalRuntime();

const DAY = 86_400_000;

/** The server's wall clock follows the time-skipping server's. */
let serverNow = Date.now();

const PLAN: JourneyPlan = journeyPlan({
  name: 'e2e-self-service',
  spec: {
    promises: { maxDays: 14, remind: { channel: 'email', template: 'promise-reminder' }, onBroken: 'reminder' },
    disputes: { reasons: ['alreadyPaid', 'notMine', 'wrongAmount', 'other'], to: 'dispute-agent' },
    callbacks: { url: 'env:ESCALATION_URL', days: 3 },
    preferences: {},
  },
  steps: [
    send('first', 'email', 'overdue-friendly'),
    wait('pause', '7d'),
    send('reminder', 'email', 'overdue-friendly'),
    wait('pause-2', '7d'),
    exit('unresolved', 'unresolved'),
    webhook('dispute-agent', 'env:ESCALATION_URL', { retry: { maxAttempts: 1 }, next: 'review' }),
    wait('review', '5d', { next: 'reminder' }),
  ],
});

const t = useJourneyServer({ listen: true, app: () => ({ clock: () => serverNow }) });
let browser: PhoneBrowser;
beforeAll(async () => {
  browser = await launchPhone('fr-FR');
}, 120_000);
afterAll(async () => browser?.close());

async function start(debtId: string) {
  const anna = exampleRecord('anna-rossi');
  const record: EnrollmentData = { ...anna, debtId, debt: { ...anna.debt, reference: debtId } };
  return t.start(PLAN, record);
}

/** The payment link of the journey's first email, as the debtor clicks it (tracked redirect). */
async function emailLink(workflowId: string): Promise<string> {
  const mail = await eventually(() => {
    const m = t.rig.smtp.messages().find((x) => x.messageId === emailMessageId(`${workflowId}/first/1`));
    expect(m).toBeDefined();
    return m!;
  });
  const parsed = await simpleParser(mail.raw);
  for (const [, raw] of String(parsed.html).matchAll(/href="([^"]+)"/g)) {
    const href = raw!.replace(/&amp;/g, '&');
    const url = new URL(href);
    if (url.pathname.startsWith('/p/')) return href;
    const click = /^\/t\/c\/([^/]+)$/.exec(url.pathname);
    if (click && verifyLinkToken(SECRET, click[1]!, 'c')?.u?.includes('/p/')) return href;
  }
  throw new Error('no payment link in the email');
}

async function openPage(workflowId: string) {
  serverNow = await t.env.currentTimeMs();
  const page = await browser.context.newPage();
  const response = await page.goto(await emailLink(workflowId));
  expect(response?.status()).toBe(200);
  return page;
}

const sentSteps = (s: JourneyStateView) => s.sends.filter((x) => x.status === 'sent').map((x) => x.step);
const hooks = (debtId: string) =>
  t.rig.webhookCalls.map((c) => c.body as Record<string, unknown>).filter((b) => b.debtId === debtId);

describe('the self-service payment page in Chromium, against journeys on Temporal', () => {
  it('promise → pause → reminder the day before → payment: kept', async () => {
    const handle = await start('E2E-PROMISE-1');
    await t.env.sleep(DAY);
    const page = await openPage(handle.workflowId);
    await page.locator('#promise-title').click();
    const min = (await page.locator('#promise-date').getAttribute('min'))!;
    const date = new Date(Date.parse(`${min}T00:00:00Z`) + 8 * DAY).toISOString().slice(0, 10);
    await page.locator('#promise-date').fill(date);
    await page.getByRole('button', { name: 'M’engager à payer à cette date' }).click();
    await page.waitForURL(/\/received\/promise$/);
    expect(await page.locator('h1').innerText()).toBe('Engagement enregistré');
    await t.dispatcher.flush(5_000);
    await eventually(async () => expect((await handle.query(stateQuery)).current).toBe('_promise'));
    // Past the journey's own reminder (day 7) and into the day before the date: only the promise's reminder.
    await t.env.sleep(8 * DAY);
    const state = await eventually(async () => {
      const s = await handle.query(stateQuery);
      expect(sentSteps(s)).toEqual(['first', '_promise']);
      return s;
    });
    expect(state.promises).toEqual([expect.objectContaining({ date, status: 'open' })]);
    await handle.signal(engagementSignal, {
      eventId: 'stripe:pi_e2e_promise',
      type: 'paid',
      at: new Date(await t.env.currentTimeMs()).toISOString(),
      data: { amount: 420.5, currency: 'EUR' },
    });
    expect(((await handle.result()) as JourneyResult).outcome).toBe('paid');
    expect((await handle.query(stateQuery)).promises).toEqual([expect.objectContaining({ status: 'kept' })]);
  }, 180_000);

  it('dispute → the agents get it, no further message; call-back → the agents’ queue', async () => {
    const handle = await start('E2E-DISPUTE-1');
    await t.env.sleep(DAY);
    const page = await openPage(handle.workflowId);
    await page.locator('#callback-title').click();
    await page.getByLabel('Soir (17 h – 20 h)').check();
    await page.getByRole('button', { name: 'Demander un appel' }).click();
    await page.waitForURL(/\/received\/callback$/);
    await page.goto(page.url().replace(/\/s\/([^/]+)\/received\/callback$/, '/p/$1'));
    await page.locator('#dispute-title').click();
    await page.getByLabel('Une autre raison').check();
    await page.getByLabel(/^Précisions/).fill('Facture déjà contestée par courrier.');
    await page.getByRole('button', { name: 'Envoyer ma contestation' }).click();
    await page.waitForURL(/\/received\/dispute$/);
    await t.dispatcher.flush(5_000);
    await eventually(() =>
      expect(hooks('E2E-DISPUTE-1').map((h) => h.type ?? h.step)).toEqual([
        'settle.callback.requested',
        'settle.journey.webhook',
      ]),
    );
    expect(hooks('E2E-DISPUTE-1')[1]).toMatchObject({
      step: 'dispute-agent',
      dispute: { reason: 'other', text: 'Facture déjà contestée par courrier.' },
    });
    await t.env.sleep(20 * DAY);
    const state = await eventually(async () => {
      const s = await handle.query(stateQuery);
      expect(s.current).toBe('reminder');
      return s;
    });
    expect(sentSteps(state)).toEqual(['first']);
    await page.goto(page.url().replace(/\/s\/([^/]+)\/received\/dispute$/, '/p/$1'));
    expect(await page.getByText('Votre contestation est en cours d’examen').count()).toBe(1);
  }, 180_000);

  it('preferences → the next message follows them', async () => {
    const handle = await start('E2E-PREFS-1');
    await t.env.sleep(DAY);
    const page = await openPage(handle.workflowId);
    await page.locator('#prefs-title').click();
    await page.getByLabel('Langue de nos messages').selectOption('nl');
    await page.getByLabel('E-mail', { exact: true }).first().check();
    await page.getByRole('button', { name: 'Enregistrer mes préférences' }).click();
    await page.waitForURL(/\/received\/preferences$/);
    await t.dispatcher.flush(5_000);
    expect(((await handle.result()) as JourneyResult).outcome).toBe('unresolved');
    const mail = t.rig.smtp.messages().find((x) => x.messageId === emailMessageId(`${handle.workflowId}/reminder/1`));
    expect(String((await simpleParser(mail!.raw)).subject)).toContain('een korte herinnering');
  }, 180_000);
});
