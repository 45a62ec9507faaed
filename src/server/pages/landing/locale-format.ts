/**
 * Amounts and dates on the payment page, formatted with Intl for the debtor's locale the way the
 * message templates' `money` and `localdate` filters do (420,50 € in fr, €420.50 in en): the
 * page shows the same figures as the email that led to it.
 */
import { LruCache } from '../../../templates/lru.js';
import type { Language } from './texts.js';

const numberFormats = new LruCache<string, Intl.NumberFormat>(128);
const dateFormats = new LruCache<string, Intl.DateTimeFormat>(64);

/**
 * The Intl locale: the debtor's own (fr-BE, nl-BE) when it is a valid tag of the page's
 * language, else the language itself.
 */
export function formatLocale(locale: string | undefined, language: Language): string {
  if (!locale) return language;
  try {
    const [canonical] = Intl.getCanonicalLocales(locale);
    return canonical && canonical.toLowerCase().split('-')[0] === language ? canonical : language;
  } catch {
    return language;
  }
}

export function formatMoney(amount: number, currency: string, locale: string): string {
  const code = currency.toUpperCase();
  const format = numberFormats.getOrCreate(
    `${locale}|${code}`,
    () => new Intl.NumberFormat(locale, { style: 'currency', currency: code }),
  );
  return format.format(amount);
}

/** A 'YYYY-MM-DD' due date as a calendar day ("1 novembre 2026"), never shifted by a time zone. */
export function formatDueDate(date: string, locale: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return date;
  const day = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  if (Number.isNaN(day.getTime())) return date;
  const format = dateFormats.getOrCreate(
    locale,
    () => new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }),
  );
  return format.format(day);
}
