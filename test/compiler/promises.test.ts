/**
 * `promises:` in a journey: the plan it lowers to (defaults, the reminder's template copied into
 * the plan), and what the compiler refuses — an unknown template or one of another channel, a
 * step that does not exist, a window out of range, `promised` routed a second time.
 */
import { describe, expect, it } from 'vitest';
import { compileJourney, EMAIL_WEEK_DONE, send } from '../support/journey-yaml.js';

function compile(spec: string) {
  return compileJourney({
    name: 'promising',
    policy: 'eu-default',
    spec,
    steps: [...EMAIL_WEEK_DONE, send('final', 'email', 'final-notice', { next: 'done' })],
  });
}

describe('promises in a journey', () => {
  it('lowers to the plan with its defaults and copies the reminder’s template; onBroken is reachable', () => {
    const { plan, errors } = compile(
      '  promises: { maxDays: 14, remind: { channel: email, template: promise-reminder }, onBroken: final }',
    );
    expect(errors).toEqual([]);
    expect(plan!.promises).toEqual({
      maxDays: 14,
      max: 1,
      remind: {
        channel: 'email',
        template: 'promise-reminder',
        paymentLink: true,
        retry: { maxAttempts: 3, initialIntervalMs: 60_000, backoff: 2, maxIntervalMs: 3_600_000 },
      },
      onBroken: 'final',
    });
    expect(Object.keys(plan!.templates).sort()).toEqual(['final-notice', 'overdue-friendly', 'promise-reminder']);
    expect(plan!.templates['promise-reminder']!.reads?.en).toContain('debt.promisedDate');
  });

  it('without a reminder, and several promises', () => {
    const { plan } = compile('  promises: { maxDays: 7, max: 2, onBroken: final }');
    expect(plan!.promises).toEqual({ maxDays: 7, max: 2, onBroken: 'final' });
  });

  it('refuses a missing template, a template of another channel, an unknown step, a window out of range', () => {
    expect(
      compile('  promises: { maxDays: 14, remind: { channel: email, template: nope }, onBroken: final }').codes.length,
    ).toBeGreaterThan(0);
    expect(
      compile('  promises: { maxDays: 14, remind: { channel: sms, template: promise-reminder }, onBroken: final }')
        .codes.length,
    ).toBeGreaterThan(0);
    expect(compile('  promises: { maxDays: 14, onBroken: finale }').codes).toContain('UNKNOWN_STEP');
    expect(compile('  promises: { maxDays: 0, onBroken: final }').codes.length).toBeGreaterThan(0);
    expect(compile('  promises: { maxDays: 61, onBroken: final }').codes.length).toBeGreaterThan(0);
  });

  it('refuses `promised` routed again by interrupts, exitOn or goal', () => {
    const p = '  promises: { maxDays: 14, onBroken: final }\n';
    expect(compile(`${p}  interrupts: { promised: final }`).codes).toContain('PROMISE_EVENT_ROUTED');
    expect(compile(`${p}  exitOn: [promised]`).codes).toContain('PROMISE_EVENT_ROUTED');
  });

  it('without promises the broken route is unreachable (it is reached only through it)', () => {
    expect(compile('').codes).toContain('UNREACHABLE_STEP');
  });
});
