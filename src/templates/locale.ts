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
  const wanted = requested.trim().replace(/_/g, '-');
  if (normalise(wanted).split('-')[0] !== normalise(chosen).split('-')[0]) return chosen;
  try {
    return Intl.getCanonicalLocales(wanted)[0] ?? chosen;
  } catch {
    return chosen;
  }
}
