/**
 * Locale-aware Liquid filters: `money`, `localdate` and `number`. They format with Intl in the
 * locale of the current render (see format-context.ts), so one template source serves every
 * debtor. Missing values render as '' (Liquid's convention); wrong ones throw, and the renderer
 * reports which template, locale and part failed rather than sending a garbled message.
 */
import type { Context, Liquid } from 'liquidjs';
import { formatSettingsOf, type FormatSettings } from './format-context.js';
import { gsm7Formatting } from './gsm-text.js';
import { LruCache } from './lru.js';

/** What liquidjs binds `this` to in a filter (its FilterImpl type is not exported). */
interface FilterImpl {
  context: Context;
}

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_STYLES = ['short', 'medium', 'long', 'full'] as const;
type DateStyle = (typeof DATE_STYLES)[number];

// Building an Intl formatter costs far more than using one; keys are locale × options.
const numberFormats = new LruCache<string, Intl.NumberFormat>(256);
const dateFormats = new LruCache<string, Intl.DateTimeFormat>(256);

function numberFormat(locale: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  return numberFormats.getOrCreate(
    `${locale}|${JSON.stringify(options)}`,
    () => new Intl.NumberFormat(locale, options),
  );
}

/** numberFormat(locale, { style: 'currency', currency }), keyed without serialising the options. */
const currencyFormats = new LruCache<string, Intl.NumberFormat>(256);
function currencyFormat(locale: string, currency: string): Intl.NumberFormat {
  return currencyFormats.getOrCreate(`${locale}|${currency}`, () =>
    numberFormat(locale, { style: 'currency', currency }),
  );
}

function dateFormat(locale: string, style: DateStyle, timeZone: string): Intl.DateTimeFormat {
  return dateFormats.getOrCreate(
    `${locale}|${style}|${timeZone}`,
    () => new Intl.DateTimeFormat(locale, { dateStyle: style, timeZone }),
  );
}

/** What a filter writes: in an SMS, with GSM-7 spaces and dashes (see gsm-text.ts). */
function out(settings: FormatSettings, text: string): string {
  return settings.sms ? gsm7Formatting(text) : text;
}

function isMissing(value: unknown): value is null | undefined | '' {
  return value === null || value === undefined || value === '';
}

function toNumber(filter: string, value: unknown): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  if (!Number.isFinite(n)) throw new TypeError(`${filter}: expected a number, got ${JSON.stringify(value)}`);
  return n;
}

/** `{{ debt.amountDue | money: debt.currency }}` → "€420.50" (en), "420,50 €" (fr). */
export function money(this: FilterImpl, value: unknown, currency?: unknown): string {
  if (isMissing(value)) return '';
  const amount = toNumber('money', value);
  if (typeof currency !== 'string' || !/^[A-Za-z]{3}$/.test(currency)) {
    throw new TypeError(
      `money: needs an ISO 4217 currency code, e.g. "money: debt.currency" (got ${JSON.stringify(currency)})`,
    );
  }
  const settings = formatSettingsOf(this.context);
  return out(settings, currencyFormat(settings.locale, currency.toUpperCase()).format(amount));
}

/** `{{ 1234.5 | number }}` → "1,234.5" (en); `{{ x | number: 2 }}` fixes the fraction digits. */
export function number(this: FilterImpl, value: unknown, fractionDigits?: unknown): string {
  if (isMissing(value)) return '';
  const n = toNumber('number', value);
  const settings = formatSettingsOf(this.context);
  const { locale } = settings;
  if (fractionDigits === undefined || fractionDigits === null) return out(settings, numberFormat(locale, {}).format(n));
  const digits = Number(fractionDigits);
  if (!Number.isInteger(digits) || digits < 0 || digits > 20) {
    throw new RangeError(
      `number: fraction digits must be an integer from 0 to 20, got ${JSON.stringify(fractionDigits)}`,
    );
  }
  return out(
    settings,
    numberFormat(locale, { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(n),
  );
}

/** A 'YYYY-MM-DD' calendar date as the UTC midnight of that day, or undefined if it is not one. */
function calendarDate(value: string): Date | undefined {
  const m = DATE_ONLY.exec(value);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  date.setUTCFullYear(y); // Date.UTC maps years 0–99 to 1900–1999
  const valid = date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
  if (!valid) throw new RangeError(`localdate: ${JSON.stringify(value)} is not a calendar date`);
  return date;
}

/**
 * `{{ debt.dueDate | localdate }}` → "November 1, 2026" (en), "1 novembre 2026" (fr). A
 * 'YYYY-MM-DD' string is a calendar date and is never shifted by a time zone; instants (Date,
 * epoch milliseconds, ISO date-times) are shown in the render's time zone.
 */
export function localdate(this: FilterImpl, value: unknown, style?: unknown): string {
  if (isMissing(value)) return '';
  const dateStyle = style === undefined || style === null ? 'long' : style;
  if (!DATE_STYLES.includes(dateStyle as DateStyle)) {
    throw new RangeError(`localdate: style must be one of ${DATE_STYLES.join(', ')}, got ${JSON.stringify(style)}`);
  }
  const settings = formatSettingsOf(this.context);
  const { locale, timeZone } = settings;
  const day = typeof value === 'string' ? calendarDate(value) : undefined;
  if (day) return out(settings, dateFormat(locale, dateStyle as DateStyle, 'UTC').format(day));
  const instant =
    value instanceof Date
      ? value
      : typeof value === 'number' || typeof value === 'string'
        ? new Date(value)
        : undefined;
  if (!instant || Number.isNaN(instant.getTime()))
    throw new TypeError(`localdate: expected a date, got ${JSON.stringify(value)}`);
  return out(settings, dateFormat(locale, dateStyle as DateStyle, timeZone).format(instant));
}

/** The formatting filters by name (the compiler's checks list them next to Liquid's own). */
export const LOCALE_FILTERS = { money, number, localdate } as const;

export function registerLocaleFilters(liquid: Liquid): void {
  for (const [name, handler] of Object.entries(LOCALE_FILTERS)) liquid.registerFilter(name, handler);
}
