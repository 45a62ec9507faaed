/**
 * The keyed hash of the address a send uses, read back from JourneyOptions.contactKeys in the
 * order enrollment builds them (email, then phone), and none when the record's addresses no longer
 * match the keys (an address added, removed or changed by a re-enrollment).
 */
import { describe, expect, it } from 'vitest';
import { contactKeyOf } from '../../src/workflows/contact-keys.js';
import { exampleRecord } from '../support/journeys.js';

const anna = exampleRecord('anna-rossi');
const input = (debtor: Partial<typeof anna.debtor>, contactKeys: string[]) => ({
  enrollment: { ...anna, debtor: { ...anna.debtor, ...debtor } },
  options: { debtorKey: 'k', contactKeys },
});

describe('contactKeyOf', () => {
  it('reads the email key first and the phone key after it', () => {
    const both = input({}, ['e', 'p']);
    expect(contactKeyOf(both, 'email')).toBe('e');
    expect(contactKeyOf(both, 'sms')).toBe('p');
    const phoneOnly = input({ email: undefined }, ['p']);
    expect(contactKeyOf(phoneOnly, 'email')).toBeUndefined();
    expect(contactKeyOf(phoneOnly, 'sms')).toBe('p');
    const emailOnly = input({ phone: undefined }, ['e']);
    expect(contactKeyOf(emailOnly, 'sms')).toBeUndefined();
    expect(contactKeyOf(emailOnly, 'email')).toBe('e');
  });

  it('names nothing when the keys do not match the addresses, or the address changed since', () => {
    expect(contactKeyOf(input({}, []), 'email')).toBeUndefined();
    expect(contactKeyOf(input({}, ['e']), 'sms')).toBeUndefined();
    const both = input({}, ['e', 'p']);
    const moved = { debtor: { ...both.enrollment.debtor, email: 'new@example.com' } };
    expect(contactKeyOf(both, 'email', moved)).toBeUndefined();
    expect(contactKeyOf(both, 'sms', moved)).toBe('p');
    expect(contactKeyOf(both, 'email', { debtor: { ...both.enrollment.debtor } })).toBe('e');
  });
});
