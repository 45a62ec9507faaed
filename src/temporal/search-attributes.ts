/**
 * Search attributes as the operator side needs them: the keys (shared with the workflow) and the
 * dev server's registration flags. Other servers: `temporal operator search-attribute create`.
 */
export { SA } from '../workflows/search-attributes.js';

/** `--search-attribute` flags for `temporal server start-dev`. */
export const DEV_SERVER_SEARCH_ATTRIBUTE_FLAGS = [
  '--search-attribute',
  'SettleJourney=Keyword',
  '--search-attribute',
  'SettleVersion=Int',
  '--search-attribute',
  'SettleStep=Keyword',
  '--search-attribute',
  'SettleDebtor=Keyword',
  '--search-attribute',
  'SettleContact=KeywordList',
];
