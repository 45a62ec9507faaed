/** `settle diff` as data: what changed per journey, and the version-bump rule. */
import { describe, expect, it } from 'vitest';
import type { JourneyPlan } from '../../src/ir/plan.js';
import { diffPlans, type JourneyDiff } from '../../src/views/index.js';
import { byName, revise, smsOnly, softCollection, step } from './fixtures.js';

const DAY = 86_400_000;

/** Diffs one journey against a revised copy and returns its entry. */
function changedJourney(after: JourneyPlan, before = softCollection()): JourneyDiff {
  const diff = diffPlans(byName(before), byName(after));
  expect(diff.changed).toHaveLength(1);
  const [j] = diff.changed;
  if (!j) throw new Error('unreachable');
  return j;
}

describe('diffPlans', () => {
  it('reports nothing for identical plans', () => {
    const diff = diffPlans(byName(softCollection(), smsOnly()), byName(softCollection(), smsOnly()));
    expect(diff.changed).toEqual([]);
    expect(diff.versionErrors).toEqual([]);
    expect(diff.unchanged.map((e) => e.journey)).toEqual(['sms-only', 'soft-collection']);
  });

  it('lists journeys added and removed, ordered by name', () => {
    const diff = diffPlans(
      byName(softCollection(), smsOnly('zeta', 2)),
      byName(softCollection(), smsOnly('beta'), smsOnly('alpha')),
    );
    expect(diff.added.map((e) => [e.journey, e.version, e.steps])).toEqual([
      ['alpha', 1, 3],
      ['beta', 1, 3],
    ]);
    expect(diff.removed.map((e) => [e.journey, e.version])).toEqual([['zeta', 2]]);
    expect(diff.added[0]?.graph).toContain('flowchart TD');
    expect(diff.versionErrors).toEqual([]);
  });

  it('finds an added step and the route rewired to it', () => {
    const after = revise(softCollection(), (p) => {
      p.steps.splice(6, 0, {
        id: 'last-call',
        kind: 'wait',
        source: { file: 'f', line: 1 },
        wait: { type: 'duration', ms: DAY },
        next: 'cool-down',
      });
      step(p, 'large-balance', 'branch').default = 'last-call';
    });
    const j = changedJourney(after);
    expect(j.stepsAdded).toEqual([{ id: 'last-call', kind: 'wait', summary: '1d' }]);
    expect(j.stepsRemoved).toEqual([]);
    expect(j.stepChanges).toEqual([
      { step: 'large-balance', category: 'rewired', field: 'default', before: 'cool-down', after: 'last-call' },
    ]);
    expect(j.graphs.after).toContain('class s_last_call added');
  });

  it('finds a removed step', () => {
    const after = revise(softCollection(), (p) => {
      p.steps = p.steps.filter((s) => s.id !== 'cool-down');
      step(p, 'large-balance', 'branch').default = 'give-up';
      step(p, 'watch-email', 'waitFor').on.clicked = 'give-up';
    });
    const j = changedJourney(after);
    expect(j.stepsRemoved).toEqual([{ id: 'cool-down', kind: 'wait', summary: '2d' }]);
    expect(j.stepChanges.filter((c) => c.category === 'rewired').map((c) => `${c.step} ${c.field}`)).toEqual([
      'watch-email clicked',
      'large-balance default',
    ]);
  });

  it('finds a rewired waitFor route and a changed timeout', () => {
    const after = revise(softCollection(), (p) => {
      const w = step(p, 'watch-email', 'waitFor');
      w.on.opened = 'first-sms';
      w.timeoutMs = 5 * DAY;
    });
    expect(changedJourney(after).stepChanges).toEqual([
      { step: 'watch-email', category: 'timing', field: 'timeout', before: '3d', after: '5d' },
      { step: 'watch-email', category: 'rewired', field: 'opened', before: 'sms-nudge', after: 'first-sms' },
    ]);
  });

  it('finds send, retry, wait, branch, split, webhook and exit changes', () => {
    const after = revise(softCollection(), (p) => {
      Object.assign(step(p, 'sms-nudge', 'send'), {
        channel: 'email',
        template: 'friendly-reminder',
        paymentLink: true,
      });
      step(p, 'first-email', 'send').retry.maxAttempts = 3;
      step(p, 'cool-down', 'wait').wait = { type: 'businessDays', days: 2 };
      step(p, 'large-balance', 'branch').cases[0] = { when: 'debt.amountDue > 500', next: 'hand-over' };
      step(p, 'subject-test', 'split').variants = [
        { name: 'loss-aversion', weight: 30, next: 'first-sms' },
        { name: 'social-proof', weight: 70, next: 'sms-nudge' },
      ];
      step(p, 'hand-over', 'webhook').url = { literal: 'https://agents.example.com/queue' };
      step(p, 'give-up', 'exit').outcome = 'written-off';
    });
    const got = changedJourney(after).stepChanges.map((c) => [c.step, c.category, c.field, c.before, c.after]);
    expect(got).toEqual([
      [
        'first-email',
        'timing',
        'retry',
        '5 attempts, first retry after 1m, ×2, at most 1h apart',
        '3 attempts, first retry after 1m, ×2, at most 1h apart',
      ],
      ['subject-test', 'split', 'weight of loss-aversion', 'weight 50', 'weight 30'],
      ['subject-test', 'split', 'weight of social-proof', 'weight 50', 'weight 70'],
      ['sms-nudge', 'send', 'channel', 'sms', 'email'],
      ['sms-nudge', 'send', 'template', 'sms-nudge', 'friendly-reminder'],
      ['sms-nudge', 'send', 'payment link', 'no', 'yes'],
      [
        'large-balance',
        'branch',
        'case 1 condition',
        'debt.amountDue > 1000 && attributes.sector == "telecom"',
        'debt.amountDue > 500',
      ],
      ['cool-down', 'timing', 'wait', '2d', '2 business days'],
      ['hand-over', 'webhook', 'url', 'env:ESCALATION_URL', 'https://agents.example.com/queue'],
      ['give-up', 'exit', 'outcome', 'unresolved', 'written-off'],
    ]);
  });

  it('reports a step whose kind changed, with its routes', () => {
    const after = revise(softCollection(), (p) => {
      const i = p.steps.findIndex((s) => s.id === 'cool-down');
      p.steps[i] = { id: 'cool-down', kind: 'exit', source: { file: 'f', line: 1 }, outcome: 'cooled' };
    });
    expect(changedJourney(after).stepChanges).toEqual([
      { step: 'cool-down', category: 'kind', field: 'kind', before: 'wait (2d)', after: 'exit (outcome cooled)' },
      { step: 'cool-down', category: 'rewired', field: 'next', before: 'give-up', after: undefined },
    ]);
  });

  it('finds a changed template text per template, locale and part', () => {
    const after = revise(softCollection(), (p) => {
      const fr = p.templates['friendly-reminder']?.locales.fr;
      if (fr) fr.text = fr.text.replace('sont dus.', 'restent dus.');
    });
    const j = changedJourney(after);
    expect(j.stepChanges).toEqual([]);
    expect(j.templates).toHaveLength(1);
    expect(j.templates[0]).toMatchObject({ template: 'friendly-reminder', status: 'changed', fields: [] });
    expect(j.templates[0]?.parts).toEqual([
      {
        locale: 'fr',
        part: 'text',
        status: 'changed',
        lines: [
          { op: ' ', text: 'Bonjour {{ debtor.firstName }},' },
          { op: '-', text: '{{ debt.amountDue | money: debt.currency }} sont dus.' },
          { op: '+', text: '{{ debt.amountDue | money: debt.currency }} restent dus.' },
          { op: ' ', text: 'Payez en deux clics : {{ links.pay }}' },
          { op: ' ', text: 'Ne plus recevoir ces e-mails : {{ links.optOut }}' },
        ],
      },
    ]);
  });

  it('finds an added locale and html part', () => {
    const after = revise(softCollection(), (p) => {
      const t = p.templates['sms-nudge'];
      if (t) t.locales.nl = { text: 'Factuur {{ debt.reference }}. Antwoord STOP.' };
      const en = p.templates['friendly-reminder']?.locales.en;
      if (en) en.html = '<p>Hello</p>';
    });
    const parts = changedJourney(after).templates.flatMap((t) =>
      t.parts.map((x) => `${t.template}/${x.locale}/${x.part}/${x.status}`),
    );
    expect(parts).toEqual(['friendly-reminder/en/html/added', 'sms-nudge/nl/text/added']);
  });

  it('finds policy changes: window, caps, consent, holidays', () => {
    const after = revise(softCollection(), (p) => {
      p.policy.windows[0] = { days: [1, 2, 3, 4, 5], fromMin: 9 * 60, toMin: 20 * 60 };
      p.policy.frequencyCaps[1] = { channels: ['sms'], max: 2, perMs: DAY, onExceed: 'skip' };
      p.policy.consent.email = 'required';
      p.policy.holidays = { country: 'BE', closedDays: [], dates: ['2026-07-21'] };
    });
    expect(changedJourney(after).policy).toEqual([
      {
        field: 'send window',
        before: 'Mon–Fri 08:00–21:00; Sat 09:00–13:00',
        after: 'Mon–Fri 09:00–20:00; Sat 09:00–13:00',
      },
      { field: 'holidays country', before: 'FR', after: 'BE' },
      { field: 'closed day', before: '2026-08-14', after: undefined },
      { field: 'frequency cap', before: 'sms ≤ 1 per 1d (skip)', after: undefined },
      { field: 'frequency cap', before: undefined, after: 'sms ≤ 2 per 1d (skip)' },
      { field: 'consent email', before: 'assumed', after: 'required' },
    ]);
  });

  it('shows new public-holiday data of the same country: a few dates listed, many summarised', () => {
    const oneMore = revise(softCollection(), (p) => p.policy.holidays.dates.push('2026-11-11'));
    expect(changedJourney(oneMore).policy).toEqual([
      { field: 'public holiday', before: undefined, after: '2026-11-11' },
    ]);
    const many = Array.from({ length: 12 }, (_, i) => `2030-01-${String(i + 10)}`);
    const expanded = revise(softCollection(), (p) => p.policy.holidays.dates.push(...many));
    expect(changedJourney(expanded).policy).toEqual([
      { field: 'public holidays', before: '3 dates 2026-07-14…2026-12-25', after: '15 dates 2026-07-14…2030-01-21' },
    ]);
  });

  it('flags a changed plan whose version did not increase', () => {
    const after = revise(softCollection(), (p) => (step(p, 'watch-email', 'waitFor').timeoutMs = DAY), { bump: false });
    const diff = diffPlans(byName(softCollection(), smsOnly()), byName(after, smsOnly()));
    expect(diff.versionErrors).toEqual([{ journey: 'soft-collection', before: 3, after: 3, reason: 'not-bumped' }]);
    expect(diff.changed[0]?.versionError).toEqual(diff.versionErrors[0]);
  });

  it('flags a content change even if the hash were left unchanged', () => {
    const after = structuredClone(softCollection());
    step(after, 'cool-down', 'wait').wait = { type: 'duration', ms: DAY };
    expect(diffPlans(byName(softCollection()), byName(after)).versionErrors).toHaveLength(1);
  });

  it('flags a version that went down', () => {
    const after = { ...softCollection(), version: 2 };
    const diff = diffPlans(byName(softCollection()), byName(after));
    expect(diff.versionErrors).toEqual([{ journey: 'soft-collection', before: 3, after: 2, reason: 'decreased' }]);
    expect(diff.changed[0]?.planChanged).toBe(false);
  });

  it('accepts a changed plan with a higher version', () => {
    const after = revise(softCollection(), (p) => (step(p, 'watch-email', 'waitFor').timeoutMs = DAY));
    const diff = diffPlans(byName(softCollection()), byName(after));
    expect(diff.versionErrors).toEqual([]);
    expect(diff.changed[0]).toMatchObject({ before: { version: 3 }, after: { version: 4 }, planChanged: true });
    expect(diff.changed[0]?.versionError).toBeUndefined();
  });

  it('does not require a bump for description or owner alone', () => {
    const after = { ...softCollection(), description: 'Gentle reminders' };
    const diff = diffPlans(byName(softCollection()), byName(after));
    expect(diff.versionErrors).toEqual([]);
    expect(diff.changed[0]?.journeyFields).toEqual([
      {
        field: 'description',
        before: 'Friendly reminders for invoices up to 30 days overdue',
        after: 'Gentle reminders',
      },
    ]);
  });
});
