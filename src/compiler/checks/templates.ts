/**
 * Template checks: Liquid syntax and variables per locale and part, the default locale, opt-out
 * presence (links.optOut in every email part, the STOP keyword in every SMS), and — per journey —
 * payment links and a consistent set of locales across the templates a journey sends.
 */
import { authoredSends } from '../sends.js';
import type { Journey, Template } from '../../dsl/index.js';
import { checkLiquid, smsOptOutPresent } from '../../templates/index.js';
import type { PendingDiagnostic } from '../diagnostic.js';
import type { Project, Resource } from '../../project/project.js';
import { attributeReads, declaredAttributes, doubtfulReads } from '../../project/project.js';

export interface TemplateInfo {
  usesPay: boolean;
  attributesUsed: Set<string>;
  hasErrors: boolean;
  /** Per locale, the record paths its parts read (`links.*` left out): PlanTemplate.reads. */
  reads: Record<string, string[]>;
}

const CODES = {
  syntax: 'LIQUID_SYNTAX',
  'unknown-variable': 'UNKNOWN_VARIABLE',
  'unknown-filter': 'UNKNOWN_FILTER',
} as const;
const DEFAULT_SMS_KEYWORD = 'STOP';

export function checkTemplate(res: Resource<Template>, project: Project, out: PendingDiagnostic[]): TemplateInfo {
  const { file, doc } = res;
  const info: TemplateInfo = { usesPay: false, attributesUsed: new Set(), hasErrors: false, reads: {} };
  const push = (d: Omit<PendingDiagnostic, 'file' | 'severity'>) => {
    info.hasErrors = true;
    out.push({ file, severity: 'error', ...d });
  };
  const attributes = declaredAttributes(project);
  const locales = doc.spec.locales as Record<string, Record<string, string | undefined>>;
  for (const [locale, parts] of Object.entries(locales)) {
    const reads = new Set<string>();
    for (const [part, source] of Object.entries(parts)) {
      if (typeof source !== 'string') continue;
      const at = ['spec', 'locales', locale, part];
      // Attributes whose declaration is broken are declared here all the same (as strings, which
      // allow the most), so their one error is not repeated at every use.
      const doubtful = Object.fromEntries(
        doubtfulReads(project, attributeReads(source)).map((n) => [n, 'string' as const]),
      );
      const { issues, variables } = checkLiquid(source, {
        attributes: { ...attributes, ...doubtful },
        links: ['pay', 'optOut'],
      });
      for (const issue of issues) {
        push({
          code: CODES[issue.kind],
          message: issue.message,
          at,
          offsetInValue: issue.offset,
          ...(issue.hint !== undefined && { hint: issue.hint }),
        });
      }
      for (const v of variables) {
        if (!v.startsWith('links.')) reads.add(v);
        if (v === 'links.pay') info.usesPay = true;
        if (v.startsWith('attributes.')) info.attributesUsed.add(v.split('.')[1]!);
      }
      const unparsable = issues.some((x) => x.kind === 'syntax');
      if (
        !unparsable &&
        doc.spec.channel === 'email' &&
        (part === 'text' || part === 'html') &&
        !variables.includes('links.optOut')
      ) {
        push({
          code: 'MISSING_OPT_OUT',
          message: `the ${part} of locale \`${locale}\` has no opt-out link`,
          at,
          hint: 'add `{{ links.optOut }}` (e.g. "Stop these emails: {{ links.optOut }}"): every email must offer one',
        });
      }
    }
    info.reads[locale] = [...reads].sort();
  }
  if (!(doc.spec.defaultLocale in locales)) {
    push({
      code: 'MISSING_DEFAULT_LOCALE',
      message: `default locale \`${doc.spec.defaultLocale}\` has no content`,
      at: ['spec', 'defaultLocale'],
      hint: `add a \`${doc.spec.defaultLocale}:\` entry under locales, or set defaultLocale to one of ${Object.keys(locales).join(', ')}`,
    });
  }
  return info;
}

/** Opt-out keywords each SMS template must carry, per locale: from the policies of the journeys that send it. */
export function checkSmsOptOut(
  project: Project,
  keywordsByTemplate: Map<string, Set<Record<string, string> | undefined>>,
  out: PendingDiagnostic[],
): Set<string> {
  const failed = new Set<string>();
  for (const [name, res] of project.templates) {
    if (res.doc.spec.channel !== 'sms') continue;
    const policies = keywordsByTemplate.get(name) ?? new Set([undefined]);
    for (const [locale, content] of Object.entries(res.doc.spec.locales)) {
      const keywords = new Set<string>();
      for (const p of policies) keywords.add(p?.[locale] ?? p?.[locale.split('-')[0]!] ?? DEFAULT_SMS_KEYWORD);
      for (const kw of keywords) {
        if (!smsOptOutPresent(content.text, kw)) {
          failed.add(name);
          out.push({
            file: res.file,
            severity: 'error',
            code: 'MISSING_OPT_OUT',
            message: `the SMS text of locale \`${locale}\` does not tell how to opt out with ${kw}`,
            at: ['spec', 'locales', locale, 'text'],
            hint: `add an instruction with the word ${kw}, e.g. "Reply ${kw} to opt out"`,
          });
        }
      }
    }
  }
  return failed;
}

/** Journey-level template checks: payment links, and one set of locales for all its templates. */
export function checkJourneyTemplates(
  file: string,
  journey: Journey,
  project: Project,
  infos: Map<string, TemplateInfo>,
  out: PendingDiagnostic[],
): void {
  const used: string[] = [];
  for (const send of authoredSends(journey)) {
    const info = infos.get(send.template);
    if (!info) continue;
    used.push(send.template);
    if (info.usesPay && !send.paymentLink) {
      out.push({
        file,
        severity: 'error',
        code: 'PAYMENT_LINK_REQUIRED',
        message: `template \`${send.template}\` uses {{ links.pay }}, but step \`${send.stepId}\` creates no payment link`,
        at: send.at ?? ['spec', 'steps', send.index, ...send.templateField],
        hint:
          send.at !== undefined
            ? 'add `paymentLink: true` to this reminder'
            : 'add `paymentLink: true` to this send step',
      });
    }
  }
  const names = [...new Set(used)];
  const all = new Map<string, string>(); // locale -> a template that has it
  for (const n of names)
    for (const l of Object.keys(project.templates.get(n)!.doc.spec.locales)) if (!all.has(l)) all.set(l, n);
  for (const n of names) {
    const res = project.templates.get(n)!;
    for (const [locale, other] of all) {
      if (!(locale in res.doc.spec.locales)) {
        out.push({
          file: res.file,
          severity: 'error',
          code: 'MISSING_LOCALE',
          message: `template \`${n}\` has no \`${locale}\` locale, but \`${other}\` (also sent by journey \`${journey.metadata.name}\`) has`,
          at: ['spec', 'locales'],
          onKey: true,
          hint: `add a \`${locale}:\` entry so debtors who read ${locale} get every message of the journey in their language`,
        });
      }
    }
  }
}
