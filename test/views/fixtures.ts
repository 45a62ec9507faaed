/**
 * Hand-built compiled plans for the render tests. The compiler is written in parallel, so these
 * are written directly against the IR types; they follow journeys/soft-collection.journey.yaml.
 * Each builder returns a fresh object, so a test may change it freely.
 */
import type { JourneyPlan, PlanPolicy, PlanRetry, PlanStep, PlanTemplate } from '../../src/ir/plan.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

export const RETRY: PlanRetry = { maxAttempts: 5, initialIntervalMs: MIN, backoff: 2, maxIntervalMs: HOUR };
const NO_RETRY: PlanRetry = { maxAttempts: 1, initialIntervalMs: MIN, backoff: 2, maxIntervalMs: HOUR };

function at(line: number, file = 'journeys/soft-collection.yaml'): { file: string; line: number } {
  return { file, line };
}

export function retailPolicy(): PlanPolicy {
  return {
    name: 'retail-default',
    timezoneFallback: 'Europe/Paris',
    unknownTimezone: 'fallback',
    windows: [
      { days: [1, 2, 3, 4, 5], fromMin: 8 * 60, toMin: 21 * 60 },
      { days: [6], fromMin: 9 * 60, toMin: 13 * 60 },
    ],
    holidays: { country: 'FR', closedDays: ['2026-08-14'], dates: ['2026-07-14', '2026-08-15', '2026-12-25'] },
    frequencyCaps: [
      { channels: ['email', 'sms'], max: 7, perMs: 7 * DAY, onExceed: 'defer' },
      { channels: ['sms'], max: 1, perMs: DAY, onExceed: 'skip' },
    ],
    consent: { email: 'assumed', sms: 'required' },
    jitterMs: 0,
    smsOptOutKeywords: { '*': 'STOP', fr: 'STOP' },
  };
}

export function templates(): Record<string, PlanTemplate> {
  return {
    'friendly-reminder': {
      name: 'friendly-reminder',
      channel: 'email',
      defaultLocale: 'en',
      locales: {
        en: {
          subject: '{{ debtor.firstName }}, invoice {{ debt.reference }} is waiting',
          text: [
            'Hello {{ debtor.firstName }},',
            '{{ debt.amountDue | money: debt.currency }} is due.',
            'Pay in two clicks: {{ links.pay }}',
            'Stop these emails: {{ links.optOut }}',
          ].join('\n'),
        },
        fr: {
          subject: '{{ debtor.firstName }}, la facture {{ debt.reference }} vous attend',
          text: [
            'Bonjour {{ debtor.firstName }},',
            '{{ debt.amountDue | money: debt.currency }} sont dus.',
            'Payez en deux clics : {{ links.pay }}',
            'Ne plus recevoir ces e-mails : {{ links.optOut }}',
          ].join('\n'),
        },
      },
    },
    'sms-nudge': {
      name: 'sms-nudge',
      channel: 'sms',
      defaultLocale: 'en',
      locales: { en: { text: 'Invoice {{ debt.reference }}: pay at {{ links.pay }}. Reply STOP to opt out.' } },
    },
  };
}

