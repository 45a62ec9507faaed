/**
 * A split's results, variant by variant, from per-variant figures however they were gathered
 * (`settle experiments` reads them from Prometheus): debts, paid, money recovered and at stake,
 * each variant against the split's control with src/experiments/stats.ts. The control is the
 * split's holdout variant, else one named control or holdout, else the first by name.
 */
import type { JourneyPlan } from '../ir/index.js';
import { compareArms, type ArmComparison } from './stats.js';

/** What one variant of one journey version did (journeys ended in that variant). */
export interface VariantFigures {
  journey: string;
  version: string;
  variant: string;
  /** Journeys ended in this variant. */
  debts: number;
  /** …of which paid. */
  paid: number;
  /** Money recovered and money at stake (recovered + written off), per currency. */
  amounts: Record<string, { recovered: number; atStake: number }>;
}

export interface ArmReport extends ArmComparison {
  amounts: Record<string, { recovered: number; atStake: number; rate: number }>;
}

export interface SplitReport {
  journey: string;
  version: string;
  /** The split step's id; absent when the journey's plan is unknown (variants grouped by journey version). */
  split?: string;
  control: string;
  /** True when the control is the split's holdout variant (no messages). */
  holdout: boolean;
  arms: ArmReport[];
}

/** The splits of a plan: step id, variant names, and its holdout variant if any. */
export function splitsOf(plan: JourneyPlan): { split: string; variants: string[]; holdout?: string }[] {
  const out: { split: string; variants: string[]; holdout?: string }[] = [];
  for (const step of plan.steps) {
    if (step.kind !== 'split') continue;
    const holdout = step.variants.find((v) => v.holdout === true)?.name;
    out.push({ split: step.id, variants: step.variants.map((v) => v.name), ...(holdout !== undefined && { holdout }) });
  }
  return out;
}

function defaultControl(variants: string[]): string {
  return variants.find((v) => v === 'control' || v === 'holdout') ?? [...variants].sort()[0]!;
}

function arm(figures: VariantFigures | undefined, variant: string, journey: string, version: string): VariantFigures {
  return figures ?? { journey, version, variant, debts: 0, paid: 0, amounts: {} };
}

function report(
  journey: string,
  version: string,
  split: string | undefined,
  variants: string[],
  control: string,
  holdout: boolean,
  byVariant: Map<string, VariantFigures>,
): SplitReport {
  const figures = variants.map((v) => arm(byVariant.get(v), v, journey, version));
  const compared = compareArms(
    figures.map((f) => ({ variant: f.variant, debts: f.debts, paid: f.paid })),
    control,
  );
  const arms = compared.map((c, i) => {
    const amounts: ArmReport['amounts'] = {};
    for (const [currency, a] of Object.entries(figures[i]!.amounts).sort(([x], [y]) => x.localeCompare(y))) {
      amounts[currency] = { ...a, rate: a.atStake > 0 ? a.recovered / a.atStake : 0 };
    }
    return { ...c, amounts };
  });
  return { journey, version, ...(split !== undefined && { split }), control, holdout, arms };
}

/**
 * One report per split and journey version. `plans` (by journey name) tell which variants belong to
 * which split and which is the holdout; `control` overrides the choice for every split.
 */
export function splitReports(
  figures: readonly VariantFigures[],
  plans: ReadonlyMap<string, JourneyPlan> = new Map(),
  control?: string,
): SplitReport[] {
  const groups = new Map<string, Map<string, VariantFigures>>();
  for (const f of figures) {
    const key = `${f.journey}\u0000${f.version}`;
    if (!groups.has(key)) groups.set(key, new Map());
    groups.get(key)!.set(f.variant, f);
  }
  const out: SplitReport[] = [];
  const keys = [...groups.keys()].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  for (const key of keys) {
    const [journey, version] = key.split('\u0000') as [string, string];
    const byVariant = groups.get(key)!;
    const plan = plans.get(journey);
    const placed = new Set<string>();
    for (const s of plan ? splitsOf(plan) : []) {
      if (!s.variants.some((v) => byVariant.has(v))) continue;
      s.variants.forEach((v) => placed.add(v));
      const chosen =
        control !== undefined && s.variants.includes(control) ? control : (s.holdout ?? defaultControl(s.variants));
      out.push(report(journey, version, s.split, s.variants, chosen, chosen === s.holdout, byVariant));
    }
    const rest = [...byVariant.keys()].filter((v) => !placed.has(v)).sort();
    if (rest.length > 0) {
      const chosen = control !== undefined && rest.includes(control) ? control : defaultControl(rest);
      out.push(report(journey, version, undefined, rest, chosen, false, byVariant));
    }
  }
  return out;
}
