/**
 * The payment path end to end, in Debian's Chromium at a phone viewport: a journey on the
 * time-skipping server sends a real email (SMTP), the debtor opens the payment link from it,
 * sees her amount in French, presses pay and lands on the Checkout Session that stripe-mock
 * created; Stripe's signed webhook then ends the journey `paid`. The page view reaches the
 * journey as `visited` through the real signal dispatcher and journey lookup. A tampered link
 * shows 404. Screenshot: test-artifacts/landing-phone.png.
 *
 * The links in the email point at the server app on loopback (SETTLE_PUBLIC_URL), the pay link
 * wrapped in a signed click redirect; Stripe's hosted page, out of reach offline, is answered
 * with a stub.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyLinkToken } from '../../src/channels/tokens.js';
import { stateQuery } from '../../src/workflows/definitions.js';
import type { JourneyInput, JourneyResult } from '../../src/workflows/types.js';
import { launchPhone, type PhoneBrowser } from '../support/browser.js';
import { examplePlan, exampleRecord, ROOT } from '../support/journeys.js';
import { SECRET } from '../support/journey-worker.js';
import { paidCheckoutSession, useJourneyServer } from '../support/journey-server.js';

import { startStripeMock, type StripeMock } from '../support/stripe-mock.js';
import { quietTemporalRuntime } from '../support/temporal.js';

quietTemporalRuntime();

const WEBHOOK_SECRET = 'whsec_e2e_landing_0123456789';
const ARTIFACTS = join(ROOT, 'test-artifacts');

let stripeMock: StripeMock;
let browser: PhoneBrowser;
let sentPayUrl: string | undefined;

beforeAll(async () => {
  stripeMock = await startStripeMock();
}, 120_000);
afterAll(async () => stripeMock?.stop());

// The whole server app (tracking, landing page, webhooks), as `settle server` runs it, on loopback.
const t = useJourneyServer({
  listen: true,
  // The real Stripe adapter, with the sessions it creates kept for the webhooks Stripe would send.
  stripe: { sdk: () => stripeMock.sdk, webhookSecret: WEBHOOK_SECRET },
});

beforeAll(async () => {
  browser = await launchPhone('fr-FR');
  await browser.context.route('https://checkout.stripe.com/**', (route) =>
    route.fulfill({
      contentType: 'text/html',
      body: '<!doctype html><title>Stripe Checkout</title><h1>Stripe Checkout (stub)</h1>',
    }),
  );
}, 120_000);
afterAll(async () => browser?.close());

/**
 * The pay link of an email as the debtor sees it: the payment page itself, or the signed click
 * redirect (tracking) that leads to it.
 */
async function payLinkOf(raw: Buffer): Promise<string> {
  const mail = await simpleParser(raw);
  const hrefs = [...String(mail.html).matchAll(/href="([^"]+)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));
  for (const href of hrefs) {
    const url = new URL(href);
    if (url.pathname.startsWith('/p/')) return href;
    const click = /^\/t\/c\/([^/]+)$/.exec(url.pathname);
    const target = click ? verifyLinkToken(SECRET, click[1]!, 'c')?.u : undefined;
    if (target && new URL(target).pathname.startsWith('/p/')) return href;
  }
  throw new Error(`no payment link in the email (links: ${hrefs.join(', ')})`);
}