function steps(): PlanStep[] {
  return [
    {
      id: 'first-email',
      kind: 'send',
      source: at(10),
      channel: 'email',
      template: 'friendly-reminder',
      paymentLink: true,
      retry: { ...RETRY },
      next: 'watch-email',
      onFailure: 'first-sms',
    },
    {
      id: 'watch-email',
      kind: 'waitFor',
      source: at(17),
      events: ['clicked', 'opened'],
      timeoutMs: 3 * DAY,
      on: { clicked: 'cool-down', opened: 'sms-nudge' },
      onTimeout: 'subject-test',
      next: 'subject-test',
    },
    {
      id: 'subject-test',
      kind: 'split',
      source: at(22),
      variants: [
        { name: 'loss-aversion', weight: 50, next: 'first-sms' },
        { name: 'social-proof', weight: 50, next: 'sms-nudge' },
      ],
    },
    {
      id: 'first-sms',
      kind: 'send',
      source: at(27),
      channel: 'sms',
      template: 'sms-nudge',
      paymentLink: true,
      retry: { ...NO_RETRY },
      next: 'large-balance',
      onBlocked: 'large-balance',
    },
    {
      id: 'sms-nudge',
      kind: 'send',
      source: at(33),
      channel: 'sms',
      template: 'sms-nudge',
      paymentLink: false,
      retry: { ...RETRY },
      next: 'large-balance',
    },
    {
      id: 'large-balance',
      kind: 'branch',
      source: at(38),
      cases: [{ when: 'debt.amountDue > 1000 && attributes.sector == "telecom"', next: 'hand-over' }],
      default: 'cool-down',
    },
    { id: 'cool-down', kind: 'wait', source: at(42), wait: { type: 'duration', ms: 2 * DAY }, next: 'give-up' },
    {
      id: 'hand-over',
      kind: 'webhook',
      source: at(45),
      url: { env: 'ESCALATION_URL' },
      retry: { ...RETRY },
      next: 'escalated',
    },
    { id: 'escalated', kind: 'exit', source: at(48), outcome: 'escalated' },
    { id: 'give-up', kind: 'exit', source: at(50), outcome: 'unresolved' },
  ];
}

/** A soft-collection journey, compiled. */
export function softCollection(): JourneyPlan {
  return {
    irVersion: 1,
    journey: 'soft-collection',
    version: 3,
    sourceHash: 'hash-soft-3',
    description: 'Friendly reminders for invoices up to 30 days overdue',
    owner: 'collections-retail',
    goal: 'paid',
    start: 'first-email',
    steps: steps(),
    templates: templates(),
    policy: retailPolicy(),
    attributes: { sector: 'string' },
  };
}

/** A short SMS journey, used as the unchanged and the added/removed journey. */
export function smsOnly(name = 'sms-only', version = 1): JourneyPlan {
  const file = `journeys/${name}.yaml`;
  const t = templates()['sms-nudge'];
  return {
    irVersion: 1,
    journey: name,
    version,
    sourceHash: `hash-${name}-${version}`,
    goal: 'paid',
    start: 'nudge',
    steps: [
      {
        id: 'nudge',
        kind: 'send',
        source: at(8, file),
        channel: 'sms',
        template: 'sms-nudge',
        paymentLink: true,
        retry: { ...RETRY },
        next: 'pause',
      },
      { id: 'pause', kind: 'wait', source: at(12, file), wait: { type: 'businessDays', days: 2 }, next: 'done' },
      { id: 'done', kind: 'exit', source: at(14, file), outcome: 'unresolved' },
    ],
    templates: t ? { 'sms-nudge': t } : {},
    policy: retailPolicy(),
    attributes: {},
  };
}

/**
 * A changed copy of `plan`: `mutate` edits it, the sourceHash changes (as the compiler's would),
 * and the version goes up by one unless `bump: false`.
 */
export function revise(
  plan: JourneyPlan,
  mutate: (p: JourneyPlan) => void,
  opts: { bump?: boolean } = {},
): JourneyPlan {
  const next = structuredClone(plan);
  mutate(next);
  next.sourceHash = `${plan.sourceHash}+`;
  if (opts.bump ?? true) next.version = plan.version + 1;
  return next;
}

/** Plans keyed by journey name, as the CLI passes them to diffPlans. */
export function byName(...plans: JourneyPlan[]): Map<string, JourneyPlan> {
  return new Map(plans.map((p) => [p.journey, p]));
}

/** Finds a step of a given kind, failing the test when the fixture lacks it. */
export function step<K extends PlanStep['kind']>(
  plan: JourneyPlan,
  id: string,
  kind: K,
): Extract<PlanStep, { kind: K }> {
  const s = plan.steps.find((x) => x.id === id);
  if (!s || s.kind !== kind) throw new Error(`fixture has no ${kind} step ${id}`);
  return s as Extract<PlanStep, { kind: K }>;
}
