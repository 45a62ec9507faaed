/**
 * The HTML report in Debian's Chromium (playwright-core), offline: every request other than the
 * report itself is refused, the four charts render with their bars, and a screenshot is kept in
 * test-artifacts/simulate-report.png.
 */
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../support/browser.js';
import { ROOT } from '../support/journeys.js';
import { settle } from '../cli/helpers.js';
import { EXAMPLE_RUN } from './support.js';

const ARTIFACTS = join(ROOT, 'test-artifacts');

describe('simulate --format html in Chromium', () => {
  it('opens without a network and shows the sends, funnel, outcomes and variant charts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'settle-sim-html-'));
    const out = join(dir, 'report.html');
    const r = await settle([
      ...EXAMPLE_RUN,
      '--behaviour',
      'examples/simulate/behaviour.yaml',
      '--seed',
      '3',
      '--format',
      'html',
      '--out',
      out,
    ]);
    expect(r.code).toBe(0);
    const profile = mkdtempSync(join(tmpdir(), 'settle-chromium-'));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      args: CHROMIUM_ARGS,
      headless: true,
      viewport: { width: 900, height: 1200 },
      offline: true,
    });
    try {
      const requests: string[] = [];
      await context.route('**/*', (route) => {
        requests.push(route.request().url());
        return route.abort();
      });
      const page = await context.newPage();
      await page.setContent(readFileSync(out, 'utf8'), { waitUntil: 'load' });
      expect(requests).toEqual([]);
      expect(await page.title()).toMatch(/^Settle simulation/);
      for (const id of ['chart-sends', 'chart-funnel', 'chart-outcomes', 'chart-variants']) {
        const box = await page.locator(`#${id}`).boundingBox();
        expect(box, id).not.toBeNull();
        expect(box!.width).toBeGreaterThan(300);
        expect(box!.height).toBeGreaterThan(50);
      }
      expect(await page.locator('#chart-sends rect.bar.email').count()).toBe(61);
      expect(await page.locator('#chart-funnel rect.bar').count()).toBe(6);
      expect(await page.locator('#chart-variants rect.bar').count()).toBe(2);
      expect(await page.locator('table').count()).toBeGreaterThan(4);
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, 'simulate-report.png'), fullPage: true });
    } finally {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    }
  }, 60_000);
});
