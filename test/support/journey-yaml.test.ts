/** The journey-YAML builder compiles to the plan the same journey written out by hand compiles to. */
import { describe, expect, it } from 'vitest';
import type { JourneyPlan } from '../../src/ir/index.js';
import { exit, journeyPlan, journeyYaml, send, wait, waitFor, webhook } from './journey-yaml.js';
import { ALWAYS_OPEN_POLICY, planFromYaml } from './journeys.js';

const BY_HAND = `apiVersion: settle/v1
kind: Journey
metadata:
  name: by-hand
  version: 2
spec:
  policy: always-open
  goal: paid
  interrupts: { replied: agent }
  steps:
    - id: first-email
      type: send
      channel: email
      template: overdue-friendly
      paymentLink: true
      retry: { maxAttempts: 5, initialInterval: 1s, backoff: 1 }
    - id: watch
      type: waitFor
      events: [opened, clicked]
      timeout: 30d
      on: { opened: pause, clicked: engaged, timeout: pause }
    - id: pause
      type: wait
      duration: 2d
    - id: large
      type: branch
      cases: [{ when: "debt.amountDue > 100.0", next: nudge }]
      default: engaged
    - id: nudge
      type: send
      channel: sms
      template: overdue-nudge-sms
      paymentLink: true
    - id: engaged
      type: exit
      outcome: clicked
    - id: agent
      type: webhook
      url: "env:ESCALATION_URL"
      retry: { maxAttempts: 1 }
      next: engaged
`;

/** A plan without what follows from the text's layout: its hash and the source lines of its parts. */
function content(plan: JourneyPlan): unknown {
  const { sourceHash: _hash, ...rest } = plan;
  return JSON.parse(JSON.stringify(rest, (key, value: unknown) => (key === 'line' ? undefined : value)));
}

describe('journeyYaml', () => {
  it('compiles to the plan of the same journey written by hand', () => {
    const built = journeyPlan({
      name: 'by-hand',
      version: 2,
      goal: 'paid',
      spec: { interrupts: { replied: 'agent' } },
      steps: [
        send('first-email', 'email', 'overdue-friendly', {
          retry: { maxAttempts: 5, initialInterval: '1s', backoff: 1 },
        }),
        waitFor('watch', '30d', { opened: 'pause', clicked: 'engaged', timeout: 'pause' }),
        wait('pause', '2d'),
        { id: 'large', type: 'branch', cases: [{ when: 'debt.amountDue > 100.0', next: 'nudge' }], default: 'engaged' },
        send('nudge', 'sms', 'overdue-nudge-sms'),
        exit('engaged', 'clicked'),
        webhook('agent', 'env:ESCALATION_URL', { retry: { maxAttempts: 1 }, next: 'engaged' }),
      ],
    });
    const byHand = planFromYaml(BY_HAND, [ALWAYS_OPEN_POLICY]);
    expect(built.journey).toBe('by-hand');
    expect(content(built)).toEqual(content(byHand));
  });

  it('takes spec and steps as YAML lines too', () => {
    const text = journeyYaml({
      name: 'lines',
      policy: 'eu-default',
      spec: '  interrupts: { replied: done }',
      steps: '    - { id: done, type: exit, outcome: unresolved }',
    });
    const quiet = journeyYaml({
      name: 'quiet',
      steps: [send('note', 'email', 'mig-note', { paymentLink: undefined })],
    });
    expect(quiet).toContain('    - { id: note, type: send, channel: email, template: mig-note }\n');
    expect(text).toBe(
      [
        'apiVersion: settle/v1',
        'kind: Journey',
        'metadata: { name: lines, version: 1 }',
        'spec:',
        '  policy: eu-default',
        '  interrupts: { replied: done }',
        '  steps:',
        '    - { id: done, type: exit, outcome: unresolved }',
        '',
      ].join('\n'),
    );
  });
});
