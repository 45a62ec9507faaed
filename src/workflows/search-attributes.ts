/**
 * Search attributes of journeys (DESIGN.md §3): keyed hashes only, never personal data. Defined
 * here (workflow-safe) because the workflow upserts SettleStep; clients import them from here too.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const SA = {
  journey: defineSearchAttributeKey('SettleJourney', SearchAttributeType.KEYWORD),
  version: defineSearchAttributeKey('SettleVersion', SearchAttributeType.INT),
  step: defineSearchAttributeKey('SettleStep', SearchAttributeType.KEYWORD),
  debtor: defineSearchAttributeKey('SettleDebtor', SearchAttributeType.KEYWORD),
  contact: defineSearchAttributeKey('SettleContact', SearchAttributeType.KEYWORD_LIST),
} as const;
