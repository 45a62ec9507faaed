/**
 * Renders one message of a compiled template for one debt, at send time (activities) and in
 * `settle render` previews. Picks the locale, builds the Liquid scope (debtor, debt with the
 * derived daysPastDue, attributes, links), HTML-escapes HTML parts only, and memoises parsed
 * templates per source because this runs once per send.
 */
import type { Liquid, Template } from 'liquidjs';
import type { PlanTemplate } from '../ir/plan.js';
import { isValidTimeZone } from '../core/timezone.js';
import { daysPastDue } from './days.js';
import { createLiquid } from './engine.js';
import { formatRenderOptions, type FormatSettings } from './format-context.js';
import { chooseLocale, formattingLocale } from './locale.js';
import { LruCache } from './lru.js';

/** The parts of a localised template; `subject` is email only, `html` optional. */
export type TemplatePart = 'subject' | 'text' | 'html';

/**
 * The enrollment data a template reads. Deliberately loose (any EnrollmentRecord, validated
 * upstream, fits): `debtor.locale` and `debt.dueDate` are read when they are strings.
 */
export interface EnrollmentRecordLike {
  debtor: Readonly<Record<string, unknown>>;
  debt: Readonly<Record<string, unknown>>;
  attributes?: Readonly<Record<string, unknown>>;
}

function stringField(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export interface MessageLinks {
  pay?: string;
  optOut: string;
}

export interface RenderMessageOptions {
  /** The instant of the send, for `debt.daysPastDue`. */
  nowMs: number;
  /** The debtor's IANA time zone (default UTC), for daysPastDue and instants in `localdate`. */
  timezone?: string;
}

export interface RenderedMessage {
  /** The template locale that was rendered (a key of the template's `locales`). */
  locale: string;
  subject?: string;
  text: string;
  html?: string;
}

/** A part failed to parse or render: names the template, locale and part, keeps the cause. */
export class TemplateRenderError extends Error {
  override readonly name = 'TemplateRenderError';
  constructor(
    readonly template: string,
    readonly locale: string,
    readonly part: TemplatePart,
    cause: unknown,
  ) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`template "${template}" (locale ${locale}, ${part}): ${reason}`, { cause });
  }
}

export interface RendererOptions {
  /** How many parsed sources to keep (text and HTML parts together); default 500. */
  cacheSize?: number;
}

export interface Renderer {
  render(
    template: PlanTemplate,
    requestedLocale: string | undefined,
    record: EnrollmentRecordLike,
    links: MessageLinks,
    opts: RenderMessageOptions,
  ): RenderedMessage;
  /** Parsed-template cache counters (hits/misses across text and HTML parts). */
  cacheStats(): { size: number; hits: number; misses: number };
}

function assertTimeZone(timeZone: string): void {
  // Memoised by zone: building an Intl.DateTimeFormat per message cost more than rendering it.
  if (!isValidTimeZone(timeZone)) {
    throw new RangeError(
      `renderMessage: unknown time zone ${JSON.stringify(timeZone)} (expected an IANA name such as Europe/Paris)`,
    );
  }
}

/** A renderer with its own engines and parse cache (tests and tools; the app uses renderMessage). */
export function createRenderer(options: RendererOptions = {}): Renderer {
  const engines: Record<'plain' | 'html', Liquid> = { plain: createLiquid(), html: createLiquid({ html: true }) };
  const parsed = new LruCache<string, Template[]>(options.cacheSize ?? 500);

  function renderPart(kind: 'plain' | 'html', source: string, scope: object, settings: FormatSettings): string {
    const engine = engines[kind];
    const templates = parsed.getOrCreate(`${kind}\u0000${source}`, () => engine.parse(source));
    return String(engine.renderSync(templates, scope, formatRenderOptions(settings)));
  }

  function render(
    template: PlanTemplate,
    requestedLocale: string | undefined,
    record: EnrollmentRecordLike,
    links: MessageLinks,
    opts: RenderMessageOptions,
  ): RenderedMessage {
    const requested = requestedLocale ?? stringField(record.debtor.locale);
    const locale = chooseLocale(Object.keys(template.locales), requested, template.defaultLocale);
    const sources = Object.hasOwn(template.locales, locale) ? template.locales[locale] : undefined;
    if (!sources) {
      const missing = new Error(`no "${locale}" locale (the default locale must exist)`);
      throw new TemplateRenderError(template.name, locale, 'text', missing);
    }
    const timeZone = opts.timezone ?? 'UTC';
    assertTimeZone(timeZone);
    const settings = {
      locale: formattingLocale(locale, requested),
      timeZone,
      ...(template.channel === 'sms' && { sms: true }),
    };
    const scope = {
      debtor: record.debtor,
      debt: { ...record.debt, daysPastDue: daysPastDue(stringField(record.debt.dueDate) ?? '', opts.nowMs, timeZone) },
      attributes: record.attributes ?? {},
      links: links.pay === undefined ? { optOut: links.optOut } : { pay: links.pay, optOut: links.optOut },
    };
    const part = (name: TemplatePart, kind: 'plain' | 'html', source: string): string => {
      try {
        return renderPart(kind, source, scope, settings);
      } catch (error) {
        throw new TemplateRenderError(template.name, locale, name, error);
      }
    };
    const message: RenderedMessage = { locale, text: part('text', 'plain', sources.text) };
    if (sources.subject !== undefined) message.subject = part('subject', 'plain', sources.subject);
    if (sources.html !== undefined) message.html = part('html', 'html', sources.html);
    return message;
  }

  return { render, cacheStats: () => parsed.stats() };
}

const shared = createRenderer();

/** Renders `template` for `record` in the best locale for `requestedLocale` (default: the debtor's). */
export function renderMessage(
  template: PlanTemplate,
  requestedLocale: string | undefined,
  record: EnrollmentRecordLike,
  links: MessageLinks,
  opts: RenderMessageOptions,
): RenderedMessage {
  return shared.render(template, requestedLocale, record, links, opts);
}
