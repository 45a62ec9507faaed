/** pickTemplateValues: the record values a template reads, in the record's shape, and nothing else. */
import { describe, expect, it } from 'vitest';
import { pickTemplateValues, recordPaths, type TemplateValues } from '../../src/core/template-values.js';

const record: TemplateValues = {
  debtor: {
    id: 'C-1',
    firstName: 'Anna',
    lastName: 'Rossi',
    email: 'anna@example.com',
    consent: { email: true, sms: false },
  },
  debt: { reference: 'INV-1', amountDue: 10, currency: 'EUR', dueDate: '2026-11-01' },
  attributes: { sector: 'telecom', openInvoices: 3, tags: ['a', 'b'] },
};

describe('recordPaths', () => {
  it('keeps record paths only, sorted, derived fields as their source, none under another', () => {
    expect(
      recordPaths([
        'links.optOut',
        'debtor.consent.sms',
        'debt.daysPastDue',
        'debtor.consent',
        'debtor.firstName',
        'debtor.firstName',
        'foo.bar',
      ]),
    ).toEqual(['debt.dueDate', 'debtor.consent', 'debtor.firstName']);
  });
});

describe('pickTemplateValues', () => {
  it('copies the named values and nothing else', () => {
    expect(pickTemplateValues(record, ['debtor.firstName', 'debt.amountDue', 'debt.currency', 'links.pay'])).toEqual({
      debtor: { firstName: 'Anna' },
      debt: { amountDue: 10, currency: 'EUR' },
    });
  });

  it('keeps debtor and debt even when nothing is read', () => {
    expect(pickTemplateValues(record, [])).toEqual({ debtor: {}, debt: {} });
  });

  it('reads debt.daysPastDue as debt.dueDate (computed at render time)', () => {
    expect(pickTemplateValues(record, ['debt.daysPastDue'])).toEqual({
      debtor: {},
      debt: { dueDate: '2026-11-01' },
    });
  });

  it('copies a group whole, with its order, when the template reads it whole', () => {
    const picked = pickTemplateValues(record, ['debtor.consent.sms', 'debtor.consent']);
    expect(picked.debtor).toEqual({ consent: { email: true, sms: false } });
    expect(Object.keys(picked.debtor.consent as object)).toEqual(['email', 'sms']);
    expect(pickTemplateValues(record, ['attributes', 'attributes.sector']).attributes).toEqual(record.attributes);
  });

  it('copies a nested field alone', () => {
    expect(pickTemplateValues(record, ['debtor.consent.sms']).debtor).toEqual({ consent: { sms: false } });
  });

  it('copies a value that is not a plain object whole when a path goes through it', () => {
    expect(pickTemplateValues(record, ['attributes.tags.first']).attributes).toEqual({ tags: ['a', 'b'] });
    expect(pickTemplateValues(record, ['debtor.firstName.size']).debtor).toEqual({ firstName: 'Anna' });
  });

  it('leaves out what the record does not have (and attributes when none are read)', () => {
    expect(pickTemplateValues(record, ['debtor.phone', 'attributes.missing'])).toEqual({ debtor: {}, debt: {} });
    const { attributes: _a, ...bare } = record;
    expect(pickTemplateValues(bare, ['attributes.sector'])).toEqual({ debtor: {}, debt: {} });
  });

  it('keeps a key named __proto__ as data', () => {
    const odd = JSON.parse('{"debtor":{},"debt":{},"attributes":{"__proto__":{"polluted":true}}}') as TemplateValues;
    const picked = pickTemplateValues(odd, ['attributes.__proto__.polluted']);
    expect(Object.getPrototypeOf(picked.attributes)).toBe(Object.prototype);
    expect(Object.hasOwn(picked.attributes!, '__proto__')).toBe(true);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });
});
