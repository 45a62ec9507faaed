/** Lowering (phase 3): a checked journey with its templates and policy → the JourneyPlan (IR). */
import { createHash } from 'node:crypto';
import { WEEKDAYS, type Journey, type JourneyStep, type Policy } from '../dsl/index.js';
import { canonicalJson } from '../core/canonical-json.js';
import { parseDuration } from '../core/duration.js';
import {
  CALLBACK_SLOTS,
  IR_VERSION,
  type CallbackSlot,
  type FieldType,
  type JourneyPlan,
  type PlanPaymentPlans,
  type PlanPolicy,
  type PlanRetry,
  type PlanStep,
  type PlanTemplate,
  type Weekday,
} from '../ir/index.js';
import { minutesOf, windowsOf } from './checks/policy.js';
import { countryHolidays, publicHolidayDates } from './holidays.js';
import type { Project } from '../project/project.js';
import { authoredSends } from './sends.js';

const SEND_RETRY = { maxAttempts: 3, initialInterval: '1m', backoff: 2, maxInterval: '1h' };
const WEBHOOK_RETRY = { maxAttempts: 5, initialInterval: '30s', backoff: 2, maxInterval: '1h' };

function ms(d: string): number {
  const v = parseDuration(d);
  if (v === undefined) throw new Error(`internal: unchecked duration ${d}`);
  return v;
}

function retryOf(
  r: { maxAttempts: number; initialInterval?: string; backoff?: number; maxInterval?: string } | undefined,
  def: typeof SEND_RETRY,
): PlanRetry {
  return {
    maxAttempts: r?.maxAttempts ?? def.maxAttempts,
    initialIntervalMs: ms(r?.initialInterval ?? def.initialInterval),
    backoff: r?.backoff ?? def.backoff,
    maxIntervalMs: ms(r?.maxInterval ?? def.maxInterval),
  };
}

export function lowerPolicy(p: Policy): PlanPolicy {
  const s = p.spec;
  const country = s.holidays?.country;
  const region = typeof s.holidays?.region === 'string' ? s.holidays.region : undefined;
  const closedDays = [...(s.holidays?.closedDays ?? [])].sort();
  let holidays: PlanPolicy['holidays'];
  if (Array.isArray(country)) {
    // Per debtor: each listed country's holidays; debtors from elsewhere get all of them.
    const byCountry: NonNullable<PlanPolicy['holidays']['byCountry']> = {};
    for (const c of [...country].sort()) byCountry[c] = countryHolidays(c);
    const union = [...new Set(Object.values(byCountry).flatMap((c) => c.dates))].sort();
    holidays = { closedDays, dates: union, byCountry };
  } else {
    holidays = {
      ...(country !== undefined && { country }),
      ...(region !== undefined && { region }),
      closedDays,
      dates: country !== undefined ? publicHolidayDates(country, region) : [],
    };
  }
  return {
    name: p.metadata.name,
    timezoneFallback: s.timezoneFallback,
    unknownTimezone: s.unknownTimezone ?? 'fallback',
    windows: windowsOf(p).map((w) => ({
      days: w.days.map((d) => WEEKDAYS.indexOf(d) as Weekday).sort((a, b) => a - b),
      fromMin: minutesOf(w.from),
      toMin: minutesOf(w.to),
      ...(w.channels !== undefined && { channels: [...w.channels].sort() }),
    })),
    holidays,
    frequencyCaps: (s.frequencyCaps ?? []).map((c) => ({
      channels: [...c.channels].sort(),
      max: c.max,
      perMs: ms(c.per),
      onExceed: c.onExceed ?? 'defer',
      ...(c.scope === 'debtor' && { scope: 'debtor' as const }),
    })),
    ...(s.minGap !== undefined && { minGapMs: ms(s.minGap) }),
    consent: { email: s.consent?.email ?? 'assumed', sms: s.consent?.sms ?? 'required' },
    jitterMs: s.jitter !== undefined ? ms(s.jitter) : 0,
    smsOptOutKeywords: { '*': 'STOP', ...(s.smsOptOutKeyword ?? {}) },
  };
}

/** `policyByCountry` and the policies it names (absent when the journey has none). */
function lowerPolicyByCountry(journey: Journey, project: Project): Pick<JourneyPlan, 'policyByCountry' | 'policies'> {
  const byCountry = journey.spec.policyByCountry;
  if (byCountry === undefined || Object.keys(byCountry).length === 0) return {};
  const policyByCountry: Record<string, string> = {};
  const policies: Record<string, PlanPolicy> = {};
  for (const country of Object.keys(byCountry).sort()) {
    const name = byCountry[country]!;
    policyByCountry[country] = name;
    policies[name] ??= lowerPolicy(project.policies.get(name)!.doc);
  }
  return { policyByCountry, policies };
}

