/**
 * `promises:` in a journey: the plan it lowers to (defaults, the reminder's template copied into
 * the plan), and what the compiler refuses — an unknown template or one of another channel, a
 * step that does not exist, a window out of range, `promised` routed a second time.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compilePaths, compileSources } from '../../src/compiler/index.js';
import { ROOT } from '../support/journeys.js';

const base = compilePaths([join(ROOT, 'journeys')])
  .files.map((f) => f.source)
  .filter((f) => !f.path.endsWith('.journey.yaml') && !f.path.includes('/segments/'));

function compile(spec: string) {
  const text = `apiVersion: settle/v1
kind: Journey
metadata: { name: promising, version: 1 }
spec:
  policy: eu-default
${spec}
  steps:
    - { id: first, type: send, channel: email, template: overdue-friendly, paymentLink: true }
    - { id: pause, type: wait, duration: 7d }
    - { id: done, type: exit, outcome: unresolved }
    - { id: final, type: send, channel: email, template: final-notice, paymentLink: true, next: done }
`;
  const r = compileSources([...base, { path: 'promising.journey.yaml', text }]);
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  return { plan: r.plans.get('promising'), errors, codes: errors.map((d) => d.code) };
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
