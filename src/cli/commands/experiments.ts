/**
 * settle experiments [journey]: every A/B split's results as Prometheus has them — per variant the
 * journeys ended, those paid and the money recovered, a 95 % interval on conversion, a two-sided
 * Fisher's exact test against the control and a verdict (src/experiments). Read over Prometheus's
 * HTTP API (instant queries of the worker's counters), so it needs nothing but Prometheus; the
 * journeys' plans (--dir, when there is one) tell which variants form each split and which is its
 * holdout.
 */
import { existsSync } from 'node:fs';
import type { JourneyPlan } from '../../ir/index.js';
import { splitReports, type SplitReport, type VariantFigures } from '../../experiments/report.js';
import { CliError, EXIT, resolvePath, UsageError, type Io } from '../io.js';
import { loadProject } from '../project.js';
import { parseCommand } from '../spec.js';

interface Options {
  prometheus?: string;
  dir: string;
  control?: string;
  format: 'text' | 'json';
}

export interface ExperimentsEnv {
  vars?: Record<string, string | undefined>;
}

interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

const LABEL = /^[A-Za-z0-9_.-]{1,64}$/;

async function query(base: string, expr: string): Promise<Sample[]> {
  const url = `${base.replace(/\/+$/, '')}/api/v1/query?query=${encodeURIComponent(expr)}`;
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  } catch (e) {
    throw new CliError(`Prometheus at ${base} did not answer: ${(e as Error).message}`, EXIT.unavailable);
  }
  const body = (await res.json().catch(() => undefined)) as
    { status: string; error?: string; data?: { resultType: string; result: Sample[] } } | undefined;
  if (!res.ok || body?.status !== 'success' || body.data?.resultType !== 'vector') {
    throw new CliError(
      `Prometheus at ${base} refused ${expr}: ${body?.error ?? `HTTP ${res.status}`}`,
      EXIT.unavailable,
    );
  }
  return body.data.result;
}

/** Per-variant figures of the journeys ended inside a split (variant ≠ none). */
export async function variantFigures(base: string, journey?: string): Promise<VariantFigures[]> {
  const sel = `variant!="none"${journey !== undefined ? `, journey="${journey}"` : ''}`;
  const by = 'journey, version, variant';
  const [ended, paid, recovered, writtenOff] = await Promise.all([
    query(base, `sum by (${by}) (settle_journeys_completed_total{${sel}})`),
    query(base, `sum by (${by}) (settle_journeys_completed_total{${sel}, outcome="paid"})`),
    query(base, `sum by (${by}, currency) (settle_amount_recovered_total{${sel}})`),
    query(base, `sum by (${by}, currency) (settle_amount_written_off_total{${sel}})`),
  ]);
  const figures = new Map<string, VariantFigures>();
  const keyOf = (m: Record<string, string>) => `${m.journey}\u0000${m.version}\u0000${m.variant}`;
  const at = (m: Record<string, string>): VariantFigures => {
    const key = keyOf(m);
    let f = figures.get(key);
    if (!f) {
      f = {
        journey: m.journey ?? '',
        version: m.version ?? '',
        variant: m.variant ?? '',
        debts: 0,
        paid: 0,
        amounts: {},
      };
      figures.set(key, f);
    }
    return f;
  };
  const n = (s: Sample) => Number(s.value[1]);
  for (const s of ended) at(s.metric).debts = n(s);
  for (const s of paid) at(s.metric).paid = n(s);
  for (const [samples, field] of [
    [recovered, 'recovered'],
    [writtenOff, 'atStake'],
  ] as const) {
    for (const s of samples) {
      const currency = s.metric.currency ?? 'unknown';
      const amounts = at(s.metric).amounts;
      amounts[currency] ??= { recovered: 0, atStake: 0 };
      amounts[currency][field] += n(s);
      if (field === 'recovered') amounts[currency].atStake += n(s);
    }
  }
  return [...figures.values()].filter((f) => [f.journey, f.version, f.variant].every((l) => LABEL.test(l)));
}

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
const money = (x: number) => x.toLocaleString('en', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows
    .map((r) => `  ${r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')}`.trimEnd())
    .join('\n');
}

export function formatExperiments(reports: readonly SplitReport[]): string {
  if (reports.length === 0)
    return 'No split has ended journeys yet (settle_journeys_completed_total with a variant).\n';
  const blocks = reports.map((r) => {
    const title = `${r.journey} v${r.version}${r.split !== undefined ? ` · split ${r.split}` : ''} · control: ${r.control}${r.holdout ? ' (holdout: no messages)' : ''}`;
    const rows = [['variant', 'debts', 'paid', 'conversion', '95 % interval', 'paid amount', 'p vs control']];
    for (const a of r.arms) {
      const amounts = Object.entries(a.amounts)
        .map(([cur, m]) => `${money(m.recovered)} of ${money(m.atStake)} ${cur} (${pct(m.rate)})`)
        .join(', ');
      rows.push([
        a.variant,
        String(a.debts),
        String(a.paid),
        pct(a.conversion),
        `${pct(a.interval.low)} – ${pct(a.interval.high)}`,
        amounts || '—',
        a.pValue !== undefined ? a.pValue.toFixed(3) : '—',
      ]);
    }
    const verdicts = r.arms.filter((a) => a.variant !== r.control).map((a) => `  ${a.variant}: ${a.verdict}`);
    return `${title}\n${table(rows)}\n${verdicts.join('\n')}`;
  });
  return `${blocks.join('\n\n')}\n\nDebts are journeys ended in each variant; conversion is the share paid, with a Wilson 95 % interval; p is Fisher's exact test (two-sided) against the control.\n`;
}

function plansOf(io: Io, dir: string, explicit: boolean): Map<string, JourneyPlan> {
  if (!explicit && !existsSync(resolvePath(io, dir))) return new Map();
  return loadProject(dir, io).plans;
}

export async function experiments(argv: string[], io: Io, env: ExperimentsEnv = {}): Promise<number> {
  const { args: positionals, opts: values } = parseCommand<Options>('experiments', argv);
  if (positionals.length > 1) throw new UsageError('experiments takes at most one journey name');
  const journey = positionals[0];
  if (journey !== undefined && !LABEL.test(journey)) throw new UsageError(`not a journey name: ${journey}`);
  const base = values.prometheus ?? env.vars?.SETTLE_PROMETHEUS_URL ?? 'http://127.0.0.1:9090';
  if (!/^https?:\/\/[^\s]+$/.test(base)) throw new UsageError(`--prometheus must be an http(s) URL, got ${base}`);
  const plans = plansOf(
    io,
    values.dir,
    argv.some((a) => a === '--dir' || a.startsWith('--dir=')),
  );
  const reports = splitReports(await variantFigures(base, journey), plans, values.control);
  io.out(values.format === 'json' ? `${JSON.stringify(reports, null, 2)}\n` : formatExperiments(reports));
  return EXIT.ok;
}
