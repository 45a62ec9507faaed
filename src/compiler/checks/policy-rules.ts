/**
 * Policy checks that need data or reasoning beyond the schema:
 *
 * - UNKNOWN_COUNTRY / UNKNOWN_REGION (error): every `holidays.country` (one or a list) must have
 *   data in the holiday library, `holidays.region` must be one of its regions (state codes, e.g.
 *   BY for Bavaria), and only with a single country (a list follows each debtor's region).
 * - Caps. The schema already refuses the caps no send could ever satisfy (`max` below 1, a zero
 *   or malformed `per`, no channel, a channel listed twice). With `max ≥ 1` every cap can be
 *   met by waiting, so what is left is ambiguity and dead rules:
 *   - DUPLICATE_CAP (error): two caps on the same channels over the same period; whichever is
 *     stricter silently wins, so say which one you mean.
 *   - CAP_REDUNDANT (warning): a cap another cap makes unreachable (the other counts at least
 *     the same channels, over at least as long, allowing at most as many): every send it would
 *     stop is stopped first by the other one (unless it defers and the other skips: waiting
 *     for it can clear the other).
 */
import type { Policy } from '../../dsl/index.js';
import { parseDuration } from '../../core/duration.js';
import type { PendingDiagnostic } from '../diagnostic.js';
import { holidayCountries, holidayRegions } from '../holidays.js';
import { closestName } from '../../core/suggest.js';

type Report = (code: string, message: string, at: (string | number)[], hint: string) => void;

/** Codes people write for a country that ISO 3166-1 spells differently. */
const COUNTRY_ALIASES: Readonly<Record<string, string>> = { UK: 'GB', EL: 'GR', EN: 'GB' };

export function checkHolidayPlace(doc: Policy, err: Report): void {
  const h = doc.spec.holidays;
  if (!h) return;
  const countries = holidayCountries();
  const list = Array.isArray(h.country);
  const named = h.country === undefined ? [] : Array.isArray(h.country) ? h.country : [h.country];
  named.forEach((country, i) => {
    if (country in countries) return;
    const alias = COUNTRY_ALIASES[country];
    const sameLetter = Object.keys(countries).filter((c) => c[0] === country[0]);
    err(
      'UNKNOWN_COUNTRY',
      `no public-holiday data for country \`${country}\``,
      list ? ['spec', 'holidays', 'country', i] : ['spec', 'holidays', 'country'],
      alias
        ? `did you mean \`${alias}\` (${countries[alias]})?`
        : sameLetter.length > 0
          ? `known countries starting with ${country[0]}: ${sameLetter.join(', ')}`
          : `use an ISO 3166-1 alpha-2 code with holiday data (${Object.keys(countries).length} known), e.g. FR, DE, NL, US`,
    );
  });
  const region = typeof h.region === 'string' ? h.region : undefined;
  if (region === undefined) return;
  if (list) {
    err(
      'UNKNOWN_REGION',
      `region \`${region}\` with a list of countries`,
      ['spec', 'holidays', 'region'],
      'with a list, each debtor gets the holidays of their own region (debtor.region): remove `region`, or name one country',
    );
    return;
  }
  const country = named[0];
  if (country === undefined) {
    err(
      'UNKNOWN_REGION',
      `region \`${region}\` without a country`,
      ['spec', 'holidays', 'region'],
      'set `holidays.country` too: regions are looked up within a country',
    );
    return;
  }
  if (!(country in countries)) return;
  const regions = holidayRegions(country);
  if (region in regions) return;
  const codes = Object.keys(regions);
  const byName = codes.find((c) => regions[c]!.toLowerCase() === region.toLowerCase());
  const prefixed =
    region.startsWith(`${country}-`) && region.slice(country.length + 1) in regions
      ? region.slice(country.length + 1)
      : undefined;
  const guess = byName ?? prefixed ?? closestName(region, codes);
  err(
    'UNKNOWN_REGION',
    `country ${country} has no holiday region \`${region}\``,
    ['spec', 'holidays', 'region'],
    guess !== undefined
      ? `did you mean \`${guess}\` (${regions[guess]})?`
      : codes.length === 0
        ? `the holiday data has no regions for ${country}: remove \`region\``
        : `known regions of ${country}: ${codes.map((c) => `${c} (${regions[c]})`).join(', ')}`,
  );
}

interface CapFacts {
  channels: string[];
  max: number;
  perMs: number;
  onExceed: 'defer' | 'skip';
  /** Counts every debt of the debtor (scope: debtor), not only the asking debt. */
  debtor: boolean;
  label: string;
}

export function checkCaps(doc: Policy, out: PendingDiagnostic[], file: string): void {
  const caps: CapFacts[] = (doc.spec.frequencyCaps ?? []).map((c) => {
    const perMs = parseDuration(c.per) ?? NaN;
    const channels = [...new Set(c.channels)].sort();
    return {
      channels,
      max: c.max,
      perMs,
      onExceed: c.onExceed ?? 'defer',
      debtor: c.scope === 'debtor',
      label: `${channels.join('+')} ≤ ${c.max} per ${c.per}${c.scope === 'debtor' ? ' (debtor-wide)' : ''}`,
    };
  });
  const gapMs = doc.spec.minGap !== undefined ? (parseDuration(doc.spec.minGap) ?? NaN) : NaN;
  const reported = new Set<number>();
  caps.forEach((b, j) => {
    if (Number.isNaN(b.perMs)) return;
    for (let i = 0; i < caps.length && !reported.has(j); i++) {
      const a = caps[i]!;
      if (i === j || Number.isNaN(a.perMs)) continue;
      const sameScope = a.perMs === b.perMs && a.channels.join() === b.channels.join() && a.debtor === b.debtor;
      if (sameScope && i < j) {
        reported.add(j);
        out.push({
          file,
          severity: 'error',
          code: 'DUPLICATE_CAP',
          at: ['spec', 'frequencyCaps', j],
          message: `frequency caps ${a.label} and ${b.label} count the same channels over the same period`,
          hint: 'keep one cap per channels and period: the stricter one would silently win',
        });
      } else if (
        !sameScope &&
        b.channels.every((c) => a.channels.includes(c)) &&
        // A debtor-wide cap counts more than a per-debt one: it can make the per-debt one useless, not the reverse.
        (a.debtor || !b.debtor) &&
        a.perMs >= b.perMs &&
        a.max <= b.max &&
        // A deferring cap under a skipping one still matters: waiting for it may clear the other.
        !(a.onExceed === 'skip' && b.onExceed === 'defer')
      ) {
        reported.add(j);
        out.push({
          file,
          severity: 'warning',
          code: 'CAP_REDUNDANT',
          at: ['spec', 'frequencyCaps', j],
          message: `frequency cap ${b.label} never applies: ${a.label} stops every send it would stop`,
          hint: 'remove it, or make it stricter than the other cap (a lower max or a longer period)',
        });
      }
    }
  });
  // The minimum gap lets one message through per gap, on every channel of every debt: a cap over
  // a period no longer than the gap can never hold more than that one.
  if (!Number.isNaN(gapMs))
    caps.forEach((b, j) => {
      if (reported.has(j) || Number.isNaN(b.perMs) || b.perMs > gapMs) return;
      out.push({
        file,
        severity: 'warning',
        code: 'CAP_REDUNDANT',
        at: ['spec', 'frequencyCaps', j],
        message: `frequency cap ${b.label} never applies: the minimum gap of ${doc.spec.minGap} between two messages stops every send it would stop`,
        hint: 'remove it, or give it a period longer than minGap',
      });
    });
}
