/**
 * The line diff of template texts in pull-request comments: jsdiff over lines, rendered as
 * unified hunks with `@@` headers that GitHub highlights in a ```diff block.
 */
import { diffArrays } from 'diff';

export type DiffOp = ' ' | '-' | '+';

export interface DiffLine {
  op: DiffOp;
  text: string;
}

/** Splits text into lines; a final newline does not make an extra empty line. */
export function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/**
 * Line diff of two texts (jsdiff's Myers diff over the lines): every line of both, in order,
 * marked kept, removed or added; within a change, removed lines come before added ones.
 */
export function diffLines(before: string, after: string): DiffLine[] {
  const out: DiffLine[] = [];
  for (const part of diffArrays(splitLines(before), splitLines(after))) {
    const op: DiffOp = part.added ? '+' : part.removed ? '-' : ' ';
    for (const text of part.value) out.push({ op, text });
  }
  return out;
}

/** Renders a line diff as unified hunks with `context` kept lines around each change. */
export function formatUnifiedDiff(lines: readonly DiffLine[], context = 2): string {
  const changed = lines.map((l, idx) => (l.op === ' ' ? -1 : idx)).filter((idx) => idx >= 0);
  if (changed.length === 0) return '';
  // Positions (1-based) in the old and new text of each entry.
  const oldNo: number[] = [];
  const newNo: number[] = [];
  let o = 0;
  let n = 0;
  for (const l of lines) {
    if (l.op !== '+') o++;
    if (l.op !== '-') n++;
    oldNo.push(l.op === '+' ? o + 1 : o);
    newNo.push(l.op === '-' ? n + 1 : n);
  }
  const hunks: [number, number][] = [];
  for (const idx of changed) {
    const start = Math.max(0, idx - context);
    const end = Math.min(lines.length - 1, idx + context);
    const last = hunks[hunks.length - 1];
    if (last && start <= last[1] + 1) last[1] = end;
    else hunks.push([start, end]);
  }
  const out: string[] = [];
  for (const [start, end] of hunks) {
    const slice = lines.slice(start, end + 1);
    const oldLen = slice.filter((l) => l.op !== '+').length;
    const newLen = slice.filter((l) => l.op !== '-').length;
    const oldStart = oldLen === 0 ? (oldNo[start] ?? 1) - 1 : (oldNo[start] ?? 1);
    const newStart = newLen === 0 ? (newNo[start] ?? 1) - 1 : (newNo[start] ?? 1);
    out.push(`@@ -${oldStart},${oldLen} +${newStart},${newLen} @@`);
    for (const l of slice) out.push(`${l.op}${l.text}`);
  }
  return out.join('\n');
}
