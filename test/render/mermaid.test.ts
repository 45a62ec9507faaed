/** `settle plan --format mermaid`: shapes per kind, labelled routes, safe ids and labels. */
import { describe, expect, it } from 'vitest';
import { escapeMermaidLabel, formatPlanMermaid } from '../../src/render/index.js';
import { softCollection, step } from './fixtures.js';

describe('formatPlanMermaid', () => {
  const graph = formatPlanMermaid(softCollection());
  const lines = graph.split('\n').map((l) => l.trim());

  it('is a top-down flowchart', () => {
    expect(lines[0]).toBe('flowchart TD');
    expect(lines).toContain('journey_start(("start")) --> s_first_email');
  });

  it('draws one node per step, shaped by kind', () => {
    expect(lines).toContain('s_first_email["first-email<br/>email: friendly-reminder<br/>+ payment link"]');
    expect(lines).toContain('s_cool_down(["cool-down<br/>wait 2d"])');
    expect(lines).toContain('s_watch_email{{"watch-email<br/>wait for clicked, opened<br/>timeout 3d"}}');
    expect(lines).toContain('s_large_balance{"large-balance"}');
    expect(lines).toContain('s_subject_test[/"subject-test<br/>split loss-aversion 50%, social-proof 50%"\\]');
    expect(lines).toContain('s_hand_over[["hand-over<br/>webhook env:ESCALATION_URL"]]');
    expect(lines).toContain('s_give_up((("give-up<br/>exit: unresolved")))');
  });

  it('labels routes; failure and blocked paths are dotted', () => {
    expect(lines).toContain('s_first_email --> s_watch_email');
    expect(lines).toContain('s_first_email -.->|"onFailure"| s_first_sms');
    expect(lines).toContain('s_first_sms -.->|"onBlocked"| s_large_balance');
    expect(lines).toContain('s_watch_email -->|"clicked"| s_cool_down');
    expect(lines).toContain('s_watch_email -->|"timeout 3d"| s_subject_test');
    expect(lines).toContain('s_subject_test -->|"loss-aversion 50%"| s_first_sms');
    expect(lines).toContain('s_large_balance -->|"default"| s_cool_down');
  });

  it('shortens and escapes case conditions', () => {
    const edge = lines.find((l) => l.startsWith('s_large_balance -->') && l.endsWith('s_hand_over'));
    expect(edge).toBe('s_large_balance -->|"debt.amountDue #gt; 1000 #amp;#amp; attributes.sec…"| s_hand_over');
  });

  it('escapes quotes, angle brackets, hashes, pipes and backticks in labels', () => {
    expect(escapeMermaidLabel('a "b" <c> #1 | `d`')).toBe('a #quot;b#quot; #lt;c#gt; #35;1 #124; #96;d#96;');
    const plan = softCollection();
    step(plan, 'give-up', 'exit').outcome = 'say "no" <b>#1</b>';
    step(plan, 'hand-over', 'webhook').url = { literal: 'https://hooks.example.com/x#frag' };
    const out = formatPlanMermaid(plan);
    expect(out).toContain('s_give_up((("give-up<br/>exit: say #quot;no#quot; #lt;b#gt;#35;1#lt;/b#gt;")))');
    expect(out).toContain('webhook https://hooks.example.com/x#35;frag"]]');
  });

  it('keeps node ids Mermaid-safe even for keywords, odd ids and unknown targets', () => {
    const plan = softCollection();
    step(plan, 'give-up', 'exit').id = 'end';
    step(plan, 'cool-down', 'wait').next = 'end';
    step(plan, 'escalated', 'exit').id = 'Odd id!';
    step(plan, 'hand-over', 'webhook').next = 'nowhere';
    const out = formatPlanMermaid(plan);
    expect(out).toContain('s_cool_down --> s_end');
    expect(out).toMatch(/^ {2}n\d+\(\(\("Odd id!<br\/>exit: escalated"\)\)\)$/m);
    expect(out).toContain('u0["unknown step nowhere"]');
    expect(out).toContain('s_hand_over --> u0');
    for (const m of out.matchAll(/^ {2}([^\s%([{]+)[[({]/gm)) expect(m[1]).toMatch(/^[A-Za-z][A-Za-z0-9_]*$/);
  });

  it('merges labelled routes to the same step and highlights steps on request', () => {
    const plan = softCollection();
    step(plan, 'watch-email', 'waitFor').on.opened = 'cool-down';
    const out = formatPlanMermaid(plan, { highlight: { added: ['cool-down'], changed: ['watch-email', 'ghost'] } });
    expect(out).toContain('s_watch_email -->|"clicked / opened"| s_cool_down');
    expect(out).toContain('class s_cool_down added');
    expect(out).toContain('class s_watch_email changed');
  });

  it('is deterministic', () => {
    expect(formatPlanMermaid(softCollection())).toBe(graph);
  });
});
