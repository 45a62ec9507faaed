/**
 * JSON portfolios (one array of records), streamed: a small scanner splits the array into its
 * top-level elements and each is parsed on its own, so a syntax error in one record is reported
 * at the line where that record starts and the others still enroll — JSON.parse of the whole
 * file would reject all of them. Two recoveries keep one typo local: a line break inside a
 * string ends the string (JSON strings cannot hold one), and a `{` opening a line right after a
 * `,` while a record is still open starts the next record (records hold no arrays of objects).
 */
import type { Readable } from 'node:stream';
import { PortfolioError } from './columns.js';
import type { PortfolioRow } from '../project/record.js';

/** JSON.parse messages quote the text (personal data): keep only what and where. */
export function jsonMessage(e: unknown): string {
  const m = (e as Error).message
    .replace(/,? ".*" is not valid JSON$/s, '')
    .replace(/^Unexpected token '.'/, 'unexpected character');
  return `not valid JSON: ${m.charAt(0).toLowerCase()}${m.slice(1)}`;
}

/** A parsed element: a record when it is a JSON object. */
export function elementRow(text: string, line: number): PortfolioRow {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { line, error: jsonMessage(e) };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { line, error: 'is not a record (a JSON object with debtId, debtor and debt)' };
  }
  return { line, record: value };
}

class Scanner {
  line = 1;
  depth = 0;
  inString = false;
  escape = false;
  started = false;
  ended = false;
  trailing = false;
  buf = '';
  bufLine = 0;
  lastSignificant = '';
  lineHasContent = false;
  readonly out: PortfolioRow[] = [];

  private flush(): void {
    const text = this.buf.trim();
    if (text !== '') this.out.push(elementRow(text, this.bufLine));
    this.buf = '';
    this.depth = 1;
  }

  push(chunk: string): void {
    for (const ch of chunk) this.char(ch);
  }

  private char(ch: string): void {
    if (ch === '\n') {
      this.line += 1;
      this.lineHasContent = false;
      if (this.inString) this.inString = false; // an unterminated string: the element fails, the next line is fresh
      if (this.buf !== '') this.buf += ch;
      return;
    }
    const blank = ch === ' ' || ch === '\t' || ch === '\r';
    if (this.inString) {
      this.buf += ch;
      if (this.escape) this.escape = false;
      else if (ch === '\\') this.escape = true;
      else if (ch === '"') this.inString = false;
      return;
    }
    if (blank) {
      if (this.buf !== '') this.buf += ch;
      return;
    }
    const lineStart = !this.lineHasContent;
    this.lineHasContent = true;
    if (!this.started) {
      if (ch !== '[')
        throw new PortfolioError(
          'a .json portfolio is an array of records ([{...}, {...}]); for one record per line use .ndjson',
          this.line,
        );
      this.started = true;
      this.depth = 1;
    } else if (this.ended) {
      if (!this.trailing) this.out.push({ line: this.line, error: 'text after the closing ] of the array is ignored' });
      this.trailing = true;
    } else if (this.depth === 1 && (ch === ',' || ch === ']')) {
      this.flush();
      if (ch === ']') this.ended = true;
    } else {
      if (ch === '{' && lineStart && this.depth > 1 && this.lastSignificant === ',') this.flush();
      if (this.buf === '') this.bufLine = this.line;
      this.buf += ch;
      if (ch === '"') this.inString = true;
      else if (ch === '{' || ch === '[') this.depth += 1;
      else if ((ch === '}' || ch === ']') && this.depth > 1) this.depth -= 1;
    }
    this.lastSignificant = ch;
  }

  finish(): void {
    if (!this.started) return;
    if (!this.ended) {
      const line = this.buf.trim() !== '' ? this.bufLine : this.line;
      this.flush();
      this.out.push({ line, error: 'the array is not closed: the file ends before its ]' });
    }
  }
}

/** Reads a JSON array portfolio; throws PortfolioError when the file is not an array at all. */
export async function* readJsonArray(input: Readable): AsyncGenerator<PortfolioRow> {
  const scanner = new Scanner();
  input.setEncoding('utf8');
  let first = true;
  for await (const chunk of input as AsyncIterable<string>) {
    scanner.push(first ? chunk.replace(/^\uFEFF/, '') : chunk);
    first = false;
    yield* scanner.out.splice(0);
  }
  scanner.finish();
  yield* scanner.out.splice(0);
}
