/**
 * SMS length against example records: every SMS template is rendered, in each of its locales, for
 * every example record, and a warning says when the text takes more segments than the template's
 * `maxSegments` (default 2) or carries characters outside GSM-7 (which switch the whole SMS to
 * UCS-2: 70 characters a segment instead of 160). Carriers bill per segment, so this is the cost
 * of the message. Links render as `settle render` shows them (`<publicUrl>/p/preview`).
 */
import { codePointName, smsLength } from '../../core/sms-segments.js';
import type { PlanTemplate } from '../../ir/index.js';
import { renderMessage, type EnrollmentRecordLike } from '../../templates/index.js';
import type { PendingDiagnostic } from '../diagnostic.js';
import { declaredAttributes, type Project } from '../../project/project.js';
import { validateRecord } from '../../project/record.js';

/** Segments an SMS template may take when it does not say (`maxSegments`). */
export const DEFAULT_MAX_SEGMENTS = 2;

export interface ExampleRecord {
  /** As diagnostics should name it, e.g. examples/records/anna-rossi.json. */
  path: string;
  record: unknown;
}

export interface SmsExampleOptions {
  /** Base of the links in the rendered text (as `settle render`). */
  publicUrl: string;
  /** Instant of the render (debt.daysPastDue). */
  nowMs: number;
}

/** Warnings for SMS templates that example records render too long or outside GSM-7. */
export function checkSmsExamples(
  project: Project,
  examples: readonly ExampleRecord[],
  options: SmsExampleOptions,
  out: PendingDiagnostic[],
): void {
  const attributes = declaredAttributes(project);
  const records = examples.filter((e) => validateRecord(e.record, attributes).length === 0);
  if (records.length === 0) return;
  const base = options.publicUrl.replace(/\/+$/, '');
  const links = { pay: `${base}/p/preview`, optOut: `${base}/u/preview` };
  for (const [name, res] of project.templates) {
    if (!res.valid || res.doc.spec.channel !== 'sms') continue;
    const spec = res.doc.spec;
    const max = spec.maxSegments ?? DEFAULT_MAX_SEGMENTS;
    const template: PlanTemplate = { name, channel: 'sms', defaultLocale: spec.defaultLocale, locales: spec.locales };
    for (const locale of Object.keys(spec.locales)) {
      const at = ['spec', 'locales', locale, 'text'];
      let longest: { segments: number; characters: number; encoding: string; path: string } | undefined;
      let foreign: { chars: string[]; path: string } | undefined;
      for (const { path, record } of records) {
        let text: string;
        try {
          const r = record as EnrollmentRecordLike & { debtor: { timezone?: unknown } };
          const timezone = typeof r.debtor.timezone === 'string' ? r.debtor.timezone : undefined;
          text = renderMessage(template, locale, r, links, {
            nowMs: options.nowMs,
            ...(timezone !== undefined && { timezone }),
          }).text;
        } catch {
          continue; // a template that cannot render is reported by the Liquid checks
        }
        const length = smsLength(text);
        if (length.segments > max && (!longest || length.segments > longest.segments))
          longest = { segments: length.segments, characters: length.characters, encoding: length.encoding, path };
        if (length.nonGsm.length > 0 && !foreign) foreign = { chars: length.nonGsm, path };
      }
      if (longest) {
        out.push({
          file: res.file,
          severity: 'warning',
          code: 'SMS_TOO_LONG',
          message: `locale \`${locale}\` renders to ${longest.segments} SMS segments (${longest.characters} characters, ${longest.encoding}) for ${longest.path}; the template allows ${max}`,
          at,
          hint: `carriers bill every segment: shorten the text (a GSM-7 segment holds 160 characters alone, 153 when split), or raise maxSegments if the length is intended`,
        });
      }
      if (foreign) {
        const shown = foreign.chars.map((c) => `${JSON.stringify(c)} ${codePointName(c)}`).join(', ');
        out.push({
          file: res.file,
          severity: 'warning',
          code: 'SMS_NOT_GSM7',
          message: `locale \`${locale}\` renders characters outside GSM-7 for ${foreign.path}: ${shown}`,
          at,
          hint: 'one such character makes the whole SMS UCS-2 (70 characters a segment instead of 160): use plain quotes, apostrophes and letters of the GSM alphabet',
        });
      }
    }
  }
}
