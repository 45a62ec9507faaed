/**
 * Per-step semantic checks of a journey: references to templates and its policy, wait forms,
 * duration bounds, split weights, retry sanity, and the CEL of branches and waits.
 */
import type { Journey, JourneyStep } from '../../dsl/index.js';
import { checkCel, referencedAttributes, type CelCheck, type CelExpectedType } from '../../core/cel/index.js';
import type { FieldType } from '../../ir/index.js';
import { parseDuration } from '../../core/duration.js';
import type { PendingDiagnostic } from '../diagnostic.js';
import type { Project } from '../../project/project.js';
import { declaredAttributes, doubtfulReads, inProject } from '../../project/project.js';
import { didYouMean } from '../../core/suggest.js';

/** Longest duration accepted anywhere in a journey (10 years): beyond it a typo is likelier than intent. */
export const MAX_DURATION_MS = 10 * 365 * 24 * 3600 * 1000;

export interface StepCheckContext {
  file: string;
  journey: Journey;
  project: Project;
  out: PendingDiagnostic[];
  /** Attribute names used by the journey's expressions (filled in as CEL is checked). */
  attributesUsed: Set<string>;
}

function err(
  ctx: StepCheckContext,
  code: string,
  message: string,
  at: (string | number)[],
  hint?: string,
  extra: Partial<PendingDiagnostic> = {},
) {
  ctx.out.push({ file: ctx.file, severity: 'error', code, message, at, ...(hint !== undefined && { hint }), ...extra });
}

export function checkSteps(ctx: StepCheckContext): void {
  const { journey, project } = ctx;
  const policyName = journey.spec.policy;
  if (!project.policies.has(policyName)) {
    err(
      ctx,
      'UNKNOWN_POLICY',
      `no Policy named \`${policyName}\``,
      ['spec', 'policy'],
      didYouMean(policyName, project.policies.keys(), `define it under ${inProject(project, 'policies/')}`),
    );
  }
  for (const [country, name] of Object.entries(journey.spec.policyByCountry ?? {})) {
    if (project.policies.has(name)) continue;
    err(
      ctx,
      'UNKNOWN_POLICY',
      `no Policy named \`${name}\` (for debtors of ${country})`,
      ['spec', 'policyByCountry', country],
      didYouMean(name, project.policies.keys(), `define it under ${inProject(project, 'policies/')}`),
    );
  }
  journey.spec.steps.forEach((step, i) => checkStep(ctx, step, ['spec', 'steps', i]));
  journey.spec.exitWhen?.forEach((r, i) => checkExpression(ctx, r.when, 'bool', ['spec', 'exitWhen', i, 'when']));
  if (journey.spec.paymentPlans?.interval !== undefined) {
    checkDuration(ctx, journey.spec.paymentPlans.interval, ['spec', 'paymentPlans', 'interval']);
  }
  journey.spec.migration?.from?.forEach((v, i) => {
    if (v >= journey.metadata.version) {
      err(
        ctx,
        'MIGRATION_FROM_NEWER',
        `version ${v} is not older than this one (${journey.metadata.version})`,
        ['spec', 'migration', 'from', i],
        'list the older versions whose running journeys move to this one',
      );
    }
  });
  const goal = journey.spec.goal ?? 'paid';
  const exitOn = journey.spec.exitOn ?? [];
  exitOn.forEach((event, i) => {
    if (event === goal) {
      err(ctx, 'EXIT_ON_GOAL', `\`${event}\` is the goal already`, ['spec', 'exitOn', i], 'remove it from exitOn');
    }
    const to = journey.spec.interrupts?.[event];
    if (to !== undefined) {
      err(
        ctx,
        'EXIT_AND_INTERRUPT',
        `\`${event}\` both ends the journey (exitOn) and interrupts it (to \`${to}\`)`,
        ['spec', 'interrupts', event],
        'keep one: exitOn ends the journey, an interrupt sends it to a step',
        { onKey: true },
      );
    }
  });
  const promiseReminder = journey.spec.promises?.remind;
  if (promiseReminder !== undefined) {
    checkTemplateRef(ctx, promiseReminder.template, promiseReminder.channel, [
      'spec',
      'promises',
      'remind',
      'template',
    ]);
  }
  if (
    journey.spec.promises !== undefined &&
    (journey.spec.interrupts?.promised !== undefined || exitOn.includes('promised') || journey.spec.goal === 'promised')
  ) {
    err(
      ctx,
      'PROMISE_EVENT_ROUTED',
      '`promised` is routed by `promises` already',
      journey.spec.interrupts?.promised !== undefined
        ? ['spec', 'interrupts', 'promised']
        : exitOn.includes('promised')
          ? ['spec', 'exitOn', exitOn.indexOf('promised')]
          : ['spec', 'goal'],
      'remove it here: promises says what a promise does',
    );
  }
  if (journey.spec.disputes !== undefined) {
    // `disputes` decides what its three events do: routing them elsewhere too would be ambiguous.
    const goalOf = journey.spec.goal;
    for (const event of ['disputed', 'resolved', 'upheld'] as const) {
      const where: (string | number)[] | undefined =
        journey.spec.interrupts?.[event] !== undefined
          ? ['spec', 'interrupts', event]
          : exitOn.includes(event)
            ? ['spec', 'exitOn', exitOn.indexOf(event)]
            : goalOf === event
              ? ['spec', 'goal']
              : undefined;
      if (where === undefined) continue;
      err(
        ctx,
        'DISPUTE_EVENT_ROUTED',
        `\`${event}\` is routed by \`disputes\` already`,
        where,
        'remove it here: disputes.to, disputes.onResolved and disputes.upheldOutcome say what a dispute does',
        where[1] === 'interrupts' ? { onKey: true } : {},
      );
    }
  }
  if (journey.spec.steps.some((s) => s.type === 'trackPlan') && journey.spec.paymentPlans === undefined) {
    const i = journey.spec.steps.findIndex((s) => s.type === 'trackPlan');
    err(
      ctx,
      'TRACK_PLAN_WITHOUT_PLANS',
      'this journey tracks payment plans but offers none',
      ['spec', 'steps', i, 'type'],
      'add `paymentPlans: { instalments: [2, 3] }` to the spec so the payment page offers them',
    );
  }
}

