/**
 * The locale and time zone of one render, handed to the formatting filters. They travel in the
 * render's `globals` under a Symbol key: per render (one engine serves every debtor), invisible
 * to templates (Liquid paths cannot name a Symbol), and never mixed with the debtor's data.
 */
import type { Context, RenderOptions } from 'liquidjs';

export interface FormatSettings {
  /** BCP 47 locale used by Intl, e.g. "fr-BE". */
  locale: string;
  /** IANA time zone for instants (calendar dates such as "2026-11-01" ignore it). */
  timeZone: string;
  /** An SMS body: numbers and dates keep to the GSM-7 alphabet where the locale allows (gsm-text.ts). */
  sms?: boolean;
}

const FORMAT = Symbol('settle.format');
const FALLBACK: FormatSettings = { locale: 'en', timeZone: 'UTC' };

/** Render options that carry `settings` to the filters (pass to `Liquid#renderSync`). */
export function formatRenderOptions(settings: FormatSettings): RenderOptions {
  return { globals: { [FORMAT]: settings } };
}

/** The settings of the render `ctx` belongs to; English/UTC when the caller gave none. */
export function formatSettingsOf(ctx: Context): FormatSettings {
  const globals = ctx.globals as Record<symbol, unknown>;
  const found = globals[FORMAT] as FormatSettings | undefined;
  return found ?? FALLBACK;
}
