/** `settle plan --format mermaid`: shapes per kind, labelled routes, safe ids and labels. */
import { describe, expect, it } from 'vitest';
import { wrap } from '../../src/views/mermaid.js';
import { escapeMermaidLabel, formatPlanMermaid } from '../../src/views/index.js';
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
    expect(lines).toContain('s_first_sms -->|"sent<br/>or onBlocked"| s_large_balance');
    expect(lines).toContain('s_watch_email -->|"clicked"| s_cool_down');
    expect(lines).toContain('s_watch_email -->|"timeout 3d"| s_subject_test');
    expect(lines).toContain('s_subject_test -->|"loss-aversion 50%"| s_first_sms');
    expect(lines).toContain('s_large_balance -->|"default"| s_cool_down');
  });

  it('shows case conditions in full, wrapped, and escaped', () => {
    const edge = lines.find((l) => l.startsWith('s_large_balance -->') && l.endsWith('s_hand_over'));
    expect(edge).toBe(
      's_large_balance -->|"debt.amountDue #gt; 1000 #amp;#amp;<br/>attributes.sector == #quot;telecom#quot;"| s_hand_over',
    );
  });

  it('says "or" between the cases and events that share an arrow', () => {
    const plan = softCollection();
    const branch = step(plan, 'large-balance', 'branch');
    branch.cases.push({ when: 'engagement.visited > 0 && debt.amountDue > 500.0', next: 'hand-over' });
    const out = formatPlanMermaid(plan);
    expect(out).toContain(
      's_large_balance -->|"debt.amountDue #gt; 1000 #amp;#amp;<br/>attributes.sector == #quot;telecom#quot;<br/>or engagement.visited #gt; 0 #amp;#amp; debt.amountDue<br/>#gt; 500.0"| s_hand_over',
    );
    expect(wrap('a b c', 3)).toEqual(['a b', 'c']);
    expect(wrap('averyverylongword b', 5)).toEqual(['averyverylongword', 'b']);
  });

  it('folds a failure route to the next step into its arrow, and joins converging failure routes', () => {
    const plan = softCollection();
    const first = step(plan, 'first-email', 'send');
    first.onFailure = first.next;
    step(plan, 'hand-over', 'webhook').onFailure = 'give-up';
    const sms = step(plan, 'first-sms', 'send');
    sms.onFailure = 'give-up';
    const out = formatPlanMermaid(plan)
      .split('\n')
      .map((l) => l.trim());
    expect(out).toContain('s_first_email -->|"sent<br/>or onFailure"| s_watch_email');
    expect(out.filter((l) => l.startsWith('s_first_email '))).toHaveLength(1);
    expect(out).toContain('j0(["onFailure"])');
    expect(out).toContain('s_first_sms -.- j0');
    expect(out).toContain('s_hand_over -.- j0');
    expect(out).toContain('j0 -.-> s_give_up');
    expect(out.some((l) => /-.->\|"onFailure"\| s_give_up/.test(l))).toBe(false);
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
    expect(out).toContain('s_watch_email -->|"clicked<br/>or opened"| s_cool_down');
    expect(out).toContain('class s_cool_down added');
    expect(out).toContain('class s_watch_email changed');
  });

  it('is deterministic', () => {
    expect(formatPlanMermaid(softCollection())).toBe(graph);
  });
});
