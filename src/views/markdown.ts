/**
 * Markdown building blocks that survive arbitrary content: inline code and fences that
 * outgrow any backticks inside, table cells with escaped pipes, details blocks laid out the
 * way GitHub needs to render the Markdown inside them. Used by the `settle diff` comment.
 */
import { escapeHtml } from '../templates/escape.js';

function longestBacktickRun(text: string): number {
  let longest = 0;
  for (const run of text.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  return longest;
}

/** `text` as inline code on one line; an empty value reads "(empty)". */
export function code(text: string): string {
  const flat = text.replace(/\r?\n/g, ' ⏎ ');
  if (flat === '') return '_(empty)_';
  const ticks = '`'.repeat(longestBacktickRun(flat) + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${ticks}${pad}${flat}${pad}${ticks}`;
}

/** A fenced block whose fence is longer than any backtick run in the body. */
export function fenced(lang: string, body: string): string {
  const fence = '`'.repeat(Math.max(3, longestBacktickRun(body) + 1));
  return `${fence}${lang}\n${body.replace(/\n$/, '')}\n${fence}`;
}

/** A table cell: pipes escaped, on one line. */
export function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.map(cell).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** A collapsed section; blank lines around the body so GitHub renders Markdown inside it. */
export function details(summary: string, body: string): string {
  return `<details>\n<summary>${escapeHtml(summary)}</summary>\n\n${body}\n\n</details>`;
}

/** "`a` → `b`", "added `b`", "removed `a`". */
export function change(before: string | undefined, after: string | undefined): string {
  if (before === undefined) return `added ${code(after ?? '')}`;
  if (after === undefined) return `removed ${code(before)}`;
  return `${code(before)} → ${code(after)}`;
}