function checkTemplateRef(
  ctx: StepCheckContext,
  name: string,
  channel: 'email' | 'sms',
  at: (string | number)[],
): void {
  const tpl = ctx.project.templates.get(name);
  if (!tpl) {
    err(
      ctx,
      'UNKNOWN_TEMPLATE',
      `no Template named \`${name}\``,
      at,
      didYouMean(name, ctx.project.templates.keys(), `define it under ${inProject(ctx.project, 'templates/')}`),
    );
  } else if (tpl.valid && tpl.doc.spec.channel !== channel) {
    err(
      ctx,
      'TEMPLATE_CHANNEL_MISMATCH',
      `template \`${name}\` is for ${tpl.doc.spec.channel}, but this step sends ${channel}`,
      at,
      `use an ${channel} template, or set \`channel: ${tpl.doc.spec.channel}\``,
    );
  }
}

function checkStep(ctx: StepCheckContext, step: JourneyStep, at: (string | number)[]): void {
  switch (step.type) {
    case 'send': {
      const tpl = ctx.project.templates.get(step.template);
      if (!tpl) {
        err(
          ctx,
          'UNKNOWN_TEMPLATE',
          `no Template named \`${step.template}\``,
          [...at, 'template'],
          didYouMean(
            step.template,
            ctx.project.templates.keys(),
            `define it under ${inProject(ctx.project, 'templates/')}`,
          ),
        );
      } else if (tpl.valid && tpl.doc.spec.channel !== step.channel) {
        err(
          ctx,
          'TEMPLATE_CHANNEL_MISMATCH',
          `template \`${step.template}\` is for ${tpl.doc.spec.channel}, but this step sends ${step.channel}`,
          [...at, 'template'],
          `use an ${step.channel} template, or set \`channel: ${tpl.doc.spec.channel}\``,
        );
      }
      if (step.retry) checkRetry(ctx, step.retry, [...at, 'retry']);
      break;
    }
    case 'wait': {
      const forms = (['duration', 'until', 'businessDays'] as const).filter((k) => step[k] !== undefined);
      if (forms.length !== 1) {
        err(
          ctx,
          'INVALID_WAIT',
          forms.length === 0
            ? `wait step \`${step.id}\` says neither how long nor until when`
            : `wait step \`${step.id}\` has ${forms.map((f) => `\`${f}\``).join(' and ')}; it takes exactly one`,
          forms.length === 0 ? at : [...at, forms[1]!],
          'give exactly one of `duration: 2d`, `until: "<CEL timestamp>"` or `businessDays: 2`',
          forms.length === 0 ? {} : { onKey: true },
        );
      }
      if (step.duration !== undefined) checkDuration(ctx, step.duration, [...at, 'duration']);
      if (step.until !== undefined) checkExpression(ctx, step.until, 'timestamp', [...at, 'until']);
      break;
    }
    case 'waitFor':
      checkDuration(ctx, step.timeout, [...at, 'timeout']);
      break;
    case 'branch':
      step.cases.forEach((c, j) => checkExpression(ctx, c.when, 'bool', [...at, 'cases', j, 'when']));
      break;
    case 'split': {
      const total = step.variants.reduce((s, v) => s + v.weight, 0);
      if (total !== 100) {
        err(
          ctx,
          'SPLIT_WEIGHTS',
          `split \`${step.id}\` weights add up to ${total}, not 100`,
          [...at, 'variants'],
          'adjust the weights so that they sum to exactly 100',
          { onKey: true },
        );
      }
      const names = new Set<string>();
      step.variants.forEach((v, j) => {
        if (names.has(v.name)) {
          err(
            ctx,
            'DUPLICATE_VARIANT',
            `variant name \`${v.name}\` is used twice in split \`${step.id}\``,
            [...at, 'variants', j, 'name'],
            'give each variant its own name: metrics and reports are keyed by it',
          );
        }
        names.add(v.name);
      });
      const holdouts = step.variants.filter((v) => v.holdout === true);
      if (holdouts.length > 1) {
        err(
          ctx,
          'SPLIT_HOLDOUTS',
          `split \`${step.id}\` has ${holdouts.length} holdout variants (${holdouts.map((v) => v.name).join(', ')})`,
          [...at, 'variants'],
          'keep one holdout per split: it is the control every other variant is compared with',
          { onKey: true },
        );
      }
      break;
    }
    case 'webhook':
      if (step.retry) checkRetry(ctx, step.retry, [...at, 'retry']);
      break;
    case 'exit':
      break;
    case 'trackPlan':
      if (step.remind) {
        checkTemplateRef(ctx, step.remind.template, step.remind.channel, [...at, 'remind', 'template']);
        checkDuration(ctx, step.remind.before, [...at, 'remind', 'before']);
      }
      if (step.grace !== undefined) checkDuration(ctx, step.grace, [...at, 'grace']);
      break;
  }
}

