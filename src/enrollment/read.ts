/**
 * Portfolio readers (docs/reference.md#enrollment-record): a file of enrollment records as CSV with
 * dotted headers, a JSON array, or NDJSON (one record per line), chosen by extension. They
 * stream — a portfolio can hold millions of debts — and yield one result per row with its line
 * number: a record (not yet validated: that is validateRecord's job) or why the row could not
 * be read. A malformed row never stops the rest; only an unusable file (unknown extension, a bad
 * CSV header, a JSON file that is not an array) throws PortfolioError.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { FieldType } from '../ir/index.js';
import type { PortfolioRow } from '../project/record.js';
import { PortfolioError } from './columns.js';
import { readCsv } from './read-csv.js';
import { elementRow, readJsonArray } from './read-json.js';

export { PortfolioError } from './columns.js';
export { readCsv } from './read-csv.js';
export { readJsonArray } from './read-json.js';

export type PortfolioFormat = 'csv' | 'json' | 'ndjson';

export function portfolioFormat(path: string): PortfolioFormat {
  const ext = /\.([a-z]+)$/i.exec(path)?.[1]?.toLowerCase();
  if (ext === 'csv') return 'csv';
  if (ext === 'json') return 'json';
  if (ext === 'ndjson' || ext === 'jsonl') return 'ndjson';
  throw new PortfolioError(
    `${path}: unknown portfolio format — name it .csv, .json (an array of records) or .ndjson/.jsonl (one record per line)`,
  );
}

/** NDJSON: every non-blank line is one record. */
export async function* readNdjson(input: Readable): AsyncGenerator<PortfolioRow> {
  let line = 0;
  for await (const raw of createInterface({ input, crlfDelay: Infinity })) {
    line += 1;
    const text = (line === 1 ? raw.replace(/^\uFEFF/, '') : raw).trim();
    if (text !== '') yield elementRow(text, line);
  }
}

/** Rows of a stream in the given format. */
export function readRows(
  input: Readable,
  format: PortfolioFormat,
  attributeTypes: Readonly<Record<string, FieldType>>,
): AsyncGenerator<PortfolioRow> {
  switch (format) {
    case 'csv':
      return readCsv(input, attributeTypes);
    case 'json':
      return readJsonArray(input);
    case 'ndjson':
      return readNdjson(input);
  }
}

/**
 * Rows of a portfolio file. `attributeTypes` (the project's declared attributes) type the
 * `attributes.*` columns of a CSV; JSON values already carry their types.
 */
export function readPortfolio(
  path: string,
  attributeTypes: Readonly<Record<string, FieldType>>,
): AsyncGenerator<PortfolioRow> {
  return readRows(createReadStream(path), portfolioFormat(path), attributeTypes);
}
