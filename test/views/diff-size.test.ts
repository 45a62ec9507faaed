/**
 * `settle diff` on changes that reach many journeys: a shared template change is shown once,
 * graphs only where the graph changed, renames as renames, and the comment fits its budget.
 */
import { describe, expect, it } from 'vitest';
import type { JourneyPlan } from '../../src/ir/plan.js';
import { diffPlans, formatDiffMarkdown } from '../../src/views/index.js';
import { byName, revise, softCollection, step } from './fixtures.js';

const DAY = 86_400_000;

/** Twelve journeys built from soft-collection, all embedding the same templates. */
function fleet(mutate?: (p: JourneyPlan) => void): Map<string, JourneyPlan> {
  const plans: JourneyPlan[] = [];
  for (let i = 1; i <= 12; i++) {
    const base = { ...softCollection(), journey: `journey-${String(i).padStart(2, '0')}` };
    plans.push(mutate ? revise(base, mutate) : base);
  }
  return byName(...plans);
}

function reword(p: JourneyPlan): void {
  const fr = p.templates['friendly-reminder']?.locales.fr;
  if (fr) fr.text = fr.text.replace('sont dus.', 'restent dus.');
}

function count(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

describe('settle diff of a change shared by many journeys', () => {
  it('shows a template change once, naming every journey that uses it, and no graphs when none changed', () => {
    const diff = diffPlans(fleet(), fleet(reword));
    expect(diff.templates).toHaveLength(1);
    expect(diff.templates[0]?.journeys).toHaveLength(12);
    const md = formatDiffMarkdown(diff);
    expect(count(md, '-{{ debt.amountDue | money: debt.currency }} sont dus.')).toBe(1);
    expect(md).toContain('#### `friendly-reminder` — changed, in 12 journeys: `journey-01`, `journey-02`');
    expect(md).not.toContain('```mermaid');
    expect(count(md, '_The graph did not change._')).toBe(12);
    expect(diff.changed.every((j) => !j.graphChanged)).toBe(true);
  });

  it('highlights the sends of a changed template in the graphs it does show', () => {
    const diff = diffPlans(
      fleet(),
      fleet((p) => {
        reword(p);
        step(p, 'watch-email', 'waitFor').timeoutMs = 5 * DAY;
      }),
    );
    const j = diff.changed[0]!;
    expect(j.graphChanged).toBe(true);
    const sendsOfTemplate = j.graphs.after.match(/^ {2}class (.*) changed$/m)?.[1]?.split(',') ?? [];
    expect(sendsOfTemplate).toContain('s_watch_email');
    expect(sendsOfTemplate).toContain('s_first_email');
    expect(formatDiffMarkdown(diff)).toContain('```mermaid');
  });

  it('cuts the graphs first, then the rest, to stay under maxChars, and says so', () => {
    const diff = diffPlans(
      fleet(),
      fleet((p) => {
        reword(p);
        step(p, 'watch-email', 'waitFor').timeoutMs = 5 * DAY;
      }),
    );
    const full = formatDiffMarkdown(diff);
    expect(full.length).toBeGreaterThan(20_000);
    const fitted = formatDiffMarkdown(diff, { maxChars: 20_000, cutNote: 'Full report: the artifact.' });
    expect(fitted.length).toBeLessThanOrEqual(20_000);
    expect(fitted).not.toContain('```mermaid');
    expect(fitted).toContain('leaves out the graphs');
    expect(fitted).toContain('Full report: the artifact.');
    expect(fitted).toContain('-{{ debt.amountDue | money: debt.currency }} sont dus.');
    const tiny = formatDiffMarkdown(diff, { maxChars: 3_000, cutNote: 'Full report: the artifact.' });
    expect(tiny.length).toBeLessThanOrEqual(3_000);
    expect(tiny).toContain('_… cut here. Full report: the artifact._');
    expect(count(tiny, '```') % 2).toBe(0);
  });

  it('reports a renamed step as a rename, routes to it unchanged', () => {
    const after = revise(softCollection(), (p) => {
      const s = step(p, 'cool-down', 'wait');
      s.id = 'cooling-off';
      for (const x of p.steps) {
        if (x.kind === 'branch' && x.default === 'cool-down') x.default = 'cooling-off';
        if (x.kind === 'branch') for (const c of x.cases) if (c.next === 'cool-down') c.next = 'cooling-off';
        if (x.kind === 'waitFor') {
          if (x.onTimeout === 'cool-down') x.onTimeout = 'cooling-off';
          for (const [k, v] of Object.entries(x.on))
            if (v === 'cool-down') x.on[k as keyof typeof x.on] = 'cooling-off';
          if (x.next === 'cool-down') x.next = 'cooling-off';
        }
        if ((x.kind === 'send' || x.kind === 'wait' || x.kind === 'webhook') && x.next === 'cool-down')
          x.next = 'cooling-off';
      }
    });
    const j = diffPlans(byName(softCollection()), byName(after)).changed[0]!;
    expect(j.stepsRenamed).toEqual([{ from: 'cool-down', to: 'cooling-off', kind: 'wait' }]);
    expect(j.stepsAdded).toEqual([]);
    expect(j.stepsRemoved).toEqual([]);
    expect(j.stepChanges.filter((c) => c.category === 'rewired')).toEqual([]);
    expect(j.graphs.after).toMatch(/class .*s_cooling_off.* changed/);
    expect(formatDiffMarkdown(diffPlans(byName(softCollection()), byName(after)))).toContain(
      '- ✏️ `cool-down` renamed to `cooling-off` (wait), nothing else changed',
    );
  });
});
