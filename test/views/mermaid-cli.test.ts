/**
 * Every graph `settle plan` and `settle diff` draw for the example journeys, rendered by
 * mermaid-cli 11 in Debian's Chromium (no browser download: PUPPETEER_SKIP_DOWNLOAD at install,
 * a puppeteer config naming /usr/bin/chromium here). A syntax error in any graph fails the test;
 * the last case shows a broken graph does fail the same harness.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { compileSources, readSources } from '../../src/compiler/index.js';
import type { JourneyPlan, PlanStep } from '../../src/ir/plan.js';
import { diffPlans, formatDiffMarkdown, formatPlanMermaid } from '../../src/views/index.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../support/browser.js';

const ROOT = join(import.meta.dirname, '..', '..');
const MMDC = join(ROOT, 'node_modules', '.bin', 'mmdc');

/** Renders every ```mermaid block of `markdown` to SVG; resolves with the SVG count, rejects on any error. */
async function renderAll(markdown: string): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'settle-mmdc-'));
  writeFileSync(join(dir, 'puppeteer.json'), JSON.stringify({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS }));
  writeFileSync(join(dir, 'in.md'), markdown);
  await promisify(execFile)(
    MMDC,
    ['-q', '-p', join(dir, 'puppeteer.json'), '-i', join(dir, 'in.md'), '-o', join(dir, 'out.md'), '-e', 'svg'],
    { env: { ...process.env, PUPPETEER_SKIP_DOWNLOAD: '1' }, timeout: 120_000 },
  );
  return readdirSync(dir).filter((f) => f.endsWith('.svg')).length;
}

function blocks(markdown: string): number {
  return markdown.split('```mermaid\n').length - 1;
}

function renameStep(plan: JourneyPlan, from: string, to: string): void {
  const json = JSON.stringify(plan.steps).replaceAll(`"${from}"`, `"${to}"`);
  plan.steps = JSON.parse(json) as PlanStep[];
  if (plan.start === from) plan.start = to;
}

describe('the example graphs under mermaid-cli', () => {
  const plans = compileSources(readSources([join(ROOT, 'journeys')], ROOT)).plans;

  it('renders every plan graph and every graph of diffs of the examples', { timeout: 180_000 }, async () => {
    expect(plans.size).toBeGreaterThanOrEqual(3);
    const after = new Map<string, JourneyPlan>();
    for (const [name, plan] of plans) {
      const next = structuredClone(plan);
      next.version += 1;
      next.sourceHash += '+';
      // A timing change, a renamed step, a template-only change and a new branch case.
      const wait = next.steps.find((s) => s.kind === 'wait');
      if (wait?.kind === 'wait' && wait.wait.type === 'duration') wait.wait.ms += 86_400_000;
      const exit = next.steps.find((s) => s.kind === 'exit');
      if (exit) renameStep(next, exit.id, `${exit.id}-renamed`);
      for (const t of Object.values(next.templates)) for (const l of Object.values(t.locales)) l.text += '\nThanks.';
      const branch = next.steps.find((s) => s.kind === 'branch');
      if (branch?.kind === 'branch')
        branch.cases.push({
          when: 'engagement.visited > 0 && debt.amountDue > 1000.0 || "a|b" == "<x>"',
          next: branch.default,
        });
      after.set(name, next);
    }
    const markdown = [
      ...[...plans.values()].map((p) => `\`\`\`mermaid\n${formatPlanMermaid(p)}\`\`\``),
      formatDiffMarkdown(diffPlans(plans, after)),
    ].join('\n\n');
    const expected = blocks(markdown);
    expect(expected).toBe(plans.size * 3);
    expect(await renderAll(markdown)).toBe(expected);
  });

  it('fails on a graph with a syntax error', { timeout: 120_000 }, async () => {
    await expect(renderAll('```mermaid\nflowchart TD\n  a -->|"x| b\n```\n')).rejects.toThrow(/Parse error/);
  });
});
