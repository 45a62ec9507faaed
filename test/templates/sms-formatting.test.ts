/**
 * SMS bodies keep to GSM-7 where the locale allows: the money, number and localdate filters
 * write plain spaces and hyphens in an SMS (fr/nl amounts otherwise carry U+202F/U+00A0 and force
 * UCS-2), emails keep Intl's typography, and a character the locale needs (zł) stays.
 */
import { describe, expect, it } from 'vitest';
import { countSmsSegments, isGsm7, smsLength } from '../../src/core/sms-segments.js';
import type { PlanTemplate } from '../../src/ir/plan.js';
import { createLiquid, formatRenderOptions, renderMessage } from '../../src/templates/index.js';
import { gsm7Formatting } from '../../src/templates/gsm-text.js';
import { links, NOW, record } from './helpers.js';

const liquid = createLiquid();
const raw = (source: string, locale: string, sms: boolean, data: object = {}) =>
  liquid.parseAndRenderSync(source, data, formatRenderOptions({ locale, timeZone: 'UTC', sms })) as string;

const FR_SMS =
  'Telco Nova : Bonjour {{ debtor.firstName }}, votre facture {{ debt.reference }} ({{ debt.amountDue | money: debt.currency }}) est à régler avant le {{ debt.dueDate | localdate }} : {{ links.pay }} Désabonnement : STOP';

function sms(locales: PlanTemplate['locales']): PlanTemplate {
  return { name: 'due-date-sms', channel: 'sms', defaultLocale: 'fr', locales };
}

describe('locale formatting in SMS bodies', () => {
  it('writes plain spaces in fr and nl amounts, numbers and dates of an SMS', () => {
    const data = { a: 1234.5 };
    expect(raw('{{ a | money: "EUR" }}', 'fr', true, data)).toBe('1 234,50 €');
    expect(raw('{{ a | number: 2 }}', 'fr', true, data)).toBe('1 234,50');
    expect(raw('{{ a | money: "EUR" }}', 'nl', true, data)).toBe('€ 1.234,50');
    expect(raw('{{ -3 | money: "EUR" }}', 'nl', true)).toBe('€ -3,00');
    expect(raw('{{ "2026-11-01" | localdate }}', 'fr', true)).toBe('1 novembre 2026');
    for (const locale of ['fr', 'fr-BE', 'nl', 'nl-BE', 'de', 'de-CH', 'en', 'it-CH']) {
      const text = raw(
        '{{ a | money: "EUR" }} {{ a | money: "CHF" }} {{ a | number }} {{ "2026-11-01" | localdate: "short" }}',
        locale,
        true,
        data,
      );
      expect(isGsm7(text), `${locale}: ${JSON.stringify(text)}`).toBe(true);
    }
  });

  it('keeps Intl typography outside SMS (emails)', () => {
    expect(raw('{{ 1234.5 | money: "EUR" }}', 'fr', false)).toBe('1\u202f234,50\u00a0€');
  });

  it('keeps a character the locale needs and has no GSM-7 equivalent', () => {
    expect(raw('{{ 12345.5 | money: "PLN" }}', 'pl', true)).toBe('12 345,50 zł');
    expect(gsm7Formatting('1\u2019234 \u2212 5\u200e')).toBe("1'234 - 5");
  });

  it('renders a French SMS in one GSM-7 segment where Intl spaces made it three UCS-2 ones', () => {
    const template = sms({ fr: { text: FR_SMS } });
    const big = { ...record, debt: { ...record.debt, amountDue: 1420.5 } };
    const message = renderMessage(template, 'fr', big, links, { nowMs: NOW });
    expect(message.text).toContain('(1 420,50 €)');
    expect(smsLength(message.text)).toMatchObject({ encoding: 'GSM-7', segments: 1, nonGsm: [] });
    // The same template rendered as an email part keeps the narrow spaces: UCS-2, three segments.
    const asEmail = renderMessage({ ...template, channel: 'email' }, 'fr', big, links, { nowMs: NOW });
    expect(countSmsSegments(asEmail.text)).toMatchObject({ encoding: 'UCS-2', units: 154, segments: 3 });
    expect(smsLength(asEmail.text).nonGsm).toEqual(['\u202f', '\u00a0']);
  });

  it('counts characters, encoding and segments', () => {
    expect(smsLength('Prix : 5 €')).toEqual({ encoding: 'GSM-7', units: 11, segments: 1, characters: 10, nonGsm: [] });
    expect(smsLength('👍 ok')).toEqual({ encoding: 'UCS-2', units: 5, segments: 1, characters: 4, nonGsm: ['👍'] });
  });
});
