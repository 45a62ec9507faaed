/**
 * Journey-level and policy comparison for `settle diff`. Both sides are phrased with the same
 * formatters as `settle plan`, then compared as text: a change shows exactly as the reviewer
 * would read it in either plan. Caps are compared as a set (a changed cap = one out, one in).
 */
import type { Channel, JourneyPlan, PlanPolicy } from '../../ir/plan.js';
import type { FieldChange } from './types.js';
import { formatCompoundDuration } from '../../core/duration.js';
import { formatCap, formatMinGap, formatWindows } from '../policy-text.js';
import { journeyRules } from '../plan-text.js';

class Changes {
  readonly list: FieldChange[] = [];
  add(field: string, before: string | undefined, after: string | undefined): void {
    if (before !== after) this.list.push({ field, before, after });
  }
}

function keysOf(...records: Record<string, unknown>[]): string[] {
  return [...new Set(records.flatMap((r) => Object.keys(r)))].sort();
}

/** goal, start, payment plans and attribute types (plan content) — see `metadataChanges`. */
export function diffJourneyFields(before: JourneyPlan, after: JourneyPlan): FieldChange[] {
  const c = new Changes();
  c.add('goal', before.goal, after.goal);
  c.add('start', before.start, after.start);
  const plans = (p: JourneyPlan): string | undefined =>
    p.paymentPlans
      ? `${p.paymentPlans.instalments.join(' / ')} instalments` +
        (p.paymentPlans.minAmount !== undefined ? `, from ${p.paymentPlans.minAmount}` : '') +
        (p.paymentPlans.intervalMs !== undefined ? `, every ${formatCompoundDuration(p.paymentPlans.intervalMs)}` : '')
      : undefined;
  c.add('payment plans', plans(before), plans(after));
  // Exit rules, interrupts and re-enrollment, each rule as `settle plan` words it.
  const rules = (p: JourneyPlan) => new Map(journeyRules(p).map(([k, v]) => [`${k}: ${v}`, [k, v] as const]));
  const a = rules(before);
  const b = rules(after);
  for (const key of [...new Set([...a.keys(), ...b.keys()])].sort()) {
    const field = (a.get(key) ?? b.get(key))![0];
    c.add(field, a.get(key)?.[1], b.get(key)?.[1]);
  }
  for (const name of keysOf(before.attributes, after.attributes)) {
    c.add(`attribute ${name}`, before.attributes[name], after.attributes[name]);
  }
  return c.list;
}

/** description and owner: metadata, not plan content, so they never require a version bump. */
export function diffMetadata(before: JourneyPlan, after: JourneyPlan): FieldChange[] {
  const c = new Changes();
  c.add('description', before.description, after.description);
  c.add('owner', before.owner, after.owner);
  return c.list;
}

export function diffPolicy(before: PlanPolicy, after: PlanPolicy): FieldChange[] {
  const c = new Changes();
  c.add('policy', before.name, after.name);
  c.add('send window', formatWindows(before.windows), formatWindows(after.windows));
  c.add('time zone fallback', before.timezoneFallback, after.timezoneFallback);
  c.add('unknown time zone', before.unknownTimezone, after.unknownTimezone);
  c.add('holidays country', before.holidays.country, after.holidays.country);
  c.add('holidays region', before.holidays.region, after.holidays.region);
  const beforeDays = new Set(before.holidays.closedDays);
  const afterDays = new Set(after.holidays.closedDays);
  for (const day of [...new Set([...beforeDays, ...afterDays])].sort()) {
    c.add('closed day', beforeDays.has(day) ? day : undefined, afterDays.has(day) ? day : undefined);
  }
  if (before.holidays.country === after.holidays.country && before.holidays.region === after.holidays.region) {
    // Same country, other dates: the holiday data changed (a library upgrade, or a plan from
    // before dates were expanded). A few dates are listed; many are summarised in one line.
    const beforeHol = new Set(before.holidays.dates ?? []);
    const afterHol = new Set(after.holidays.dates ?? []);
    const changed = [...new Set([...beforeHol, ...afterHol])]
      .filter((d) => beforeHol.has(d) !== afterHol.has(d))
      .sort();
    const summary = (dates: Set<string>) => {
      const list = [...dates].sort();
      return list.length === 0 ? undefined : `${list.length} dates ${list[0]}…${list[list.length - 1]}`;
    };
    if (changed.length > 10) c.add('public holidays', summary(beforeHol), summary(afterHol));
    else
      for (const day of changed)
        c.add('public holiday', beforeHol.has(day) ? day : undefined, afterHol.has(day) ? day : undefined);
  }
  const beforeCaps = before.frequencyCaps.map(formatCap);
  const afterCaps = after.frequencyCaps.map(formatCap);
  for (const cap of beforeCaps) if (!afterCaps.includes(cap)) c.add('frequency cap', cap, undefined);
  for (const cap of afterCaps) if (!beforeCaps.includes(cap)) c.add('frequency cap', undefined, cap);
  c.add('minimum gap', formatMinGap(before), formatMinGap(after));
  for (const channel of keysOf(before.consent, after.consent) as Channel[]) {
    c.add(`consent ${channel}`, before.consent[channel], after.consent[channel]);
  }
  const jitter = (ms: number): string => (ms > 0 ? formatCompoundDuration(ms) : 'none');
  c.add('jitter', jitter(before.jitterMs), jitter(after.jitterMs));
  for (const locale of keysOf(before.smsOptOutKeywords, after.smsOptOutKeywords)) {
    const field = `sms opt-out keyword (${locale === '*' ? 'any locale' : locale})`;
    c.add(field, before.smsOptOutKeywords[locale], after.smsOptOutKeywords[locale]);
  }
  return c.list;
}
