/**
 * Search attributes of journeys (DESIGN.md §3). Keyed hashes only, never personal data. The dev
 * server registers them with --search-attribute; other servers with `temporal operator
 * search-attribute create` (docs/operations.md) or operatorService.addSearchAttributes.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const SA = {
  journey: defineSearchAttributeKey('SettleJourney', SearchAttributeType.KEYWORD),
  version: defineSearchAttributeKey('SettleVersion', SearchAttributeType.INT),
  step: defineSearchAttributeKey('SettleStep', SearchAttributeType.KEYWORD),
  debtor: defineSearchAttributeKey('SettleDebtor', SearchAttributeType.KEYWORD),
  contact: defineSearchAttributeKey('SettleContact', SearchAttributeType.KEYWORD_LIST),
} as const;

/** `--search-attribute` flags for `temporal server start-dev`. */
export const DEV_SERVER_SEARCH_ATTRIBUTE_FLAGS = [
  '--search-attribute', 'SettleJourney=Keyword',
  '--search-attribute', 'SettleVersion=Int',
  '--search-attribute', 'SettleStep=Keyword',
  '--search-attribute', 'SettleDebtor=Keyword',
  '--search-attribute', 'SettleContact=KeywordList',
];
