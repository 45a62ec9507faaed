/**
 * The payment page with its self-service forms (promise to pay, call-back, preferences, dispute)
 * in Debian's Chromium at a phone viewport (390 px), in every example locale (en, fr, nl):
 * axe-core (the accessibility engine, injected into the page) finds no violation of WCAG 2.1 A
 * and AA (labels, names, contrast, landmarks, lang) with every form unfolded, nothing is wider
 * than the screen, and the forms work with JavaScript off (a plain post, then the receipt page).
 * The server's routes run as `settle server` runs them, against a journey's state view; the
 * journey's side of each action is tested on Temporal (test/workflows/self-service-temporal.test.ts).
 * Screenshots: test-artifacts/self-service-<locale>.png.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signLinkToken } from '../../src/channels/tokens.js';
import { createServerApp } from '../../src/server/app.js';
import type { JourneyStateView } from '../../src/workflows/types.js';
import { launchPhone, type PhoneBrowser } from '../support/browser.js';
import { recordingDispatcher, type RecordingDispatcher } from '../support/fake-dispatcher.js';
import { journeyView } from '../support/journey-view.js';
import { ROOT } from '../support/journeys.js';
import { freePort } from '../support/temporal.js';

const SECRET = 'self-service-browser-secret-0123456789';
const ARTIFACTS = join(ROOT, 'test-artifacts');
const AXE = readFileSync(join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
const LOCALES = ['en', 'fr', 'nl'] as const;

let app: FastifyInstance;
let publicUrl: string;
let dispatcher: RecordingDispatcher;
const views = new Map<string, JourneyStateView>();
const phones: PhoneBrowser[] = [];

/** A phone-sized Chromium (390×844), with or without JavaScript. */
async function phone(locale: string, javaScriptEnabled = true): Promise<BrowserContext> {
  const browser = await launchPhone(locale, javaScriptEnabled);
  phones.push(browser);
  return browser.context;
}

function viewFor(locale: string): JourneyStateView {
  return journeyView(
    {
      disputeForm: { reasons: ['alreadyPaid', 'notMine', 'wrongAmount', 'notReceived', 'other'], maxLength: 500 },
      promiseForm: { maxDays: 14, left: 1 },
      callbackForm: { days: 5, slots: ['morning', 'afternoon', 'evening'] },
      preferenceForm: { languages: ['en', 'fr', 'nl'] },
    },
    { locale },
  );
}

function pageUrl(locale: string): string {
  const workflowId = `settle/A11Y-${locale}`;
  views.set(workflowId, viewFor(locale));
  const token = signLinkToken(SECRET, {
    p: 'p',
    w: workflowId,
    s: 'first-email',
    c: 'email',
    k: `${workflowId}/first-email/1`,
  });
  return `${publicUrl}/p/${token}`;
}

beforeAll(async () => {
  dispatcher = recordingDispatcher();
  const port = await freePort();
  publicUrl = `http://127.0.0.1:${port}`;
  app = createServerApp({
    secret: SECRET,
    publicUrl,
    lookup: { view: (id) => Promise.resolve(views.get(id)) },
    dispatcher,
    ready: async () => true,
    metrics: async () => '',
    log: false,
  });
  await app.listen({ host: '127.0.0.1', port });
}, 60_000);

afterAll(async () => {
  for (const browser of phones) await browser.close();
  await app?.close();
});

interface AxeResult {
  violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[];
  passes: { id: string }[];
}

/** axe-core injected into the page (through the DevTools protocol: the page's CSP allows no script) and run. */
async function axe(page: Page): Promise<AxeResult> {
  await page.evaluate(AXE);
  const options = {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    resultTypes: ['violations', 'passes'],
  };
  return (await page.evaluate(`axe.run(document, ${JSON.stringify(options)})`)) as AxeResult;
}

describe('the self-service payment page in Chromium at 390 px', () => {
  for (const locale of LOCALES) {
    it(`${locale}: no WCAG 2.1 AA violation with every form unfolded, nothing wider than the phone`, async () => {
      const context = await phone(locale);
      const page = await context.newPage();
      const response = await page.goto(pageUrl(locale));
      expect(response?.status()).toBe(200);
      expect(await page.locator('html').getAttribute('lang')).toBe(locale);
      // The four forms, unfolded as a debtor opening them would see them.
      const details = page.locator('details');
      expect(await details.count()).toBe(4);
      for (let i = 0; i < 4; i++) await details.nth(i).locator('summary').click();
      const result = await axe(page);
      const found = result.violations.map(
        (v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
      );
      expect(found).toEqual([]);
      // axe checked what matters here (a run that checks nothing would pass too).
      const passed = new Set(result.passes.map((p) => p.id));
      for (const rule of ['label', 'color-contrast', 'html-has-lang', 'button-name', 'link-name'])
        expect(passed, rule).toContain(rule);
      const width = await page.evaluate('document.documentElement.scrollWidth');
      expect(width).toBeLessThanOrEqual(390);
      // Every control of the forms is reachable by keyboard and has a visible focus ring.
      const date = page.locator('#promise-date');
      await date.focus();
      const outline = await page.evaluate("getComputedStyle(document.getElementById('promise-date')).outlineStyle");
      expect(outline).not.toBe('none');
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, `self-service-${locale}.png`), fullPage: true });
    }, 60_000);
  }

  it('the forms work with JavaScript off: a dispute and a call-back are plain posts, then the receipt', async () => {
    const context = await phone('fr-FR', false);
    const page = await context.newPage();
    await page.goto(pageUrl('fr'));
    await page.locator('#dispute-title').click();
    await page.getByLabel('Le montant est erroné').check();
    await page.getByRole('button', { name: 'Envoyer ma contestation' }).click();
    await page.waitForURL(/\/s\/[^/]+\/received\/dispute$/);
    expect(await page.locator('h1').innerText()).toBe('Contestation reçue');
    await page.goto(pageUrl('fr'));
    await page.locator('#callback-title').click();
    await page.getByLabel('Soir (17 h – 20 h)').check();
    await page.getByRole('button', { name: 'Demander un appel' }).click();
    await page.waitForURL(/\/s\/[^/]+\/received\/callback$/);
    const types = dispatcher.sent
      .filter((s) => s.workflowId === 'settle/A11Y-fr')
      .map((s) => (s.signal.kind === 'engagement' ? s.signal.signal.type : s.signal.kind))
      .filter((t) => t !== 'visited');
    expect(types).toEqual(['disputed', 'callbackRequested']);
  }, 60_000);
});
