/**
 * The steps of the debt-life tests (debt-life.test.ts on the fake runtime, debt-life-temporal.test.ts
 * on the time-skipping server), as YAML list lines for journeyYaml; `url` is where the webhooks go.
 */

/** Plain dunning: a large debt gets the final notice, a small one a friendly reminder; then the hand-over webhook. */
export const dunning = (
  url: (step: string) => string,
) => `    - { id: first, type: send, channel: email, template: overdue-friendly, paymentLink: true }
    - { id: pause, type: wait, duration: 7d }
    - id: large
      type: branch
      cases: [{ when: "debt.amountDue > 100.0", next: final }]
      default: reminder
    - { id: reminder, type: send, channel: email, template: overdue-friendly, paymentLink: true, next: pause-2 }
    - { id: final, type: send, channel: email, template: final-notice, paymentLink: true }
    - { id: pause-2, type: wait, duration: 10d }
    - { id: handover, type: webhook, url: "${url('hand-over')}", retry: { maxAttempts: 1 } }
    - { id: unresolved, type: exit, outcome: unresolved }`;

/** The agent's webhook, then handedToAgent. */
export const agent = (url: (step: string) => string) => `
    - { id: agent, type: webhook, url: "${url('agent')}", retry: { maxAttempts: 1 }, next: with-agent }
    - { id: with-agent, type: exit, outcome: handedToAgent }`;
