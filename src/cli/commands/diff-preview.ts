/**
 * The rendered side of `settle diff`'s template section: each changed part of a template
 * (subject and text; HTML is left to the Liquid diff) rendered for one example record before
 * and after the change, with the SMS size and billed segments of each side.
 */
import { countSmsSegments } from '../../channels/sms-segments.js';
import type { JourneyPlan, PlanTemplate } from '../../ir/plan.js';
import type { PlanDiff, SmsSize, TemplatePreview } from '../../views/index.js';
import { renderMessage, type EnrollmentRecordLike } from '../../templates/index.js';

/** The record used when the project names none: a fictional debtor, every standard field set. */
export const BUILT_IN_RECORD: EnrollmentRecordLike = {
  debtor: {
    id: 'C-0001',
    firstName: 'Alex',
    lastName: 'Example',
    email: 'alex@example.org',
    phone: '+15555550100',
    locale: 'en',
    timezone: 'UTC',
    country: 'US',
    consent: { email: true, sms: true },
  },
  debt: {
    reference: 'INV-1001',
    amountDue: 249.5,
    currency: 'USD',
    dueDate: '2026-11-01',
    issuedAt: '2026-10-01',
    creditor: 'Example Co',
  },
  attributes: {},
};

export interface PreviewEnv {
  publicUrl: string;
  nowMs: number;
}

function templateOf(
  plans: Map<string, JourneyPlan>,
  journeys: readonly string[],
  name: string,
): PlanTemplate | undefined {
  for (const j of journeys) {
    const t = plans.get(j)?.templates[name];
    if (t) return t;
  }
  return undefined;
}

type Rendered = { text?: string; error?: string };

function renderPart(
  template: PlanTemplate | undefined,
  locale: string,
  part: 'subject' | 'text',
  record: EnrollmentRecordLike,
  env: PreviewEnv,
): Rendered {
  if (template === undefined || template.locales[locale]?.[part] === undefined) return {};
  const base = env.publicUrl.replace(/\/+$/, '');
  const timezone = typeof record.debtor.timezone === 'string' ? record.debtor.timezone : undefined;
  try {
    const msg = renderMessage(
      template,
      locale,
      record,
      { pay: `${base}/p/preview`, optOut: `${base}/u/preview` },
      { nowMs: env.nowMs, ...(timezone !== undefined && { timezone }) },
    );
    return { text: part === 'subject' ? msg.subject : msg.text.trimEnd() };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

function smsSize(text: string | undefined): SmsSize | undefined {
  return text === undefined ? undefined : countSmsSegments(text);
}

/** Previews of every changed subject and text part of the diff's shared template changes. */
export function templatePreviews(
  diff: PlanDiff,
  before: Map<string, JourneyPlan>,
  after: Map<string, JourneyPlan>,
  record: EnrollmentRecordLike,
  env: PreviewEnv,
): TemplatePreview[] {
  const out: TemplatePreview[] = [];
  for (const shared of diff.templates) {
    const name = shared.change.template;
    const b = templateOf(before, shared.journeys, name);
    const a = templateOf(after, shared.journeys, name);
    for (const p of shared.change.parts) {
      if (p.part === 'html') continue;
      const rb = renderPart(b, p.locale, p.part, record, env);
      const ra = renderPart(a, p.locale, p.part, record, env);
      const error = [rb.error && `before: ${rb.error}`, ra.error && `after: ${ra.error}`].filter(Boolean).join('; ');
      const sms = (a ?? b)?.channel === 'sms' && p.part === 'text';
      out.push({
        template: name,
        locale: p.locale,
        part: p.part,
        ...(rb.text !== undefined && { before: rb.text }),
        ...(ra.text !== undefined && { after: ra.text }),
        ...(error !== '' && { error }),
        ...(sms && { sms: { before: smsSize(rb.text), after: smsSize(ra.text) } }),
      });
    }
  }
  return out;
}
