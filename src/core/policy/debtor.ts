/**
 * The policy that applies to one debtor: the journey's policy, or the one `policyByCountry` names
 * for the debtor's country; with per-debtor holidays (`holidays.byCountry`), narrowed to the
 * debtor's own country and region. The result has the plain shape every decision reads (one
 * `dates` list, no `byCountry`), so the ledger, open days and messages work unchanged and a
 * send's reserve request carries only the debtor's dates.
 *
 * Plans without these fields (all plans compiled before them) get their own `policy` object back,
 * untouched: their commands and activity inputs stay exactly as they were. Workflow-safe: pure.
 */
import type { JourneyPlan, PlanPolicy } from '../../ir/index.js';

export interface DebtorPlace {
  country?: string | undefined;
  region?: string | undefined;
}

const resolved = new WeakMap<PlanPolicy, Map<string, PlanPolicy>>();

function normalCountry(country: string | undefined): string | undefined {
  const c = country?.trim().toUpperCase();
  return c !== undefined && c !== '' ? c : undefined;
}

/** `BY`, `by` and `DE-BY` all name Bavaria for country DE. */
export function normalRegion(country: string, region: string | undefined): string | undefined {
  let r = region?.trim().toUpperCase();
  if (r === undefined || r === '') return undefined;
  if (r.startsWith(`${country}-`)) r = r.slice(country.length + 1);
  return r;
}

function mergeDates(base: readonly string[], add: readonly string[], remove: readonly string[] = []): string[] {
  const drop = new Set(remove);
  return [...new Set([...base.filter((d) => !drop.has(d)), ...add])].sort();
}

/** Narrows a policy's per-debtor holidays to this debtor (the policy itself when it has none). */
export function policyForPlace(policy: PlanPolicy, place: DebtorPlace): PlanPolicy {
  const byCountry = policy.holidays.byCountry;
  if (byCountry === undefined) return policy;
  const country = normalCountry(place.country);
  const own = country !== undefined ? byCountry[country] : undefined;
  const region = own && country !== undefined ? normalRegion(country, place.region) : undefined;
  const regional = region !== undefined ? own?.regions?.[region] : undefined;
  const key = own ? `${country}/${regional ? region : ''}` : '*';
  let cache = resolved.get(policy);
  if (!cache) {
    cache = new Map();
    resolved.set(policy, cache);
  }
  let out = cache.get(key);
  if (!out) {
    const { byCountry: _all, ...plain } = policy.holidays;
    out = {
      ...policy,
      holidays: own
        ? {
            ...plain,
            country: country!,
            ...(regional && { region: region! }),
            dates: regional ? mergeDates(own.dates, regional.add, regional.remove) : own.dates,
          }
        : { closedDays: plain.closedDays, dates: plain.dates },
    };
    cache.set(key, out);
  }
  return out;
}

/** The journey's policy for this debtor: by country when the plan says so, narrowed to their holidays. */
export function debtorPolicy(plan: JourneyPlan, place: DebtorPlace): PlanPolicy {
  let base = plan.policy;
  const country = normalCountry(place.country);
  const name = country !== undefined ? plan.policyByCountry?.[country] : undefined;
  if (name !== undefined) base = plan.policies?.[name] ?? base;
  return policyForPlace(base, place);
}
