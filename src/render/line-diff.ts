/**
 * A small line diff for template texts in pull-request comments: longest common subsequence
 * over lines (after trimming the common head and tail, so typical edits stay cheap), rendered
 * as unified hunks with `@@` headers that GitHub highlights in a ```diff block.
 */

export type DiffOp = ' ' | '-' | '+';

export interface DiffLine {
  op: DiffOp;
  text: string;
}

/** Above this many cells the middle is shown as removed-then-added instead of aligned. */
const MAX_LCS_CELLS = 4_000_000;

/** Splits text into lines; a final newline does not make an extra empty line. */
export function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function lcsDiff(a: readonly string[], b: readonly string[]): DiffLine[] {
  const n = a.length;
  const m = b.length;
  if (n * m > MAX_LCS_CELLS) {
    return [...a.map((text): DiffLine => ({ op: '-', text })), ...b.map((text): DiffLine => ({ op: '+', text }))];
  }
  // table[i][j] = LCS length of a[i..] and b[j..], flattened row-major with stride m + 1.
  const stride = m + 1;
  const table = new Uint32Array((n + 1) * stride);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      table[i * stride + j] =
        a[i] === b[j]
          ? (table[(i + 1) * stride + j + 1] ?? 0) + 1
          : Math.max(table[(i + 1) * stride + j] ?? 0, table[i * stride + j + 1] ?? 0);
    }
  }
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    const ai = a[i] ?? '';
    if (ai === b[j]) {
      out.push({ op: ' ', text: ai });
      i++;
      j++;
    } else if ((table[(i + 1) * stride + j] ?? 0) >= (table[i * stride + j + 1] ?? 0)) {
      out.push({ op: '-', text: ai });
      i++;
    } else {
      out.push({ op: '+', text: b[j] ?? '' });
      j++;
    }
  }
  for (; i < n; i++) out.push({ op: '-', text: a[i] ?? '' });
  for (; j < m; j++) out.push({ op: '+', text: b[j] ?? '' });
  return out;
}

/** Line diff of two texts: every line of both, in order, marked kept, removed or added. */
export function diffLines(before: string, after: string): DiffLine[] {
  const a = splitLines(before);
  const b = splitLines(after);
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const keep = (text: string): DiffLine => ({ op: ' ', text });
  return [
    ...a.slice(0, head).map(keep),
    ...lcsDiff(a.slice(head, a.length - tail), b.slice(head, b.length - tail)),
    ...a.slice(a.length - tail).map(keep),
  ];
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
