/** The engine's dialect and the locale-aware filters (money, localdate, number) in en, fr and nl. */
import { describe, expect, it } from 'vitest';
import { createLiquid, formatRenderOptions } from '../../src/templates/index.js';
import { spaces } from './helpers.js';

const liquid = createLiquid();

function render(source: string, locale: string, data: object = {}, timeZone = 'UTC'): string {
  return spaces(liquid.parseAndRenderSync(source, data, formatRenderOptions({ locale, timeZone })) as string);
}

const debt = { debt: { amountDue: 420.5, currency: 'EUR', dueDate: '2026-11-01' } };

describe('money', () => {
  it.each([
    ['en', '€420.50'],
    ['fr', '420,50 €'],
    ['nl', '€ 420,50'],
  ])('formats EUR in %s', (locale, expected) => {
    expect(render('{{ debt.amountDue | money: debt.currency }}', locale, debt)).toBe(expected);
  });

  it('accepts numeric strings, lower-case codes and other currencies', () => {
    expect(render('{{ "1234.5" | money: "usd" }}', 'en')).toBe('$1,234.50');
    expect(render('{{ 1000 | money: "JPY" }}', 'en')).toBe('¥1,000');
  });

  it('renders nothing for a missing amount', () => {
    expect(render('[{{ debt.nothing | money: "EUR" }}]', 'en', debt)).toBe('[]');
  });

  it('throws a clear error without a currency or with a non-number', () => {
    expect(() => render('{{ 3 | money }}', 'en')).toThrow(/ISO 4217/);
    expect(() => render('{{ "abc" | money: "EUR" }}', 'en')).toThrow(/expected a number/);
  });
});

describe('localdate', () => {
  it.each([
    ['en', 'November 1, 2026'],
    ['fr', '1 novembre 2026'],
    ['nl', '1 november 2026'],
  ])('formats a due date in %s (long by default)', (locale, expected) => {
    expect(render('{{ debt.dueDate | localdate }}', locale, debt)).toBe(expected);
  });

  it('takes a style', () => {
    expect(render('{{ debt.dueDate | localdate: "short" }}', 'en', debt)).toBe('11/1/26');
    expect(render('{{ debt.dueDate | localdate: "full" }}', 'fr', debt)).toBe('dimanche 1 novembre 2026');
    const medium = new Intl.DateTimeFormat('nl', { dateStyle: 'medium', timeZone: 'UTC' }).format(
      Date.UTC(2026, 10, 1),
    );
    expect(render('{{ debt.dueDate | localdate: "medium" }}', 'nl', debt)).toBe(spaces(medium));
  });

  it('never shifts a calendar date, whatever the time zone', () => {
    for (const zone of ['Pacific/Kiritimati', 'Pacific/Pago_Pago', 'America/Los_Angeles', 'UTC']) {
      expect(render('{{ "2026-01-01" | localdate }}', 'en', {}, zone)).toBe('January 1, 2026');
    }
  });

  it('shows instants in the render time zone', () => {
    const at = '2026-11-01T23:30:00Z';
    expect(render(`{{ "${at}" | localdate }}`, 'en', {}, 'UTC')).toBe('November 1, 2026');
    expect(render(`{{ "${at}" | localdate }}`, 'en', {}, 'Europe/Paris')).toBe('November 2, 2026');
  });

  it('rejects impossible dates and unknown styles', () => {
    expect(() => render('{{ "2026-02-30" | localdate }}', 'en')).toThrow(/not a calendar date/);
    expect(() => render('{{ "2026-02-03" | localdate: "tiny" }}', 'en')).toThrow(/style must be one of/);
    expect(() => render('{{ "soon" | localdate }}', 'en')).toThrow(/expected a date/);
  });
});

describe('number', () => {
  it.each([
    ['en', '1,234,567.891', '3.50'],
    ['fr', '1 234 567,891', '3,50'],
    ['nl', '1.234.567,891', '3,50'],
  ])('formats in %s', (locale, plain, fixed) => {
    expect(render('{{ 1234567.891 | number }}', locale)).toBe(plain);
    expect(render('{{ 3.5 | number: 2 }}', locale)).toBe(fixed);
  });

  it('rejects bad fraction digits', () => {
    expect(() => render('{{ 3.5 | number: -1 }}', 'en')).toThrow(/fraction digits/);
  });
});

describe('the engine', () => {
  it('keeps the standard filters and refuses unknown ones', () => {
    expect(render('{{ "anna" | capitalize | append: "!" }}', 'en')).toBe('Anna!');
    expect(() => liquid.parse('{{ "x" | nope }}')).toThrow(/undefined filter: nope/);
  });

  it('hides inherited properties and loads no files', () => {
    expect(render('[{{ debt.constructor }}{{ debt.toString }}]', 'en', debt)).toBe('[]');
    expect(() => liquid.parse('{% include "/etc/passwd" %}')).toThrow(/not supported/);
    expect(() => liquid.parse('{% render "x" %}')).toThrow(/not supported/);
  });

  it('defaults to English and UTC when a render gives no locale', () => {
    expect(liquid.parseAndRenderSync('{{ 1.5 | money: "EUR" }}')).toBe('€1.50');
  });
});