function lowerStep(steps: JourneyStep[], i: number, file: string, lines: (i: number) => number): PlanStep {
  const s = steps[i]!;
  const following = steps[i + 1]?.id ?? '';
  const next = ('next' in s && s.next) || following;
  const source = { file, line: lines(i) };
  switch (s.type) {
    case 'send':
      return {
        kind: 'send',
        id: s.id,
        source,
        channel: s.channel,
        template: s.template,
        paymentLink: s.paymentLink ?? false,
        retry: retryOf(s.retry, SEND_RETRY),
        next,
        ...(s.onFailure !== undefined && { onFailure: s.onFailure }),
        ...(s.onBlocked !== undefined && { onBlocked: s.onBlocked }),
      };
    case 'wait':
      return {
        kind: 'wait',
        id: s.id,
        source,
        next,
        wait:
          s.duration !== undefined
            ? { type: 'duration', ms: ms(s.duration) }
            : s.until !== undefined
              ? { type: 'until', expr: s.until }
              : { type: 'businessDays', days: s.businessDays! },
      };
    case 'waitFor': {
      const on: Record<string, string> = {};
      for (const e of s.events) if (s.on[e] !== undefined) on[e] = s.on[e]!;
      return {
        kind: 'waitFor',
        id: s.id,
        source,
        events: [...s.events],
        timeoutMs: ms(s.timeout),
        on,
        onTimeout: s.on.timeout!,
        next,
        ...(s.after !== undefined && { after: s.after }),
      } as PlanStep;
    }
    case 'branch':
      return {
        kind: 'branch',
        id: s.id,
        source,
        cases: s.cases.map((c) => ({ when: c.when, next: c.next })),
        default: s.default,
      };
    case 'split':
      return {
        kind: 'split',
        id: s.id,
        source,
        variants: s.variants.map((v) => ({
          name: v.name,
          weight: v.weight,
          next: v.next,
          ...(v.holdout === true && { holdout: true as const }),
        })),
      };
    case 'webhook':
      return {
        kind: 'webhook',
        id: s.id,
        source,
        next,
        retry: retryOf(s.retry, WEBHOOK_RETRY),
        url: s.url.startsWith('env:') ? { env: s.url.slice(4) } : { literal: s.url },
        ...(s.onFailure !== undefined && { onFailure: s.onFailure }),
      };
    case 'exit':
      return { kind: 'exit', id: s.id, source, outcome: s.outcome, ...(s.handOver === true && { handOver: true }) };
    case 'trackPlan':
      return {
        kind: 'trackPlan',
        id: s.id,
        source,
        ...(s.remind !== undefined && {
          remind: {
            beforeMs: ms(s.remind.before),
            channel: s.remind.channel,
            template: s.remind.template,
            paymentLink: s.remind.paymentLink ?? true,
            retry: retryOf(undefined, SEND_RETRY),
          },
        }),
        graceMs: ms(s.grace ?? '3d'),
        onBroken: s.onBroken,
        next: s.next ?? following,
      };
  }
}

/** The journey-wide rules: events and conditions that end it, interrupts, re-enrollment. */
function lowerRules(
  journey: Journey,
): Pick<
  JourneyPlan,
  'exitOn' | 'exitWhen' | 'interrupts' | 'reenroll' | 'migration' | 'disputes' | 'promises' | 'callbacks'
