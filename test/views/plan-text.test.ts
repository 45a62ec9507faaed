/** `settle plan --format text`: header, policy summary, each step with details and routes. */
import { describe, expect, it } from 'vitest';
import type { Weekday } from '../../src/ir/index.js';
import { formatPlanText } from '../../src/views/index.js';
import { smsOnly, softCollection, step } from './fixtures.js';

/** The block of lines of one step, from its numbered header to the blank line after it. */
function stepBlock(text: string, id: string): string {
  const start = text.search(new RegExp(`^ +\\d+\\. ${id} `, 'm'));
  expect(start).toBeGreaterThan(-1);
  const end = text.indexOf('\n\n', start);
  return text.slice(start, end === -1 ? undefined : end);
}

describe('formatPlanText', () => {
  const text = formatPlanText(softCollection());

  it('starts with the journey, version, goal and policy summary', () => {
    expect(text.startsWith('Journey soft-collection v3\n')).toBe(true);
    expect(text).toContain('Friendly reminders for invoices up to 30 days overdue');
    expect(text).toMatch(/goal +paid \(ends the journey at once; paid in full\)/);
    expect(text).toMatch(/start +first-email/);
    expect(text).toContain('Policy retail-default');
    expect(text).toMatch(/send windows +Mon–Fri 08:00–21:00; Sat 09:00–13:00 \(debtor's local time\)/);
    expect(text).toMatch(/holidays +FR public holidays \+ 2026-08-14/);
    expect(text).toMatch(/caps +email\+sms ≤ 7 per 7d \(defer\); sms ≤ 1 per 1d \(skip\)/);
    expect(text).toMatch(/consent +email assumed, sms required/);
    expect(text).toMatch(/time zone +the debtor's, else Europe\/Paris/);
  });

  it('lists the steps in authoring order', () => {
    const ids = [...text.matchAll(/^ +\d+\. (\S+) +\[(\w+)\]/gm)].map((m) => `${m[1]}:${m[2]}`);
    expect(ids).toEqual([
      'first-email:send',
      'watch-email:waitFor',
      'subject-test:split',
      'first-sms:send',
      'sms-nudge:send',
      'large-balance:branch',
      'cool-down:wait',
      'hand-over:webhook',
      'escalated:exit',
      'give-up:exit',
    ]);
  });

  it('details a send with the policy in force for its channel', () => {
    const email = stepBlock(text, 'first-email');
    expect(email).toContain('(start)  journeys/soft-collection.yaml:10');
    expect(email).toMatch(/channel +email/);
    expect(email).toMatch(/template +friendly-reminder/);
    expect(email).toMatch(/payment link +yes/);
    expect(email).toMatch(/retry +5 attempts, first retry after 1m, ×2, at most 1h apart/);
    expect(email).toMatch(/policy window +Mon–Fri 08:00–21:00; Sat 09:00–13:00/);
    expect(email).toMatch(/policy caps +email\+sms ≤ 7 per 7d \(defer\)$/m);
    expect(email).toMatch(/policy consent +assumed for email/);
    expect(email).toContain('→ watch-email');
    expect(email).toContain('onFailure → first-sms');

    const sms = stepBlock(text, 'first-sms');
    expect(sms).toMatch(/policy caps +email\+sms ≤ 7 per 7d \(defer\); sms ≤ 1 per 1d \(skip\)/);
    expect(sms).toMatch(/policy consent +required for sms/);
    expect(sms).toMatch(/retry +no retry/);
    expect(sms).toContain('onBlocked → large-balance');
  });

  it('details waits, branches, splits, webhooks and exits with their routes', () => {
    const waitFor = stepBlock(text, 'watch-email');
    expect(waitFor).toMatch(/events +clicked, opened/);
    expect(waitFor).toMatch(/timeout +3d/);
    expect(waitFor).toContain('clicked → cool-down');
    expect(waitFor).toContain('opened → sms-nudge');
    expect(waitFor).toContain('timeout 3d → subject-test');

    expect(stepBlock(text, 'subject-test')).toContain('loss-aversion 50% → first-sms');
    const branch = stepBlock(text, 'large-balance');
    expect(branch).toContain('when debt.amountDue > 1000 && attributes.sector == "telecom" → hand-over');
    expect(branch).toContain('default → cool-down');
    expect(stepBlock(text, 'cool-down')).toMatch(/wait +2d\n +→ give-up/);
    expect(stepBlock(text, 'hand-over')).toMatch(/url +env:ESCALATION_URL \(resolved by the worker\)/);
    expect(stepBlock(text, 'give-up')).toMatch(/outcome +unresolved\n +■ journey ends/);
  });

  it('routes unlisted waitFor events to next and shows business days', () => {
    const plan = softCollection();
    step(plan, 'watch-email', 'waitFor').events.push('visited');
    const out = formatPlanText(plan);
    expect(stepBlock(out, 'watch-email')).toContain('visited → subject-test');
    expect(formatPlanText(smsOnly())).toMatch(/wait +2 business days/);
  });

  it('lists templates with their locales and is deterministic', () => {
    expect(text).toContain('friendly-reminder  [email]  en* (subject, text), fr (subject, text)');
    expect(formatPlanText(softCollection())).toBe(text);
  });

  it('shows windows for some channels, per-debtor holidays and the policies chosen by country', () => {
    const plan = softCollection();
    const eu = {
      ...plan.policy,
      windows: [
        ...plan.policy.windows,
        { days: [1, 2, 3, 4, 5] as Weekday[], fromMin: 600, toMin: 1140, channels: ['sms' as const] },
      ],
      holidays: {
        closedDays: ['2026-12-24'],
        dates: [],
        byCountry: { FR: { dates: [] }, DE: { dates: [], regions: { BY: { add: ['2026-01-06'] } } } },
      },
    };
    const us = { ...plan.policy, name: 'us-reg-f' };
    const out = formatPlanText({
      ...plan,
      policy: eu,
      policyByCountry: { US: 'us-reg-f' },
      policies: { 'us-reg-f': us },
    });
    expect(out).toMatch(/send windows +Mon–Fri 08:00–21:00; Sat 09:00–13:00; Mon–Fri 10:00–19:00 \(sms only\)/);
    expect(out).toMatch(
      /holidays +the debtor's own public holidays \(DE, FR; regions of DE by debtor.region; other countries: all of them\) \+ 2026-12-24/,
    );
    expect(out).toContain('Policy us-reg-f (for debtors in US)');
    // A send step shows the windows of its own channel.
    expect(stepBlock(out, 'sms-nudge')).toMatch(/policy window +Mon–Fri 10:00–19:00 \(sms only\)/);
    expect(stepBlock(out, 'first-email')).toMatch(/policy window +Mon–Fri 08:00–21:00; Sat 09:00–13:00\n/);
  });
});
