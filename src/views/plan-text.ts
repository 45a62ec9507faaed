/**
 * `settle plan --format text`: the compiled plan as a reviewer reads it in a terminal. Header
 * and policy first, then each step in authoring order with its details, the contact rules in
 * force at each send, and where every route goes. Plain text, no colour, deterministic.
 */
import type { JourneyPlan, PlanPolicy, PlanSend, PlanStep, PlanTemplate } from '../ir/plan.js';
import { formatCompoundDuration } from '../core/duration.js';
import {
  formatCap,
  formatConsent,
  formatHolidays,
  formatMinGap,
  formatOptOutKeywords,
  formatWindows,
  policyForChannel,
} from './policy-text.js';
import { stepEdges } from './step-edges.js';
import { formatRetry, formatVariants, formatWait, formatWebhookUrl } from './step-text.js';

/** Label/value rows with the values aligned in one column. */
function rows(pairs: readonly (readonly [string, string])[], indent: string): string[] {
  const width = Math.max(...pairs.map(([k]) => k.length));
  return pairs.map(([k, v]) => `${indent}${k.padEnd(width)}  ${v}`);
}

/** The journey-wide rules as label/text pairs: exits, interrupts, re-enrollment (plan and diff show them). */
export function journeyRules(plan: JourneyPlan): [string, string][] {
  const out: [string, string][] = [];
  if (plan.exitOn?.length) out.push(['exit on', `${plan.exitOn.join(', ')} (the outcome is the event)`]);
  for (const r of plan.exitWhen ?? []) out.push(['exit when', `${r.when} → ${r.outcome}`]);
  for (const [event, to] of Object.entries(plan.interrupts ?? {}))
    out.push(['interrupt', `${event} → ${to} (from any step)`]);
  if (plan.reenroll === 'move') out.push(['re-enrollment', 'moves the debt when the segments route it elsewhere']);
  return out;
}

function headerLines(plan: JourneyPlan): string[] {
  const lines = [`Journey ${plan.journey} v${plan.version}`];
  if (plan.description) lines.push(`  ${plan.description}`);
  const pairs: [string, string][] = [];
  if (plan.owner) pairs.push(['owner', plan.owner]);
  pairs.push(['goal', `${plan.goal} (ends the journey at once${plan.goal === 'paid' ? '; paid in full' : ''})`]);
  for (const [k, v] of journeyRules(plan)) pairs.push([k, v]);
  pairs.push(['start', plan.start]);
  const attrs = Object.keys(plan.attributes).sort();
  if (attrs.length > 0) pairs.push(['attributes', attrs.map((a) => `${a}: ${plan.attributes[a]}`).join(', ')]);
  if (plan.paymentPlans) {
    const min = plan.paymentPlans.minAmount !== undefined ? `, from ${plan.paymentPlans.minAmount}` : '';
    const every =
      plan.paymentPlans.intervalMs !== undefined
        ? `, every ${formatCompoundDuration(plan.paymentPlans.intervalMs)}`
        : '';
    pairs.push(['payment plans', `${plan.paymentPlans.instalments.join(' / ')} instalments${min}${every}`]);
  }
  pairs.push(['plan hash', plan.sourceHash]);
  return [...lines, ...rows(pairs, '  ')];
}

function timezoneText(policy: PlanPolicy): string {
  return policy.unknownTimezone === 'skip'
    ? "the debtor's; sends to a debtor without one are skipped"
    : `the debtor's, else ${policy.timezoneFallback}`;
}

function policyLines(policy: PlanPolicy, scope?: string): string[] {
  const caps = policy.frequencyCaps.map(formatCap);
  const gap = formatMinGap(policy);
  const perDebt = policy.frequencyCaps.some((c) => c.scope !== 'debtor');
  const perDebtor = policy.frequencyCaps.some((c) => c.scope === 'debtor');
  const capScope = !perDebtor
    ? 'per debt across its journeys'
    : perDebt
      ? "per debt across its journeys (debtor-wide: across all the debtor's debts)"
      : 'per debtor across all their debts';
  return [
    `Policy ${policy.name}${scope !== undefined ? ` (${scope})` : ''}`,
    ...rows(
      [
        ['send windows', `${formatWindows(policy.windows)} (debtor's local time)`],
        ['time zone', timezoneText(policy)],
        ['holidays', formatHolidays(policy.holidays)],
        ['caps', caps.length > 0 ? `${caps.join('; ')} — ${capScope}, rolling` : 'none'],
        ...(gap !== undefined ? [['minimum gap', gap] as [string, string]] : []),
        ['consent', formatConsent(policy.consent)],
        ['jitter', policy.jitterMs > 0 ? formatCompoundDuration(policy.jitterMs) : 'none'],
        ['sms opt-out', formatOptOutKeywords(policy.smsOptOutKeywords)],
      ],
      '  ',
    ),
  ];
}

