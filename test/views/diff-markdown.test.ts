/** The `settle diff` pull-request comment rendered from diff data. */
import { describe, expect, it } from 'vitest';
import { diffPlans, formatDiffMarkdown } from '../../src/views/index.js';
import { byName, revise, smsOnly, softCollection, step } from './fixtures.js';

const DAY = 86_400_000;

function revised(bump: boolean) {
  return revise(
    softCollection(),
    (p) => {
      const w = step(p, 'watch-email', 'waitFor');
      w.timeoutMs = 5 * DAY;
      w.on.clicked = 'give-up';
      p.steps.splice(6, 0, {
        id: 'last-call',
        kind: 'wait',
        source: { file: 'f', line: 1 },
        wait: { type: 'duration', ms: DAY },
        next: 'cool-down',
      });
      step(p, 'large-balance', 'branch').default = 'last-call';
      const fr = p.templates['friendly-reminder']?.locales.fr;
      if (fr) fr.text = fr.text.replace('sont dus.', 'restent dus.');
      p.policy.windows[0] = { days: [1, 2, 3, 4, 5], fromMin: 9 * 60, toMin: 20 * 60 };
    },
    { bump },
  );
}

function markdown(bump: boolean): string {
  const before = byName(softCollection(), smsOnly('old-one', 2), smsOnly('same', 4));
  const after = byName(revised(bump), smsOnly('new-one'), smsOnly('same', 4));
  return formatDiffMarkdown(diffPlans(before, after));
}

describe('formatDiffMarkdown', () => {
  const md = markdown(false);

  it('opens with a summary table of every journey', () => {
    expect(md.startsWith('## Settle plan diff\n')).toBe(true);
    expect(md).toContain('| Journey | Change | Version | What changed |');
    expect(md).toContain('| `new-one` | ➕ added | v1 | 3 steps |');
    expect(md).toContain('| `old-one` | ➖ removed | v2 | 3 steps |');
    expect(md).toContain('| `same` | unchanged | v4 | — |');
    expect(md).toContain(
      '| `soft-collection` | ❌ changed | v3 → v3 ❌ | 1 step added · 2 rewired · 1 timing · 1 policy · 1 template |',
    );
    expect(md.indexOf('| Journey |')).toBeLessThan(md.indexOf('### '));
  });

  it('shows a ❌ line when the plan changed but the version did not', () => {
    const errorLine =
      '❌ `soft-collection`: the plan changed but the version did not increase (3 → 3) — set `metadata.version: 4` or higher.';
    expect(md).toContain('**1 journey needs a version bump:**');
    expect(md).toContain(`- ${errorLine}`);
    expect(md).toContain(`### ✏️ \`soft-collection\` — v3 → v3\n\n${errorLine}`);
  });

  it('has no ❌ when the version was bumped', () => {
    const ok = markdown(true);
    expect(ok).not.toContain('❌');
    expect(ok).toContain('### ✏️ `soft-collection` — v3 → v4');
  });

  it('lists step, route, timing and policy changes', () => {
    expect(md).toContain('**Steps**\n\n- ➕ `last-call` (wait): 1d');
    expect(md).toContain(
      '**Routes**\n\n- `watch-email` clicked: `cool-down` → `give-up`\n- `large-balance` default: `cool-down` → `last-call`',
    );
    expect(md).toContain('**Timing**\n\n- `watch-email` timeout: `3d` → `5d`');
    expect(md).toContain(
      '**Policy**\n\n- send window: `Mon–Fri 08:00–21:00; Sat 09:00–13:00` → `Mon–Fri 09:00–20:00; Sat 09:00–13:00`',
    );
  });

  it('shows template text changes as a unified diff per template, locale and part', () => {
    expect(md).toContain('#### `friendly-reminder` — changed, in 1 journey: `soft-collection`');
    expect(md).toContain('**`fr` · text** (changed) — Liquid source:');
    expect(md).toContain('- `friendly-reminder`: changed (see **Templates** above)');
    expect(md).toContain(
      [
        '```diff',
        '@@ -1,4 +1,4 @@',
        ' Bonjour {{ debtor.firstName }},',
        '-{{ debt.amountDue | money: debt.currency }} sont dus.',
        '+{{ debt.amountDue | money: debt.currency }} restent dus.',
        ' Payez en deux clics : {{ links.pay }}',
        ' Ne plus recevoir ces e-mails : {{ links.optOut }}',
        '```',
      ].join('\n'),
    );
  });

  it('folds before and after graphs into a details block', () => {
    const section = md.slice(md.indexOf('<details>'), md.indexOf('</details>'));
    expect(section).toContain('<summary>Graphs of soft-collection: before (v3) and after (v3)</summary>');
    expect(section).toContain('**Before (v3)**\n\n```mermaid\nflowchart TD');
    expect(section).toContain('s_watch_email -->|"timeout 3d"| s_subject_test');
    expect(section).toContain('s_watch_email -->|"timeout 5d"| s_subject_test');
    expect(section).toContain('class s_last_call added');
    expect(
      formatDiffMarkdown(diffPlans(byName(softCollection()), byName(revised(true))), { graphs: false }),
    ).not.toContain('mermaid');
  });

  it('describes added, removed and unchanged journeys briefly', () => {
    expect(md).toContain('### ➕ `new-one` — new, v1');
    expect(md).toContain('### ➖ `old-one` — removed (was v2)');
    expect(md).toContain('**Unchanged:** `same` (v4)');
  });

  it('is deterministic and never has a run of blank lines', () => {
    expect(markdown(false)).toBe(md);
    expect(md).not.toMatch(/\n\n\n/);
    expect(md.endsWith('\n')).toBe(true);
  });

  it('says so when nothing changed', () => {
    const same = formatDiffMarkdown(diffPlans(byName(smsOnly()), byName(smsOnly())));
    expect(same).toContain('No plan changes in 1 journey.');
    expect(same).not.toContain('###');
  });

  it('fences template text containing backticks with a longer fence', () => {
    const after = revise(softCollection(), (p) => {
      const en = p.templates['friendly-reminder']?.locales.en;
      if (en) en.text = `${en.text}\n\`\`\`\ncode\n\`\`\``;
    });
    const out = formatDiffMarkdown(diffPlans(byName(softCollection()), byName(after)), { graphs: false });
    expect(out).toContain('````diff\n');
    expect(out).toContain('+```\n+code\n+```\n````');
  });
});
