/**
 * Locale choice for templates. Which locale a debtor gets is decided by `chooseLocale` in
 * src/core/locale.ts (workflow-safe: the send step chooses with it too, so both always agree);
 * this file adds the locale Intl formats with.
 */
import { chooseLocale, normaliseLocaleTag as normalise } from '../core/locale.js';

export { chooseLocale };

/**
 * The locale Intl formats with: the debtor's own (fr-BE) when the chosen template is in its
 * language, so numbers and dates follow regional conventions, else the template's locale
 * (an English fallback text should not carry German number formats).
 */
export function formattingLocale(chosen: string, requested: string | undefined): string {
  if (requested === undefined) return chosen;
  // Memoised by chosen, then requested (a render asks once per message; both come from few values).
  let byRequested = formatting.get(chosen);
  let locale = byRequested?.get(requested);
  if (locale === undefined) {
    locale = computeFormattingLocale(chosen, requested);
    if (!byRequested) {
      if (formatting.size >= 1000) formatting.clear();
      byRequested = new Map();
      formatting.set(chosen, byRequested);
    } else if (byRequested.size >= 1000) byRequested.clear();
    byRequested.set(requested, locale);
  }
  return locale;
}

const formatting = new Map<string, Map<string, string>>();

function computeFormattingLocale(chosen: string, requested: string): string {
  const wanted = requested.trim().replace(/_/g, '-');
  if (normalise(wanted).split('-')[0] !== normalise(chosen).split('-')[0]) return chosen;
  try {
    return Intl.getCanonicalLocales(wanted)[0] ?? chosen;
  } catch {
    return chosen;
  }
}
