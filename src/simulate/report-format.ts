/**
 * The summary as tables: one list of sections, rendered as aligned plain text (`--format text`)
 * or Markdown (`--format md`, e.g. a pull-request comment). Days without a send are left out of
 * the per-day table; the json report has every day.
 */
import { table } from '../views/markdown.js';
import type { SimulationSummary } from './summary.js';

export interface Section {
  title: string;
  header: string[];
  rows: string[][];
  /** Columns aligned right (numbers). */
  right?: number[];
}

const num = (n: number) => String(n);
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const money = (n: number, currency: string | null) => `${n.toFixed(2)}${currency ? ` ${currency}` : ''}`;
/** A mean, or a dash when nothing was measured. */
const mean = (x: number | undefined) => (x === undefined ? '—' : x.toFixed(1));

function byCount(map: Record<string, number>): [string, number][] {
  return Object.entries(map).sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1));
}

export function sections(s: SimulationSummary): Section[] {
  const out: Section[] = [];
  const days = s.sendsPerDay.filter((d) => d.email + d.sms > 0);
  out.push({
    title: 'Sends per day (UTC)',
    header: ['date', 'email', 'sms', 'total'],
    rows: [
      ...days.map((d) => [d.date, num(d.email), num(d.sms), num(d.email + d.sms)]),
      ['total', num(s.sends.email), num(s.sends.sms), num(s.sends.total)],
    ],
    right: [1, 2, 3],
  });
  const reasons = [...new Set([...Object.keys(s.deferrals), ...Object.keys(s.blocks)])].sort();
  out.push({
    title: 'Deferrals and blocks by reason',
    header: ['reason', 'deferred', 'blocked'],
    rows:
      reasons.length > 0
        ? reasons.map((r) => [r, num(s.deferrals[r] ?? 0), num(s.blocks[r] ?? 0)])
        : [['(none)', '0', '0']],
    right: [1, 2],
  });
  const byCountry = Object.entries(s.deferralsByCountry ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));
  if (byCountry.length > 0) {
    const countries = [...new Set(byCountry.flatMap(([, m]) => Object.keys(m)))].sort();
    out.push({
      title: 'Deferrals by reason and country',
      header: ['reason', ...countries, 'total'],
      rows: byCountry.map(([reason, m]) => [
        reason,
        ...countries.map((c) => num(m[c] ?? 0)),
        num(Object.values(m).reduce((a, b) => a + b, 0)),
      ]),
      right: countries.map((_, i) => i + 1).concat(countries.length + 1),
    });
  }
  out.push({
    title: 'Outcomes',
    header: ['outcome', 'debts', 'share'],
    rows: byCount(s.outcomes).map(([o, n]) => [o, num(n), pct(s.debts > 0 ? n / s.debts : 0)]),
    right: [1, 2],
  });
  const f = s.funnel;
  out.push({
    title: 'Funnel',
    header: ['stage', 'count'],
    rows: [
      ['messages sent', num(f.sent)],
      ['delivered', num(f.delivered)],
      ['opened', num(f.opened)],
      ['clicked', num(f.clicked)],
      ['visited the payment page', num(f.visited)],
      ['debts paid', num(f.paid)],
    ],
    right: [1],
  });
  const collected = Object.entries(s.amountCollected).sort(([a], [b]) => (a < b ? -1 : 1));
  out.push({
    title: 'Money',
    header: ['item', 'amount'],
    rows: [
      ...(collected.length > 0
        ? collected.map(([c, n]) => [`collected (${c})`, money(n, null)])
        : [['collected', '0.00']]),
      [`cost of email (${s.sends.email} × ${s.cost.perMessage.email})`, money(s.cost.email, s.cost.currency)],
      [
        `cost of SMS (${s.sends.sms} SMS, ${s.smsSegments} segments × ${s.cost.perMessage.sms})`,
        money(s.cost.sms, s.cost.currency),
      ],
      ['cost, total', money(s.cost.total, s.cost.currency)],
    ],
    right: [1],
  });
  if (s.variants.length > 0) {
    out.push({
      title: 'Split variants',
      header: ['journey', 'split', 'variant', 'debts', 'paid', 'conversion', '95 % interval', 'verdict'],
      rows: s.variants.map((v) => [
        v.journey,
        v.step,
        v.variant,
        num(v.debts),
        num(v.paid),
        pct(v.conversion),
        v.interval ? `${pct(v.interval.low)} – ${pct(v.interval.high)}` : '',
        v.verdict ?? '',
      ]),
      right: [3, 4, 5],
    });
  }
  for (const [title, key, figures] of [
    ['Money, RPC and timing per journey', 'journey', s.business?.journeys ?? {}],
    ['Money, RPC and timing per segment', 'segment', s.business?.segments ?? {}],
  ] as const) {
    const entries = Object.entries(figures).sort(([a], [b]) => (a < b ? -1 : 1));
    if (entries.length === 0) continue;
    out.push({
      title,
      header: [
        key,
        'debts',
        'RPC',
        'collected / enrolled',
        'rate by amount',
        'profit per account',
        'reaction (h)',
        'days past due at payment',
        'days to pay since contact',
      ],
      rows: entries.map(([name, f]) => {
        const currencies = Object.keys(f.enrolled).sort();
        const each = (fn: (c: string) => string) => currencies.map(fn).join(', ');
        return [
          name,
          num(f.debts),
          `${pct(f.rpcRate ?? 0)} (${f.rightParty}/${f.contacted})`,
          each((c) => `${money(f.collected[c] ?? 0, null)} / ${money(f.enrolled[c]!, c)}`),
          each((c) => pct(f.collectionRateByAmount?.[c] ?? 0)),
          each((c) => money(f.profitPerAccount?.[c] ?? 0, c)),
          mean(f.meanReactionHours),
          mean(f.meanDaysPastDueAtPayment),
          mean(f.meanDaysToPaySinceContact),
        ];
      }),
      right: [1, 2, 3, 4, 5, 6, 7, 8],
    });
  }
  out.push({
    title: 'Journeys',
    header: ['journey', 'version', 'debts', 'email', 'sms', 'deferred', 'blocked', 'paid', 'cost'],
    rows: Object.entries(s.journeys)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([name, j]) => [
        name,
        num(j.version),
        num(j.debts),
        num(j.sends.email),
        num(j.sends.sms),
        num(Object.values(j.deferrals).reduce((a, b) => a + b, 0)),
        num(Object.values(j.blocks).reduce((a, b) => a + b, 0)),
        num(j.paid),
        money(j.cost, s.cost.currency),
      ]),
    right: [1, 2, 3, 4, 5, 6, 7, 8],
  });
  return out;
}

