/** renderMessage: locale choice, derived fields, HTML escaping, errors and the parse cache. */
import { describe, expect, it } from 'vitest';
import { createRenderer, renderMessage, TemplateRenderError } from '../../src/templates/index.js';
import { NOW, links, record, spaces, template } from './helpers.js';

const reminder = template({
  en: {
    subject: '{{ debtor.firstName }}, invoice {{ debt.reference }} is waiting',
    text: 'Hello {{ debtor.firstName }}, {{ debt.amountDue | money: debt.currency }} was due on {{ debt.dueDate | localdate }}. Pay: {{ links.pay }} Stop: {{ links.optOut }}',
    html: '<p>Hello {{ debtor.firstName }}</p><a href="{{ links.optOut }}">stop</a>',
  },
  fr: {
    subject: '{{ debtor.firstName }}, facture {{ debt.reference }}',
    text: 'Bonjour {{ debtor.firstName }}, {{ debt.amountDue | money: debt.currency }} ({{ debt.daysPastDue }} jours)',
  },
});

describe('renderMessage', () => {
  it('renders every part of the chosen locale', () => {
    const message = renderMessage(reminder, 'en', record, links, { nowMs: NOW });
    expect(message).toEqual({
      locale: 'en',
      subject: 'Anna, invoice INV-2026-0042 is waiting',
      text: `Hello Anna, €420.50 was due on November 1, 2026. Pay: ${links.pay} Stop: ${links.optOut}`,
      html: `<p>Hello Anna</p><a href="${links.optOut}">stop</a>`,
    });
  });

  it('falls back fr-BE → fr → default locale', () => {
    expect(renderMessage(reminder, 'fr-BE', record, links, { nowMs: NOW }).locale).toBe('fr');
    expect(renderMessage(reminder, 'fr', record, links, { nowMs: NOW }).locale).toBe('fr');
    expect(renderMessage(reminder, 'de-AT', record, links, { nowMs: NOW }).locale).toBe('en');
    const exact = template({ en: { text: 'en' }, fr: { text: 'fr' }, 'fr-BE': { text: 'fr-BE' } });
    expect(renderMessage(exact, 'fr_be', record, links, { nowMs: NOW })).toEqual({ locale: 'fr-BE', text: 'fr-BE' });
  });

  it("uses the debtor's locale when none is requested, formatting per locale", () => {
    const message = renderMessage(reminder, undefined, record, links, { nowMs: NOW });
    expect(message.locale).toBe('fr');
    expect(spaces(message.text)).toBe('Bonjour Anna, 420,50 € (4 jours)');
    expect(message.html).toBeUndefined();
  });

  it('computes daysPastDue in the time zone at the send instant', () => {
    const days = template({ en: { text: '{{ debt.daysPastDue }}' } });
    const render = (iso: string, timezone?: string) =>
      renderMessage(days, 'en', record, links, { nowMs: Date.parse(iso), ...(timezone ? { timezone } : {}) }).text;
    expect(render('2026-11-01T00:00:00Z')).toBe('0');
    expect(render('2026-10-31T23:30:00Z')).toBe('-1');
    expect(render('2026-10-31T23:30:00Z', 'Europe/Paris')).toBe('0');
    expect(render('2026-11-11T09:00:00Z', 'America/New_York')).toBe('10');
  });

  it('escapes HTML parts only', () => {
    const hostile = { ...record, debtor: { ...record.debtor, firstName: '<b>Anna & "Bob"</b>' } };
    const message = renderMessage(reminder, 'en', hostile, links, { nowMs: NOW });
    expect(message.html).toBe(
      `<p>Hello &lt;b&gt;Anna &amp; &#34;Bob&#34;&lt;/b&gt;</p><a href="${links.optOut}">stop</a>`,
    );
    expect(message.subject).toBe('<b>Anna & "Bob"</b>, invoice INV-2026-0042 is waiting');
    expect(message.text).toContain('Hello <b>Anna & "Bob"</b>,');
  });

  it('renders a missing optional field or link as empty', () => {
    const optional = template({ en: { text: '[{{ debtor.phone }}][{{ links.pay }}][{{ attributes.none }}]' } });
    expect(renderMessage(optional, 'en', record, { optOut: links.optOut }, { nowMs: NOW }).text).toBe('[][][]');
  });

  it('names the template, locale and part when rendering fails', () => {
    const broken = template({ en: { text: 'ok', subject: 'ok', html: '{{ debt.amountDue | money }}' } });
    let caught: unknown;
    try {
      renderMessage(broken, 'en', record, links, { nowMs: NOW });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(TemplateRenderError);
    expect(caught).toMatchObject({ template: 'friendly-reminder', locale: 'en', part: 'html' });
    expect((caught as Error).message).toMatch(/^template "friendly-reminder" \(locale en, html\): .*ISO 4217/);
    const unparsable = template({ en: { text: '{% if %}' } });
    expect(() => renderMessage(unparsable, 'en', record, links, { nowMs: NOW })).toThrow(TemplateRenderError);
  });

  it('refuses an unknown time zone clearly', () => {
    expect(() => renderMessage(reminder, 'en', record, links, { nowMs: NOW, timezone: 'Mars/Olympus' })).toThrow(
      /unknown time zone/,
    );
  });
});

describe('the parse cache', () => {
  it('parses each source once, per kind of part', () => {
    const renderer = createRenderer();
    renderer.render(reminder, 'en', record, links, { nowMs: NOW });
    expect(renderer.cacheStats()).toEqual({ size: 3, hits: 0, misses: 3 });
    renderer.render(reminder, 'en', record, links, { nowMs: NOW + 1 });
    renderer.render(reminder, 'en', { ...record, debtor: { ...record.debtor, firstName: 'Bo' } }, links, {
      nowMs: NOW,
    });
    expect(renderer.cacheStats()).toEqual({ size: 3, hits: 6, misses: 3 });
    // The same source as text and as HTML is parsed twice: escaping is decided at parse time.
    const same = template({ en: { text: '{{ debtor.firstName }}', html: '{{ debtor.firstName }}' } });
    renderer.render(same, 'en', record, links, { nowMs: NOW });
    expect(renderer.cacheStats()).toMatchObject({ size: 5, misses: 5 });
  });

  it('stays bounded and still renders correctly after evictions', () => {
    const renderer = createRenderer({ cacheSize: 2 });
    for (let i = 0; i < 10; i++) {
      const t = template({ en: { text: `#${i} {{ debtor.firstName }}` } });
      expect(renderer.render(t, 'en', record, links, { nowMs: NOW }).text).toBe(`#${i} Anna`);
    }
    expect(renderer.cacheStats()).toEqual({ size: 2, hits: 0, misses: 10 });
  });
});