export function checkDuration(ctx: StepCheckContext, text: string, at: (string | number)[]): number | undefined {
  const ms = parseDuration(text);
  if (ms === undefined) return undefined; // the schema already reported the format
  if (ms <= 0) {
    err(
      ctx,
      'INVALID_DURATION',
      `duration \`${text}\` must be longer than zero`,
      at,
      'write a positive duration, e.g. 1h',
    );
  } else if (ms > MAX_DURATION_MS) {
    err(ctx, 'INVALID_DURATION', `duration \`${text}\` is longer than 10 years`, at, 'write a shorter duration');
  }
  return ms;
}

function checkRetry(
  ctx: StepCheckContext,
  retry: NonNullable<Extract<JourneyStep, { type: 'send' }>['retry']>,
  at: (string | number)[],
): void {
  const initial =
    retry.initialInterval !== undefined
      ? checkDuration(ctx, retry.initialInterval, [...at, 'initialInterval'])
      : undefined;
  const max =
    retry.maxInterval !== undefined ? checkDuration(ctx, retry.maxInterval, [...at, 'maxInterval']) : undefined;
  if (initial !== undefined && max !== undefined && max < initial) {
    err(
      ctx,
      'INVALID_RETRY',
      `maxInterval ${retry.maxInterval} is shorter than initialInterval ${retry.initialInterval}`,
      [...at, 'maxInterval'],
      'make maxInterval at least as long as initialInterval',
    );
  }
}

export function checkExpression(
  ctx: StepCheckContext,
  source: string,
  expected: 'bool' | 'timestamp',
  at: (string | number)[],
): void {
  const result = checkProjectCel(ctx.project, source, expected);
  if (result === undefined) return;
  if (result.ok) {
    for (const a of result.attributesUsed) ctx.attributesUsed.add(a);
    return;
  }
  err(
    ctx,
    result.kind === 'syntax' ? 'CEL_SYNTAX' : 'CEL_TYPE',
    result.message,
    at,
    result.hint,
    result.offset !== undefined ? { offsetInValue: result.offset } : {},
  );
}

/** Most attributes in doubt an expression is tried with, each under every type (5^3 checks). */
const MAX_DOUBTFUL = 3;
const FIELD_TYPES: FieldType[] = ['string', 'int', 'double', 'bool', 'timestamp'];

/**
 * Checks a CEL expression against the project's attributes. An expression that reads attributes
 * whose declaration is broken (attributesInDoubt) is tried with each type for them: it is reported
 * only when no type would make it right (undefined: too many unknowns to tell, not reported).
 */
export function checkProjectCel(project: Project, source: string, expected: CelExpectedType): CelCheck | undefined {
  const declared = declaredAttributes(project);
  const first = checkCel(source, declared, expected);
  if (first.ok || first.kind === 'syntax') return first;
  const doubtful = doubtfulReads(project, referencedAttributes(source));
  if (doubtful.length === 0) return first;
  if (doubtful.length > MAX_DOUBTFUL) return undefined;
  let combos: Record<string, FieldType>[] = [{}];
  for (const name of doubtful) combos = combos.flatMap((c) => FIELD_TYPES.map((t) => ({ ...c, [name]: t })));
  for (const combo of combos) {
    const result = checkCel(source, { ...declared, ...combo }, expected);
    if (result.ok) return result;
  }
  return first;
}
