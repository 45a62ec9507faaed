/** Human and machine output of diagnostics: `file:line:col  error  CODE  message`, a code frame and the fix. */
import type { Diagnostic } from './diagnostic.js';

export interface TextOptions {
  color?: boolean;
  /** Source text by file, for code frames. */
  sources?: Map<string, string>;
}

const paint = (on: boolean, code: string) => (s: string) => (on ? `\x1b[${code}m${s}\x1b[0m` : s);

/** Columns of a frame line shown around the column pointed at; longer lines are clipped with `…`. */
const FRAME_WIDTH = 160;
const FRAME_BEFORE = 40;

/** A control character of the source would drive the terminal (escape sequences): shown as a symbol. */
function visible(s: string): string {
  return s.replace(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g, (c) => {
    const code = c.charCodeAt(0);
    return code < 0x20 ? String.fromCharCode(0x2400 + code) : code === 0x7f ? '\u2421' : '\uFFFD';
  });
}

export function codeFrame(text: string, line: number, column: number, endColumn?: number, color = false): string {
  const start = column - 1 > FRAME_WIDTH - FRAME_BEFORE ? column - 1 - FRAME_BEFORE : 0;
  const clip = (l: string) =>
    (start > 0 ? '…' : '') + visible(l.slice(start, start + FRAME_WIDTH)) + (l.length > start + FRAME_WIDTH ? '…' : '');
  const lines = text.split('\n');
  const from = Math.max(1, line - 1);
  const to = Math.min(lines.length, line + 1);
  const width = String(to).length;
  const red = paint(color, '31');
  const dim = paint(color, '2');
  const out: string[] = [];
  for (let n = from; n <= to; n++) {
    const mark = n === line ? red('>') : ' ';
    out.push(`${mark} ${dim(String(n).padStart(width))} | ${clip(lines[n - 1] ?? '')}`.trimEnd());
    if (n === line) {
      const len = endColumn !== undefined && endColumn > column ? Math.min(endColumn - column, 80) : 1;
      const pad = Math.max(column - 1 - start, 0) + (start > 0 ? 1 : 0);
      out.push(`  ${' '.repeat(width)} | ${' '.repeat(pad)}${red('^'.repeat(len))}`);
    }
  }
  return out.join('\n');
}

export function formatDiagnostic(d: Diagnostic, opts: TextOptions = {}): string {
  const color = opts.color ?? false;
  const sev = d.severity === 'error' ? paint(color, '31')('error') : paint(color, '33')('warning');
  const head = `${d.file}:${d.line}:${d.column}  ${sev}  ${paint(color, '1')(d.code)}  ${d.message}`;
  const parts = [head];
  const text = opts.sources?.get(d.file);
  // No frame for a file with no text (one that could not be read).
  if (text) {
    const sameLine = d.endLine === undefined || d.endLine === d.line;
    parts.push(codeFrame(text, d.line, d.column, sameLine ? d.endColumn : undefined, color));
  }
  const where = d.path !== '(document)' ? `at ${d.path}` : '';
  if (d.hint) parts.push(`  ${paint(color, '36')('fix:')} ${d.hint}${where ? paint(color, '2')(`  (${where})`) : ''}`);
  else if (where) parts.push(paint(color, '2')(`  (${where})`));
  return parts.join('\n');
}

export function summarise(diags: Diagnostic[], fileCount: number): string {
  const errors = diags.filter((d) => d.severity === 'error').length;
  const warnings = diags.length - errors;
  const files = new Set(diags.map((d) => d.file)).size;
  if (diags.length === 0) return `✔ ${fileCount} file${fileCount === 1 ? '' : 's'} valid`;
  const bits = [`${errors} error${errors === 1 ? '' : 's'}`];
  if (warnings) bits.push(`${warnings} warning${warnings === 1 ? '' : 's'}`);
  return `${errors ? '✖' : '⚠'} ${bits.join(', ')} in ${files} of ${fileCount} file${fileCount === 1 ? '' : 's'}`;
}

export function formatDiagnosticsText(diags: Diagnostic[], fileCount: number, opts: TextOptions = {}): string {
  const blocks = diags.map((d) => formatDiagnostic(d, opts));
  return [...blocks, summarise(diags, fileCount)].join('\n\n') + '\n';
}
