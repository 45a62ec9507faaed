/**
 * The "what changes" section of `settle diff --portfolio`: the same portfolio, start, behaviour
 * and seed simulated against the journeys before and after the change, compared journey by
 * journey — sends per channel, deferrals, blocks, outcomes and cost. Only journeys whose figures
 * move are shown in full; the others are listed as unchanged.
 */
import { table } from '../render/markdown.js';
import type { JourneySummary, SimulationSummary } from './summary.js';

const total = (m: Record<string, number>) => Object.values(m).reduce((a, b) => a + b, 0);

function rows(b: JourneySummary | undefined, a: JourneySummary | undefined, currency: string | null): string[][] {
  const money = (x: number) => `${x.toFixed(2)}${currency ? ` ${currency}` : ''}`;
  const line = (label: string, x: number, y: number, fmt: (n: number) => string = String): string[] => {
    const d = y - x;
    const delta = d === 0 ? '—' : `${d > 0 ? '+' : '−'}${fmt(Math.abs(d))}`;
    return [label, fmt(x), fmt(y), delta];
  };
  const out: string[][] = [
    line('debts', b?.debts ?? 0, a?.debts ?? 0),
    line('email sent', b?.sends.email ?? 0, a?.sends.email ?? 0),
    line('SMS sent', b?.sends.sms ?? 0, a?.sends.sms ?? 0),
    line('deferrals', total(b?.deferrals ?? {}), total(a?.deferrals ?? {})),
  ];
  const reasons = (k: 'deferrals' | 'blocks') =>
    [...new Set([...Object.keys(b?.[k] ?? {}), ...Object.keys(a?.[k] ?? {})])].sort();
  for (const r of reasons('deferrals')) out.push(line(`  deferred: ${r}`, b?.deferrals[r] ?? 0, a?.deferrals[r] ?? 0));
  out.push(line('blocks', total(b?.blocks ?? {}), total(a?.blocks ?? {})));
  for (const r of reasons('blocks')) out.push(line(`  blocked: ${r}`, b?.blocks[r] ?? 0, a?.blocks[r] ?? 0));
  const outcomes = [...new Set([...Object.keys(b?.outcomes ?? {}), ...Object.keys(a?.outcomes ?? {})])].sort();
  for (const o of outcomes) out.push(line(`outcome: ${o}`, b?.outcomes[o] ?? 0, a?.outcomes[o] ?? 0));
  out.push(line('cost', b?.cost ?? 0, a?.cost ?? 0, (x) => money(x)));
  return out;
}

export function formatForecast(before: SimulationSummary, after: SimulationSummary, portfolio: string): string {
  const names = [...new Set([...Object.keys(before.journeys), ...Object.keys(after.journeys)])].sort();
  const parts = [
    '## What changes (simulated forecast)',
    `\`${portfolio}\`: ${after.debts} debts from ${after.start}, ${after.days} days, behaviour \`${after.behaviour}\`, seed ${after.seed} — the same portfolio and seed before and after, through the production interpreter and contact policy on a virtual clock.`,
  ];
  const same: string[] = [];
  for (const name of names) {
    const b = before.journeys[name];
    const a = after.journeys[name];
    const r = rows(b, a, after.cost.currency);
    if (r.every((x) => x[3] === '—')) {
      same.push(name);
      continue;
    }
    const version = `${b ? `v${b.version}` : 'new'} → ${a ? `v${a.version}` : 'removed'}`;
    parts.push(`### ${name} (${version})\n\n${table(['', 'before', 'after', 'change'], r)}`);
  }
  if (same.length > 0) parts.push(`No change for ${same.map((n) => `\`${n}\``).join(', ')}.`);
  if (before.unmatched !== after.unmatched)
    parts.push(`Debts no segment matches: ${before.unmatched} → ${after.unmatched}.`);
  return parts.join('\n\n') + '\n';
}
