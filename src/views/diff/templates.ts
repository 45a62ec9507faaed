/**
 * Template comparison for `settle diff`: a journey's plan embeds the templates it sends, so a
 * wording change is a plan change. Reported per template, per locale, per part (subject, text,
 * html) as a line diff, since reviewers of dunning copy care about the exact words.
 */
import type { PlanTemplate } from '../../ir/plan.js';
import type { FieldChange, TemplateChange, TemplatePartChange } from './types.js';
import { diffLines } from '../line-diff.js';

const PARTS = ['subject', 'text', 'html'] as const;

function diffParts(before: PlanTemplate | undefined, after: PlanTemplate | undefined): TemplatePartChange[] {
  const locales = [...new Set([...Object.keys(before?.locales ?? {}), ...Object.keys(after?.locales ?? {})])].sort();
  const out: TemplatePartChange[] = [];
  for (const locale of locales) {
    const b = before?.locales[locale];
    const a = after?.locales[locale];
    for (const part of PARTS) {
      const old = b?.[part];
      const now = a?.[part];
      if (old === now) continue;
      const status = old === undefined ? 'added' : now === undefined ? 'removed' : 'changed';
      out.push({ locale, part, status, lines: diffLines(old ?? '', now ?? '') });
    }
  }
  return out;
}

function diffTemplate(name: string, before?: PlanTemplate, after?: PlanTemplate): TemplateChange | undefined {
  const fields: FieldChange[] = [];
  if (before && after) {
    if (before.channel !== after.channel)
      fields.push({ field: 'channel', before: before.channel, after: after.channel });
    if (before.defaultLocale !== after.defaultLocale) {
      fields.push({ field: 'default locale', before: before.defaultLocale, after: after.defaultLocale });
    }
  }
  const parts = diffParts(before, after);
  const status = before === undefined ? 'added' : after === undefined ? 'removed' : 'changed';
  if (status === 'changed' && fields.length === 0 && parts.length === 0) return undefined;
  return { template: name, status, fields, parts };
}

/** Changed, added and removed templates of one journey's plan, by template name. */
export function diffTemplates(
  before: Record<string, PlanTemplate>,
  after: Record<string, PlanTemplate>,
): TemplateChange[] {
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  const out: TemplateChange[] = [];
  for (const name of names) {
    const change = diffTemplate(name, before[name], after[name]);
    if (change) out.push(change);
  }
  return out;
}