function headline(s: SimulationSummary): string {
  const skipped = s.unmatched + s.invalid.length;
  return (
    `${s.debts} debts simulated from ${s.start} to ${s.end} (${s.days} days), behaviour ${s.behaviour}, seed ${s.seed}` +
    (skipped > 0 ? ` — ${s.unmatched} matched no segment, ${s.invalid.length} invalid` : '')
  );
}

export function textTable(sec: Section): string {
  const all = [sec.header, ...sec.rows];
  const widths = sec.header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => (sec.right?.includes(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [sec.title, line(sec.header), line(widths.map((w) => '-'.repeat(w))), ...sec.rows.map(line)].join('\n');
}

export function formatText(s: SimulationSummary): string {
  const invalid = s.invalid.map((i) => `  line ${i.line}: ${i.reason}`);
  return (
    [
      headline(s),
      ...sections(s).map(textTable),
      ...(invalid.length > 0 ? [`Invalid rows\n${invalid.join('\n')}`] : []),
    ].join('\n\n') + '\n'
  );
}

export function formatMarkdown(s: SimulationSummary): string {
  const parts = [
    `## Simulation\n\n${headline(s)}`,
    ...sections(s).map((sec) => `### ${sec.title}\n\n${table(sec.header, sec.rows)}`),
  ];
  return parts.join('\n\n') + '\n';
}
