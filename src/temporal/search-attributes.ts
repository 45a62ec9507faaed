/**
 * Search attributes as the operator side needs them: the keys (shared with the workflow) and the
 * dev server's registration flags. Other servers: `temporal operator search-attribute create`.
 */
import { SearchAttributeType } from '@temporalio/common';
import { SA } from '../workflows/search-attributes.js';

export { SA };

/** The CLI's spelling of each search-attribute type (`temporal operator search-attribute create --type`). */
const CLI_TYPE: Record<SearchAttributeType, string> = {
  [SearchAttributeType.TEXT]: 'Text',
  [SearchAttributeType.KEYWORD]: 'Keyword',
  [SearchAttributeType.INT]: 'Int',
  [SearchAttributeType.DOUBLE]: 'Double',
  [SearchAttributeType.BOOL]: 'Bool',
  [SearchAttributeType.DATETIME]: 'Datetime',
  [SearchAttributeType.KEYWORD_LIST]: 'KeywordList',
};

/** Each search attribute's name and CLI type, from the keys the workflow defines (for any server's registration). */
export const SEARCH_ATTRIBUTE_TYPES: readonly (readonly [name: string, type: string])[] = Object.values(SA).map(
  (key) => [key.name, CLI_TYPE[key.type]] as const,
);

/** `--search-attribute` flags for `temporal server start-dev`. */
export const DEV_SERVER_SEARCH_ATTRIBUTE_FLAGS: readonly string[] = SEARCH_ATTRIBUTE_TYPES.flatMap(([name, type]) => [
  '--search-attribute',
  `${name}=${type}`,
]);