function sendPolicyLines(step: PlanSend, policy: PlanPolicy): [string, string][] {
  const p = policyForChannel(policy, step.channel);
  return [
    ['window', p.window],
    ['holidays', p.holidays],
    ['caps', p.caps.length > 0 ? p.caps.join('; ') : `none for ${step.channel}`],
    ['consent', `${policy.consent[step.channel]} for ${step.channel}`],
  ];
}

function detailPairs(step: PlanStep, plan: JourneyPlan): [string, string][] {
  switch (step.kind) {
    case 'send':
      return [
        ['channel', step.channel],
        ['template', step.template],
        ['payment link', step.paymentLink ? 'yes (links.pay)' : 'no'],
        ['retry', formatRetry(step.retry)],
        ...sendPolicyLines(step, plan.policy).map(([k, v]): [string, string] => [`policy ${k}`, v]),
      ];
    case 'wait':
      return [['wait', formatWait(step.wait)]];
    case 'waitFor':
      return [
        ['events', step.events.join(', ')],
        ['listens to', step.after ? `messages of ${step.after}` : 'messages of the previous send'],
        ['timeout', formatCompoundDuration(step.timeoutMs)],
      ];
    case 'branch':
      return [['cases', `${step.cases.length}, first match wins`]];
    case 'split':
      return [['variants', `${formatVariants(step)} (sticky per debt)`]];
    case 'webhook':
      return [
        ['url', 'env' in step.url ? `${formatWebhookUrl(step.url)} (resolved by the worker)` : step.url.literal],
        ['retry', formatRetry(step.retry)],
      ];
    case 'exit':
      return [
        ['outcome', step.outcome],
        ...(step.handOver
          ? [['hand-over', 'the segments route the debt to its next journey'] as [string, string]]
          : []),
      ];
    case 'trackPlan':
      return [
        [
          'reminder',
          step.remind
            ? `${step.remind.channel}: ${step.remind.template}, ${formatCompoundDuration(step.remind.beforeMs)} before each instalment${step.remind.paymentLink ? ' + payment link' : ''}`
            : 'none',
        ],
        ['grace', `${formatCompoundDuration(step.graceMs)} after each due date`],
      ];
  }
}

function routeLines(step: PlanStep, indent: string): string[] {
  if (step.kind === 'exit') return [`${indent}■ journey ends${step.handOver ? ', the debt is handed over' : ''}`];
  return stepEdges(step).map((e) => {
    if (e.label === undefined) return `${indent}→ ${e.to}`;
    const label = e.key.startsWith('case ') ? `when ${e.label}` : e.label;
    return `${indent}${label} → ${e.to}`;
  });
}

function stepLines(step: PlanStep, index: number, plan: JourneyPlan): string[] {
  const start = step.id === plan.start ? '  (start)' : '';
  const width = String(plan.steps.length).length;
  const indent = ' '.repeat(width + 4);
  return [
    `  ${String(index + 1).padStart(width)}. ${step.id}  [${step.kind}]${start}  ${step.source.file}:${step.source.line}`,
    ...rows(detailPairs(step, plan), indent),
    ...routeLines(step, indent),
  ];
}

function templateLine(t: PlanTemplate): string {
  const locales = Object.keys(t.locales)
    .sort()
    .map((l) => {
      const loc = t.locales[l];
      const parts = loc ? ['subject', 'text', 'html'].filter((p) => loc[p as keyof typeof loc] !== undefined) : [];
      return `${l}${l === t.defaultLocale ? '*' : ''} (${parts.join(', ')})`;
    });
  return `  ${t.name}  [${t.channel}]  ${locales.join(', ')}`;
}

/** Renders a plan for the terminal (`settle plan NAME`). */
export function formatPlanText(plan: JourneyPlan): string {
  const lines = [...headerLines(plan), '', ...policyLines(plan.policy)];
  for (const [name, policy] of Object.entries(plan.policies ?? {})) {
    const countries = Object.keys(plan.policyByCountry ?? {}).filter((c) => plan.policyByCountry![c] === name);
    lines.push('', ...policyLines(policy, `for debtors in ${countries.join(', ')}`));
  }
  lines.push('', 'Steps');
  plan.steps.forEach((step, i) => {
    if (i > 0) lines.push('');
    lines.push(...stepLines(step, i, plan));
  });
  const templates = Object.keys(plan.templates).sort();
  if (templates.length > 0) {
    lines.push('', 'Templates (* = default locale)');
    for (const name of templates) {
      const t = plan.templates[name];
      if (t) lines.push(templateLine(t));
    }
  }
  return `${lines.join('\n')}\n`;
}
