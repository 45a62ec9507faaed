/** Shared fixtures for the template tests: a sample template, record and scope. */
import type { PlanTemplate } from '../../src/ir/plan.js';
import type { EnrollmentRecord } from '../../src/dsl/enrollment.js';
import type { TemplateScope } from '../../src/templates/index.js';

/** Intl separates with no-break spaces (U+00A0, U+202F); tests compare with plain spaces. */
export function spaces(text: string | undefined): string {
  return (text ?? '').replace(/[\u00a0\u202f]/g, ' ');
}

export const scope: TemplateScope = { attributes: { sector: 'string', openInvoices: 'int' }, links: ['optOut'] };
export const scopeWithPay: TemplateScope = { ...scope, links: ['pay', 'optOut'] };

// Typed as the real enrollment record: renderMessage must accept it as is.
export const record: EnrollmentRecord = {
  debtId: 'INV-2026-0042',
  debtor: {
    id: 'C-981',
    firstName: 'Anna',
    lastName: 'Rossi',
    email: 'anna@example.com',
    locale: 'fr-BE',
    timezone: 'Europe/Paris',
    consent: { email: true, sms: true },
  },
  debt: {
    reference: 'INV-2026-0042',
    amountDue: 420.5,
    currency: 'EUR',
    dueDate: '2026-11-01',
    issuedAt: '2026-10-01',
  },
  attributes: { sector: 'telecom' },
};

export const links = { pay: 'https://pay.example/p/tok', optOut: 'https://pay.example/u/tok' };

export function template(locales: PlanTemplate['locales'], defaultLocale = 'en'): PlanTemplate {
  return { name: 'friendly-reminder', channel: 'email', defaultLocale, locales };
}

/** 2026-11-05 10:00 UTC: four days after the sample due date. */
export const NOW = Date.parse('2026-11-05T10:00:00Z');
