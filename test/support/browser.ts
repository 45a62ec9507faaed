/**
 * Debian's Chromium driven by playwright-core: never a browser that a
 * test tool downloads. CI installs it in .ci/run (`apt-get install chromium`). Each launch gets
 * a fresh profile directory, removed on close.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface PhoneBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** A phone-sized (390×844, like an iPhone 12–15) touch browser in the given locale, with or without JavaScript. */
export async function launchPhone(locale: string, javaScriptEnabled = true): Promise<PhoneBrowser> {
  const profile = await mkdtemp(join(tmpdir(), 'settle-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
    headless: true,
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale,
    javaScriptEnabled,
  });
  return {
    context,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