describe('payment landing page in Chromium', () => {
  it('from the email to Stripe Checkout at a phone viewport; the webhook ends the journey paid', async () => {
    const anna = { ...exampleRecord('anna-rossi'), debtId: 'E2E-LANDING-1' };
    const workflowId = `settle/${anna.debtId}/soft-collection`;
    const input: JourneyInput = {
      plan: examplePlan('soft-collection'),
      enrollment: anna,
      options: { debtorKey: 'k', contactKeys: [] },
    };
    const handle = await t.env.client.workflow.start('journeyWorkflow', {
      workflowId,
      taskQueue: t.rig.taskQueue,
      args: [input],
    });

    // The contact policy may hold the first email until business hours: let journey time pass.
    const mailOf = () => t.rig.smtp.messages().find((m) => m.to.includes(anna.debtor.email!));
    for (let hour = 0; !mailOf() && hour < 24 * 5; hour++) await t.env.sleep('1 hour');
    const emailLink = await payLinkOf(mailOf()!.raw);
    expect(emailLink.startsWith(`${t.publicUrl}/`)).toBe(true);

    const page = await browser.context.newPage();
    const response = await page.goto(emailLink);
    expect(response?.status()).toBe(200);
    const payUrl = page.url();
    expect(payUrl.startsWith(`${t.publicUrl}/p/`)).toBe(true);
    sentPayUrl = payUrl;
    expect(await page.locator('html').getAttribute('lang')).toBe('fr');
    await expect.poll(() => page.locator('h1').innerText()).toBe('Bonjour Anna,');
    expect((await page.locator('.amount').innerText()).replace(/\s/g, ' ')).toBe('420,50 €');
    expect(await page.getByText('INV-2026-0042').count()).toBe(1);
    expect(await page.getByRole('button', { name: /mensualités de 210,25/ }).count()).toBe(1);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'landing-phone.png'), fullPage: true });
    // Landmarks for screen readers, and the pay button first in keyboard order, within the viewport.
    for (const role of ['banner', 'main', 'contentinfo'] as const) expect(await page.getByRole(role).count()).toBe(1);
    const pay = page.getByRole('button', { name: /^Payer 420,50.€ maintenant$/ });
    await page.keyboard.press('Tab');
    expect(await pay.evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
    expect((await pay.boundingBox())!.y + 48).toBeLessThan(844);

    await pay.click();
    await page.waitForURL(/^https:\/\/checkout\.stripe\.com\//);
    expect(t.sessions).toHaveLength(1);
    expect(page.url()).toBe(t.sessions[0]!.session.url);
    expect(t.sessions[0]!.session).toMatchObject({ amount: 42050, currency: 'EUR' });

    // The visit reached the journey as `visited`, tagged with the channel of the link.
    await t.dispatcher.flush(5_000);
    const state = await handle.query(stateQuery);
    expect(state.events.find((e) => e.type === 'visited')).toMatchObject({
      messageId: `${workflowId}/first-email/1`,
      data: { source: 'email' },
    });

    // Stripe's webhook for that session (stripe-mock sends none): signed, with the session's metadata.
    const { request, session } = t.sessions[0]!;
    const payload = JSON.stringify({
      id: 'evt_e2e_1',
      object: 'event',
      type: 'checkout.session.completed',
      created: Math.floor((await t.env.currentTimeMs()) / 1000),
      livemode: false,
      data: {
        object: paidCheckoutSession({ request, session }, 'pi_e2e_1'),
      },
    });
    const hook = await fetch(`${t.publicUrl}/webhooks/stripe`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'stripe-signature': Stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET }),
      },
      body: payload,
    });
    expect(hook.status).toBe(200);
    await t.dispatcher.flush(5_000);
    const result = (await handle.result()) as JourneyResult;
    expect(result.outcome).toBe('paid');

    // Back on the link after paying: already paid, thank you.
    await page.goto(payUrl);
    expect(await page.locator('h1').innerText()).toBe('Déjà payé — merci !');
  }, 180_000);

  it('a tampered link shows the 404 page', async () => {
    expect(sentPayUrl).toBeDefined();
    // Another workflow id in the claims, the signature kept.
    const [body, mac] = new URL(sentPayUrl!).pathname.slice('/p/'.length).split('.') as [string, string];
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...claims, w: 'settle/SOMEONE-ELSE/soft-collection' })).toString(
      'base64url',
    );
    const page = await browser.context.newPage();
    const response = await page.goto(`${t.publicUrl}/p/${forged}.${mac}`);
    expect(response?.status()).toBe(404);
    expect(await page.locator('h1').innerText()).toBe('Page introuvable');
  });
});
