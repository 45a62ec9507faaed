/** The simulator bills an SMS per segment of its rendered text, in either input shape of a send. */
import { describe, expect, it } from 'vitest';
import type { FullSendInput, SendInput } from '../../src/workflows/contract.js';
import { countSmsSegments } from '../../src/core/sms-segments.js';
import { messageParts } from '../../src/core/template-values.js';
import type { EnrollmentData, PlanTemplate } from '../../src/ir/index.js';
import { smsSegmentsOf } from '../../src/simulate/sms-billing.js';

const template: PlanTemplate = {
  name: 'reminder-sms',
  channel: 'sms',
  defaultLocale: 'en',
  locales: {
    en: { text: 'Hi {{ debtor.firstName }}, {{ debt.amountDue | money: debt.currency }} is due. {{ links.pay }} STOP' },
    fr: {
      text: `Bonjour {{ debtor.firstName }}, {{ debt.amountDue | money: debt.currency }} à régler. ${'Merci. '.repeat(20)}{{ links.pay }} STOP`,
    },
  },
};

function record(locale: string): EnrollmentData {
  return {
    debtId: 'D-1',
    debtor: { id: 'C-1', firstName: 'Anna', phone: '+33612345678', locale, timezone: 'Europe/Paris' },
    debt: { reference: 'D-1', amountDue: 1420.5, currency: 'EUR', dueDate: '2026-11-01' },
  } as EnrollmentData;
}

const context = { key: 'w/s/1', workflowId: 'w', journey: 'j', version: 1, step: 's', debtId: 'D-1', nowMs: 0 };

describe('smsSegmentsOf', () => {
  it('counts the segments of the rendered text, in GSM-7 despite the French amount', () => {
    const fr: SendInput = { ...context, channel: 'sms', ...messageParts(template, record('fr'), 'sms') };
    const text = `Bonjour Anna, 1 420,50 € à régler. ${'Merci. '.repeat(20)}http://127.0.0.1:8080/p/preview STOP`;
    expect(countSmsSegments(text)).toMatchObject({ encoding: 'GSM-7', segments: 2 });
    expect(smsSegmentsOf(fr)).toBe(2);
    const en: SendInput = { ...context, channel: 'sms', ...messageParts(template, record('en'), 'sms') };
    expect(smsSegmentsOf(en)).toBe(1);
  });

  it('reads the older input shape (whole template and record) the same way', () => {
    const full: FullSendInput = { ...context, channel: 'sms', template, enrollment: record('fr') };
    expect(smsSegmentsOf(full)).toBe(2);
  });

  it('counts longer links: the public URL is part of the text', () => {
    const en: SendInput = { ...context, channel: 'sms', ...messageParts(template, record('en'), 'sms') };
    expect(smsSegmentsOf(en, `https://${'x'.repeat(150)}.example`)).toBe(2);
  });
});
