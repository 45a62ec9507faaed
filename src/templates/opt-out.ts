/**
 * The opt-out rules every message template must satisfy (docs/reference.md#opt-out-rules): an email carries
 * `{{ links.optOut }}`, an SMS the policy's opt-out keyword (default STOP) as a whole word.
 */

export const DEFAULT_SMS_OPT_OUT_KEYWORD = 'STOP';

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** True when `text` contains `keyword` as a whole word, matching case exactly ("STOP", not "STOPPED"). */
export function smsOptOutPresent(text: string, keyword: string = DEFAULT_SMS_OPT_OUT_KEYWORD): boolean {
  const word = keyword.trim();
  if (word === '') return false;
  return new RegExp(`(?<![\\p{L}\\p{N}_])${escapeRegExp(word)}(?![\\p{L}\\p{N}_])`, 'u').test(text);
}

/** True when an email template reads `links.optOut` (pass checkLiquid's `variables`). */
export function emailOptOutPresent(variables: readonly string[]): boolean {
  return variables.includes('links.optOut');
}