> {
  const { exitOn, exitWhen, interrupts, reenroll, migration, disputes, promises, callbacks } = journey.spec;
  return {
    ...(callbacks !== undefined && {
      callbacks: {
        url: callbacks.url.startsWith('env:') ? { env: callbacks.url.slice(4) } : { literal: callbacks.url },
        days: callbacks.days ?? 5,
        slots: [...(callbacks.slots ?? (Object.keys(CALLBACK_SLOTS) as CallbackSlot[]))],
        retry: retryOf(undefined, WEBHOOK_RETRY),
      },
    }),
    ...(promises !== undefined && {
      promises: {
        maxDays: promises.maxDays,
        max: promises.max ?? 1,
        ...(promises.remind !== undefined && {
          remind: {
            channel: promises.remind.channel,
            template: promises.remind.template,
            paymentLink: promises.remind.paymentLink ?? true,
            retry: retryOf(undefined, SEND_RETRY),
          },
        }),
        onBroken: promises.onBroken,
      },
    }),
    ...(disputes !== undefined && {
      disputes: {
        reasons: [...disputes.reasons],
        maxLength: disputes.maxLength ?? 500,
        to: disputes.to,
        ...(disputes.onResolved !== undefined && { onResolved: disputes.onResolved }),
        upheldOutcome: disputes.upheldOutcome ?? 'disputeUpheld',
      },
    }),
    ...(migration !== undefined && {
      migration: {
        ...(migration.from !== undefined && { from: [...migration.from].sort((a, b) => a - b) }),
        steps: Object.fromEntries(
          Object.keys(migration.steps ?? {})
            .sort()
            .map((k) => [k, migration.steps![k]!]),
        ),
      },
    }),
    ...(exitOn !== undefined && exitOn.length > 0 && { exitOn: [...exitOn] }),
    ...(exitWhen !== undefined &&
      exitWhen.length > 0 && { exitWhen: exitWhen.map((r) => ({ when: r.when, outcome: r.outcome })) }),
    ...(interrupts !== undefined &&
      Object.keys(interrupts).length > 0 && {
        interrupts: Object.fromEntries(
          Object.keys(interrupts)
            .sort()
            .map((k) => [k, interrupts[k]!]),
        ),
      }),
    ...(reenroll === 'move' && { reenroll }),
  };
}

function lowerPaymentPlans(p: NonNullable<Journey['spec']['paymentPlans']>): PlanPaymentPlans {
  return {
    instalments: [...p.instalments],
    ...(p.minAmount !== undefined && { minAmount: p.minAmount }),
    ...(p.interval !== undefined && { intervalMs: ms(p.interval) }),
  };
}

/** Hash of everything that changes behaviour: not the version, descriptions or source lines. */
export function planHash(plan: Omit<JourneyPlan, 'sourceHash'>): string {
  const { version: _v, description: _d, owner: _o, ...rest } = plan;
  const steps = rest.steps.map(({ source: _s, ...step }) => step);
  // What a template reads is derived from its sources (hashed): a compiler that lists it must
  // not change the hash of a journey whose sources did not change (settle diff would object).
  const templates = Object.fromEntries(
    Object.entries(rest.templates).map(([name, { reads: _r, ...template }]) => [name, template]),
  );
  return createHash('sha256')
    .update(canonicalJson({ ...rest, steps, templates }))
    .digest('hex');
}

export function lowerJourney(
  journey: Journey,
  file: string,
  project: Project,
  attributeTypes: Record<string, FieldType>,
  lines: (i: number) => number,
  reads?: (template: string) => Record<string, string[]> | undefined,
): JourneyPlan {
  const steps = journey.spec.steps.map((_, i) => lowerStep(journey.spec.steps, i, file, lines));
  const templates: Record<string, PlanTemplate> = {};
  for (const { template: name } of authoredSends(journey)) {
    if (templates[name]) continue;
    const t = project.templates.get(name)!.doc;
    const read = reads?.(name);
    templates[name] = {
      name,
      channel: t.spec.channel,
      defaultLocale: t.spec.defaultLocale,
      locales: structuredClone(t.spec.locales) as PlanTemplate['locales'],
      ...(read !== undefined && { reads: structuredClone(read) }),
    };
  }
  const plan: Omit<JourneyPlan, 'sourceHash'> = {
    irVersion: IR_VERSION,
    journey: journey.metadata.name,
    version: journey.metadata.version,
    ...(journey.metadata.description !== undefined && { description: journey.metadata.description }),
    ...(journey.metadata.owner !== undefined && { owner: journey.metadata.owner }),
    goal: journey.spec.goal ?? 'paid',
    start: steps[0]!.id,
    steps,
    templates,
    policy: lowerPolicy(project.policies.get(journey.spec.policy)!.doc),
    ...lowerPolicyByCountry(journey, project),
    ...(journey.spec.paymentPlans && { paymentPlans: lowerPaymentPlans(journey.spec.paymentPlans) }),
    ...lowerRules(journey),
    ...(journey.spec.preferences !== undefined && {
      preferences: {
        languages: [...new Set(Object.values(templates).flatMap((t) => Object.keys(t.locales)))].sort(),
      },
    }),
    attributes: attributeTypes,
  };
  return { ...plan, sourceHash: planHash(plan) };
}
