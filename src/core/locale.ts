/**
 * Which of a template's locales a debtor gets: the exact locale, else its language (fr-BE →
 * fr), else the template's default. Locale tags compare case-insensitively (BCP 47), and `_`
 * is read as `-` since CSV exports often write fr_BE. Pure, so workflow-safe: the send step
 * chooses the locale with it (and sends that locale's sources only), and the renderer
 * (src/templates/render.ts) chooses with it too.
 */

/** A locale tag as compared: trimmed, `_` read as `-`, lower case. */
export function normaliseLocaleTag(tag: string): string {
  return tag.trim().replace(/_/g, '-').toLowerCase();
}

/** The key of `available` to render for `requested`, or `defaultLocale` when none fits. */
export function chooseLocale(
  available: readonly string[],
  requested: string | undefined,
  defaultLocale: string,
): string {
  if (requested === undefined || requested.trim() === '') return defaultLocale;
  const wanted = normaliseLocaleTag(requested);
  const exact = available.find((key) => normaliseLocaleTag(key) === wanted);
  if (exact !== undefined) return exact;
  const language = wanted.split('-')[0];
  const byLanguage = available.find((key) => normaliseLocaleTag(key) === language);
  return byLanguage ?? defaultLocale;
}
