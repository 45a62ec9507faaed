/**
 * The "what changes" section of `settle diff --portfolio`: the same portfolio, start, behaviour
 * and seed simulated against the journeys before and after the change, compared journey by
 * journey — sends per channel, deferrals, blocks, outcomes and cost. Only journeys whose figures
 * move are shown in full; the others are listed as unchanged.
 */
import { table } from '../views/markdown.js';
import type { JourneySummary, SimulationSummary } from './summary.js';

const total = (m: Record<string, number>) => Object.values(m).reduce((a, b) => a + b, 0);

type Figure = [label: string, value: (j: JourneySummary | undefined) => number, money?: boolean];

/** The figures compared, in order: sends, deferrals and blocks by reason, outcomes, cost. */
function figures(all: (JourneySummary | undefined)[]): Figure[] {
  const keys = (k: 'deferrals' | 'blocks' | 'outcomes') =>
    [...new Set(all.flatMap((j) => Object.keys(j?.[k] ?? {})))].sort();
  return [
    ['debts', (j) => j?.debts ?? 0],
    ['email sent', (j) => j?.sends.email ?? 0],
    ['SMS sent', (j) => j?.sends.sms ?? 0],
    ['deferrals', (j) => total(j?.deferrals ?? {})],
    ...keys('deferrals').map((r): Figure => [`  deferred: ${r}`, (j) => j?.deferrals[r] ?? 0]),
    ['blocks', (j) => total(j?.blocks ?? {})],
    ...keys('blocks').map((r): Figure => [`  blocked: ${r}`, (j) => j?.blocks[r] ?? 0]),
    ...keys('outcomes').map((o): Figure => [`outcome: ${o}`, (j) => j?.outcomes[o] ?? 0]),
    ['cost', (j) => j?.cost ?? 0, true],
  ];
}

/**
 * One row per figure: before, after, the change, then the deploy scenarios' figures when given.
 * `changed`: whether any scenario differs from before.
 */
function rows(
  b: JourneySummary | undefined,
  a: JourneySummary | undefined,
  currency: string | null,
  deployed: (JourneySummary | undefined)[] = [],
): { rows: string[][]; changed: boolean } {
  const money = (x: number) => `${x.toFixed(2)}${currency ? ` ${currency}` : ''}`;
  let changed = false;
  const out = figures([b, a, ...deployed]).map(([label, value, isMoney]) => {
    const fmt = isMoney ? money : String;
    const [x, y] = [value(b), value(a)];
    const others = deployed.map(value);
    if (x !== y || others.some((o) => o !== x)) changed = true;
    const d = y - x;
    const delta = d === 0 ? '—' : `${d > 0 ? '+' : '−'}${fmt(Math.abs(d))}`;
    return [label, fmt(x), fmt(y), delta, ...others.map(fmt)];
  });
  if (deployed.length > 0) {
    const moved = deployed.map((j) => j?.migrations?.moved ?? 0);
    const stayed = deployed.map((j) => j?.migrations?.stayed ?? 0);
    if (moved.some((n) => n > 0)) out.push(['moved by the migration', '', '', '', ...moved.map(String)]);
    if (stayed.some((n) => n > 0)) out.push(['not moved (no place for its step)', '', '', '', ...stayed.map(String)]);
  }
  return { rows: out, changed };
}

/** Running journeys at a deploy, kept on their version or migrated (settle diff --portfolio). */
export interface DeployForecast {
  /** Day of the run the change is deployed on. */
  day: number;
  /** Deployed then, running journeys left on their version. */
  kept: SimulationSummary;
  /** Deployed then, and `settle migrate --apply` run: running journeys move at their next safe point. */
  migrated: SimulationSummary;
}

export function formatForecast(
  before: SimulationSummary,
  after: SimulationSummary,
  portfolio: string,
  deploy?: DeployForecast,
): string {
  const scenarios = deploy ? [deploy.kept, deploy.migrated] : [];
  const names = [
    ...new Set([
      ...Object.keys(before.journeys),
      ...Object.keys(after.journeys),
      ...scenarios.flatMap((x) => Object.keys(x.journeys)),
    ]),
  ].sort();
  const parts = [
    '## What changes (simulated forecast)',
    `\`${portfolio}\`: ${after.debts} debts from ${after.start}, ${after.days} days, behaviour \`${after.behaviour}\`, seed ${after.seed} — the same portfolio and seed before and after, through the production interpreter and contact policy on a virtual clock.`,
  ];
  if (deploy)
    parts.push(
      `**before**: every debt on the current versions; **after**: every debt on the new ones (debts enrolled once it is deployed). ` +
        `The last two columns deploy the change on day ${deploy.day} of the run, when these debts are already in their journeys: ` +
        `**running, not migrated** — they finish on their version, and only hand-overs after the deploy reach the new ones; ` +
        `**running, migrated** — \`settle migrate --apply\` moves them at their next safe point (a wait, a waitFor, a deferral).`,
    );
  const header = ['', 'before', 'after', 'change', ...(deploy ? [`running, not migrated`, `running, migrated`] : [])];
  const same: string[] = [];
  for (const name of names) {
    const b = before.journeys[name];
    const a = after.journeys[name];
    const r = rows(
      b,
      a,
      after.cost.currency,
      scenarios.map((x) => x.journeys[name]),
    );
    if (!r.changed) {
      same.push(name);
      continue;
    }
    const version = `${b ? `v${b.version}` : 'new'} → ${a ? `v${a.version}` : 'removed'}`;
    parts.push(`### ${name} (${version})\n\n${table(header, r.rows)}`);
  }
  if (same.length > 0) parts.push(`No change for ${same.map((n) => `\`${n}\``).join(', ')}.`);
  if (before.unmatched !== after.unmatched)
    parts.push(`Debts no segment matches: ${before.unmatched} → ${after.unmatched}.`);
  return parts.join('\n\n') + '\n';
}
