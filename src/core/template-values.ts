/**
 * The record values a message needs: a send passes its activity only the values its template
 * reads (the compiler lists them per locale in `PlanTemplate.reads`, src/templates/check.ts),
 * not the whole enrollment record. Pure, so workflow-safe.
 *
 * A path copies the value it names whole (`debtor.consent` copies both flags, `attributes`
 * — a computed `attributes[key]` — every attribute); a path through a value that is not a plain
 * object copies that value whole (Liquid's `size`, `first` and `last` read it). Derived fields are
 * computed at render time from the ones they derive from (`debt.daysPastDue` from `debt.dueDate`).
 */
import type { Channel, EnrollmentData, PlanTemplate } from '../ir/index.js';
import { chooseLocale } from './locale.js';

/** The parts of an enrollment record a template can read (the shape the renderer takes). */
export interface TemplateValues {
  debtor: Record<string, unknown>;
  debt: Record<string, unknown>;
  attributes?: Record<string, unknown>;
}

/** What a derived template field is computed from (see src/templates/render.ts). */
const DERIVED_FROM: Readonly<Record<string, string>> = { 'debt.daysPastDue': 'debt.dueDate' };

type Root = 'debtor' | 'debt' | 'attributes';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Sets an own property (a key such as `__proto__` stays data, never a prototype). On the plain
 * objects built here only `__proto__` is an accessor (Object.prototype's): any other name is
 * assigned, which defines the same property.
 */
function define(target: Record<string, unknown>, name: string, value: unknown): void {
  if (name !== '__proto__') target[name] = value;
  else Object.defineProperty(target, name, { value, enumerable: true, writable: true, configurable: true });
}

function isRoot(name: string | undefined): name is Root {
  return name === 'debtor' || name === 'debt' || name === 'attributes';
}

/**
 * The record paths `reads` need, in order, with no path under another one kept (the shorter one
 * copies it whole). `links.*` and other non-record paths are left out.
 */
export function recordPaths(reads: readonly string[]): string[] {
  const wanted = [...new Set(reads.map((p) => DERIVED_FROM[p] ?? p))].filter((p) => isRoot(p.split('.')[0])).sort();
  const kept: string[] = [];
  for (const path of wanted) if (!kept.some((k) => path.startsWith(`${k}.`))) kept.push(path);
  return kept;
}

/**
 * recordPaths split at the dots, per `reads` array (a plan's arrays are read once per send); the
 * memo keeps a copy of the array it was computed from and is used only while the array still equals it.
 */
const splitPaths = new WeakMap<
  readonly string[],
  { from: readonly string[]; split: readonly (readonly [Root, ...string[]])[] }
>();

function splitRecordPaths(reads: readonly string[]): readonly (readonly [Root, ...string[]])[] {
  const memo = splitPaths.get(reads);
  if (memo && memo.from.length === reads.length && memo.from.every((p, i) => p === reads[i])) return memo.split;
  const split = recordPaths(reads).map((path) => path.split('.') as [Root, ...string[]]);
  splitPaths.set(reads, { from: [...reads], split });
  return split;
}

/** The values of `record` that `reads` name, in the record's shape (`debtor` and `debt` always present). */
export function pickTemplateValues(record: TemplateValues, reads: readonly string[]): TemplateValues {
  const out: TemplateValues = { debtor: {}, debt: {} };
  for (const [root, ...rest] of splitRecordPaths(reads)) {
    const source: unknown = record[root];
    if (!isPlainObject(source)) continue;
    if (rest.length === 0) {
      out[root] = source;
      continue;
    }
    let from: Record<string, unknown> = source;
    let to: Record<string, unknown> = out[root] ?? (out[root] = {});
    for (let i = 0; i < rest.length; i++) {
      const name = rest[i]!;
      if (!Object.hasOwn(from, name)) break;
      const value = from[name];
      if (i === rest.length - 1 || !isPlainObject(value)) {
        define(to, name, value);
        break;
      }
      const next = Object.hasOwn(to, name) ? to[name] : undefined;
      if (isPlainObject(next)) to = next;
      else {
        const created: Record<string, unknown> = {};
        define(to, name, created);
        to = created;
      }
      from = value;
    }
  }
  if (out.attributes !== undefined && Object.keys(out.attributes).length === 0) delete out.attributes;
  return out;
}

/** The Liquid sources of one locale of a template. */
export interface MessageSources {
  subject?: string;
  text: string;
  html?: string;
}

/** A send's message: its template in the one locale the debtor gets. */
export interface ChosenMessage {
  /** The template's name. */
  template: string;
  channel: Channel;
  /** The locale chosen for the debtor (chooseLocale): a key of the template's locales. */
  locale: string;
  /** That locale's sources; absent only when the template lacks its default locale (the render reports it). */
  sources?: MessageSources;
}

/** The debtor's fields a send needs besides its template's: where it goes and how it is localised. */
export interface MessageRecipient {
  /** `debtor.email` of an email, `debtor.phone` of an SMS, as the record has it. */
  address?: string;
  /** `debtor.locale`: the formatting locale, and the opt-out page's language. */
  locale?: string;
  /** `debtor.timezone`: `debt.daysPastDue` and instants in `localdate`. */
  timezone?: string;
}

/** What a send passes its activity instead of the whole template and record. */
export interface MessageParts {
  message: ChosenMessage;
  recipient: MessageRecipient;
  values: TemplateValues;
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/**
 * The message, recipient and values of a send of `template` to `record` over `channel`: the
 * locale the renderer would choose (same `chooseLocale`, same requested locale: the debtor's),
 * and the values that locale reads. `whole` (or a template without `reads`, compiled before they
 * were listed) passes the record's debtor, debt and attributes whole.
 */
export function messageParts(
  template: PlanTemplate,
  record: EnrollmentData,
  channel: Channel,
  whole = false,
): MessageParts {
  const debtor: Readonly<Record<string, unknown>> = record.debtor;
  const requested = stringOf(debtor.locale);
  const locale = chooseLocale(Object.keys(template.locales), requested, template.defaultLocale);
  const sources = Object.hasOwn(template.locales, locale) ? template.locales[locale] : undefined;
  const message: ChosenMessage = { template: template.name, channel: template.channel, locale };
  if (sources !== undefined) {
    message.sources = { text: sources.text };
    if (sources.subject !== undefined) message.sources.subject = sources.subject;
    if (sources.html !== undefined) message.sources.html = sources.html;
  }
  const recipient: MessageRecipient = {};
  const address = stringOf(channel === 'email' ? debtor.email : debtor.phone);
  if (address !== undefined) recipient.address = address;
  if (requested !== undefined) recipient.locale = requested;
  const timezone = stringOf(debtor.timezone);
  if (timezone !== undefined) recipient.timezone = timezone;
  const reads =
    whole || !template.reads ? undefined : Object.hasOwn(template.reads, locale) ? template.reads[locale] : undefined;
  const full: TemplateValues = {
    debtor: record.debtor,
    debt: record.debt,
    ...(record.attributes !== undefined && { attributes: record.attributes }),
  };
  return { message, recipient, values: reads === undefined ? full : pickTemplateValues(full, reads) };
}
