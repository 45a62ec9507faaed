/**
 * Which of a template's locales a debtor gets: the exact locale, else its language (fr-BE →
 * fr), else the template's default. Locale tags compare case-insensitively (BCP 47), and `_`
 * is read as `-` since CSV exports often write fr_BE.
 */

function normalise(tag: string): string {
  return tag.trim().replace(/_/g, '-').toLowerCase();
}

/** The key of `available` to render for `requested`, or `defaultLocale` when none fits. */
export function chooseLocale(
  available: readonly string[],
  requested: string | undefined,
  defaultLocale: string,
): string {
  if (requested === undefined || requested.trim() === '') return defaultLocale;
  const wanted = normalise(requested);
  const exact = available.find((key) => normalise(key) === wanted);
  if (exact !== undefined) return exact;
  const language = wanted.split('-')[0];
  const byLanguage = available.find((key) => normalise(key) === language);
  return byLanguage ?? defaultLocale;
}

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
