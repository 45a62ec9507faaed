/**
 * HTML escaping for everything Settle writes as HTML outside Liquid (the payment and opt-out
 * pages, the simulation report, the `<summary>` of pull-request diffs): the five characters that
 * can end text or an attribute value. Messages are escaped by Liquid's own `escape` filter and
 * autoescaping, which escape the same five.
 */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}
