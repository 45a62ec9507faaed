/**
 * Search attributes of journeys: keyed hashes only, never personal data. Defined
 * here (workflow-safe) because the workflow upserts SettleStep; clients import them from here too.
 */
import { defineSearchAttributeKey, SearchAttributeType, type SearchAttributePair } from '@temporalio/common';
import type { JourneyOptions } from './types.js';

export const SA = {
  journey: defineSearchAttributeKey('SettleJourney', SearchAttributeType.KEYWORD),
  version: defineSearchAttributeKey('SettleVersion', SearchAttributeType.INT),
  step: defineSearchAttributeKey('SettleStep', SearchAttributeType.KEYWORD),
  debtor: defineSearchAttributeKey('SettleDebtor', SearchAttributeType.KEYWORD),
  contact: defineSearchAttributeKey('SettleContact', SearchAttributeType.KEYWORD_LIST),
} as const;

/** A journey's search attributes but SettleStep: journey, version and the debtor's keyed hashes. */
export function journeyAttributes(journey: string, version: number, options: JourneyOptions): SearchAttributePair[] {
  return [
    { key: SA.journey, value: journey },
    { key: SA.version, value: version },
    { key: SA.debtor, value: options.debtorKey },
    ...(options.contactKeys.length > 0 ? [{ key: SA.contact, value: options.contactKeys }] : []),
  ];
}
