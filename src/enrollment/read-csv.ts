/**
 * CSV portfolios, streamed line by line. csv-parse splits each record into cells (quoting,
 * doubled quotes, trimming), but records are framed here first, by quote parity: a streaming
 * parser that meets an unterminated quote swallows the rest of the file as one value, while
 * one bad row must never stop the others. A record whose quotes stay open is accepted across
 * lines only if it then parses to the right number of cells; otherwise its first line is
 * reported and reading resumes on the next line.
 */
import type { Readable } from 'node:stream';
import { createInterface } from 'node:readline';
import { parse } from 'csv-parse/sync';
import type { FieldType } from '../ir/index.js';
import { headerColumns, PortfolioError, rowToRecord, type Column } from './columns.js';
import type { PortfolioRow } from '../project/record.js';

/** A quoted value longer than this many lines is taken for an unterminated quote. */
const MAX_RECORD_LINES = 100;

interface Line {
  n: number;
  text: string;
}

/** Physical lines with a push-back queue, so reading can resume right after a bad record. */
class LineSource {
  private readonly pending: Line[] = [];
  private readonly it: AsyncIterator<string>;
  private n = 0;

  constructor(input: Readable) {
    this.it = createInterface({ input, crlfDelay: Infinity })[Symbol.asyncIterator]();
  }

  async next(): Promise<Line | undefined> {
    const queued = this.pending.shift();
    if (queued) return queued;
    const r = await this.it.next();
    if (r.done) return undefined;
    this.n += 1;
    return { n: this.n, text: this.n === 1 ? r.value.replace(/^\uFEFF/, '') : r.value };
  }

  pushBack(lines: Line[]): void {
    this.pending.unshift(...lines);
  }
}

function quotes(text: string): number {
  let count = 0;
  for (let i = text.indexOf('"'); i !== -1; i = text.indexOf('"', i + 1)) count += 1;
  return count;
}

const UNTERMINATED = 'unterminated quoted value: a " opens a value that never closes';

type Parsed = { cells: string[] } | { error: string };

function parseRecord(text: string): Parsed {
  try {
    const records = parse(text, { relax_column_count: true, trim: true }) as string[][];
    if (records.length !== 1) return { error: 'malformed CSV record' };
    return { cells: records[0]! };
  } catch (e) {
    return { error: csvMessage(e) };
  }
}

/** csv-parse's messages quote the offending value: say what is wrong and how to fix it instead. */
function csvMessage(e: unknown): string {
  const code = (e as { code?: string }).code;
  switch (code) {
    case 'INVALID_OPENING_QUOTE':
    case 'CSV_INVALID_OPENING_QUOTE':
      return 'a " inside an unquoted value: quote the whole value and double the inner quotes ("a ""b"" c")';
    case 'CSV_INVALID_CLOSING_QUOTE':
      return 'text after a closing quote: a quoted value must be followed by a comma or the end of the line';
    case 'CSV_QUOTE_NOT_CLOSED':
      return UNTERMINATED;
    default:
      return 'malformed CSV record';
  }
}

interface Framed {
  line: number;
  result: Parsed;
}

/** The next logical record (blank lines skipped), framed by quote parity with recovery. */
async function nextRecord(src: LineSource, width: number | undefined): Promise<Framed | undefined> {
  let first: Line | undefined;
  do first = await src.next();
  while (first !== undefined && first.text.trim() === '');
  if (!first) return undefined;
  const group = [first];
  let open = quotes(first.text) % 2 === 1;
  while (open && group.length < MAX_RECORD_LINES) {
    const more = await src.next();
    if (!more) break;
    group.push(more);
    open = (quotes(more.text) % 2 === 1) !== open;
  }
  const result = parseRecord(group.map((l) => l.text).join('\n'));
  if (group.length > 1 && (open || 'error' in result || (width !== undefined && result.cells.length !== width))) {
    src.pushBack(group.slice(1));
    const alone = parseRecord(first.text);
    const specific = 'error' in alone && alone.error !== UNTERMINATED ? alone.error : undefined;
    return { line: first.n, result: { error: specific ?? `${UNTERMINATED} on this line` } };
  }
  if (open && !('error' in result)) return { line: first.n, result: { error: UNTERMINATED } };
  return { line: first.n, result };
}

/** Reads a CSV portfolio; throws PortfolioError when the header is unusable. */
export async function* readCsv(
  input: Readable,
  attributeTypes: Readonly<Record<string, FieldType>>,
): AsyncGenerator<PortfolioRow> {
  const src = new LineSource(input);
  const header = await nextRecord(src, undefined);
  if (!header) return;
  if ('error' in header.result)
    throw new PortfolioError(`the header is not valid CSV: ${header.result.error}`, header.line);
  const columns: Column[] = headerColumns(header.result.cells, attributeTypes, header.line);
  for (;;) {
    const rec = await nextRecord(src, columns.length);
    if (!rec) return;
    yield toRow(rec, columns);
  }
}

function toRow({ line, result }: Framed, columns: Column[]): PortfolioRow {
  if ('error' in result) return { line, error: result.error };
  if (result.cells.length !== columns.length) {
    return { line, error: `has ${result.cells.length} values, the header has ${columns.length} columns` };
  }
  try {
    return { line, record: rowToRecord(result.cells, columns) };
  } catch (e) {
    return { line, error: (e as Error).message };
  }
}
