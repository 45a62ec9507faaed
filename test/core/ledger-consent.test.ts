/**
 * Consent events (SMS STOP/START by MessageSid) in the debtor's contact ledger: a replayed id
 * changes nothing, the ids survive continue-as-new (the snapshot), and the ledger stays open while
 * it remembers one, so a replay cannot arrive after the ledger forgot.
 */
import { describe, expect, it } from 'vitest';
import { CONSENT_KEEP_MS, ContactLedger } from '../../src/core/policy/ledger.js';

const T0 = Date.parse('2026-11-01T10:00:00Z');

describe('ContactLedger consent events', () => {
  it('applies each consent event id once; changes without an id always apply', () => {
    const l = new ContactLedger();
    expect(l.optOut('sms', 'twilio/SM1/optOut', T0)).toBe(true);
    expect(l.optIn('sms', 'twilio/SM2/optIn', T0 + 1)).toBe(true);
    expect(l.optOut('sms', 'twilio/SM3/optOut', T0 + 2)).toBe(true);
    expect(l.optIn('sms', 'twilio/SM2/optIn', T0 + 3)).toBe(false);
    expect(l.isOptedOut('sms')).toBe(true);
    expect(l.optIn('sms')).toBe(true);
    expect(l.isOptedOut('sms')).toBe(false);
  });

  it('keeps the ids across a snapshot, and stays open until they are older than the retention', () => {
    const l = new ContactLedger();
    l.optOut('sms', 'twilio/SM1/optOut', T0);
    l.optIn('sms', 'twilio/SM2/optIn', T0);
    const copy = ContactLedger.from(JSON.parse(JSON.stringify(l.snapshot())));
    expect(copy.optIn('sms', 'twilio/SM2/optIn', T0 + 5)).toBe(false);
    expect(copy.prune(T0 + CONSENT_KEEP_MS - 1)).toBe(false);
    expect(copy.prune(T0 + CONSENT_KEEP_MS)).toBe(true);
    // A ledger from before replay protection (no consentEvents) reads as before.
    const old = ContactLedger.from({ contacts: {}, optedOut: ['sms'], decisions: [] });
    expect(old.snapshot()).toEqual({ contacts: {}, optedOut: ['sms'], decisions: [] });
  });
});
