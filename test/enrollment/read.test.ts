import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { validateRecord, type PortfolioRow } from '../../src/project/record.js';
import {
  PortfolioError,
  portfolioFormat,
  readPortfolio,
  readRows,
  type PortfolioFormat,
} from '../../src/enrollment/read.js';
import type { EnrollmentData, FieldType } from '../../src/ir/index.js';
import { ROOT } from '../support/journeys.js';

const ATTRS: Record<string, FieldType> = {
  sector: 'string',
  paymentHistory: 'string',
  openInvoices: 'int',
  customerSince: 'timestamp',
};

async function rows(text: string, format: PortfolioFormat): Promise<PortfolioRow[]> {
  const out: PortfolioRow[] = [];
  for await (const r of readRows(Readable.from([text]), format, ATTRS)) out.push(r);
  return out;
}

const HEADER =
  'debtId,debtor.id,debtor.firstName,debtor.email,debtor.consent.sms,debt.reference,debt.amountDue,debt.currency,debt.dueDate,attributes.paymentHistory,attributes.openInvoices';

describe('CSV portfolios', () => {
  it('maps dotted headers to nested records with typed values; empty cells are absent', async () => {
    const text = `${HEADER}\nD-1,C-1,Anna,anna@example.com,true,R-1,420.50,EUR,2026-11-01,good,2\nD-2,C-2,Jan,,FALSE,R-2,7,EUR,2026-11-02,,\n`;
    const [a, b] = await rows(text, 'csv');
    expect(a).toEqual({
      line: 2,
      record: {
        debtId: 'D-1',
        debtor: { id: 'C-1', firstName: 'Anna', email: 'anna@example.com', consent: { sms: true } },
        debt: { reference: 'R-1', amountDue: 420.5, currency: 'EUR', dueDate: '2026-11-01' },
        attributes: { paymentHistory: 'good', openInvoices: 2 },
      },
    });
    expect(b).toEqual({
      line: 3,
      record: {
        debtId: 'D-2',
        debtor: { id: 'C-2', firstName: 'Jan', consent: { sms: false } },
        debt: { reference: 'R-2', amountDue: 7, currency: 'EUR', dueDate: '2026-11-02' },
      },
    });
    expect(validateRecord(a!.record, ATTRS)).toEqual([]);
    expect(validateRecord(b!.record, ATTRS)).toEqual([]);
  });

  it('keeps quoted commas, doubled quotes and quoted line breaks inside one value', async () => {
    const text = `debtId,debtor.id,debtor.firstName,debtor.lastName,debt.creditor\nD-1,C-1,"Anna, Maria","O""Brien",ACME\nD-2,C-2,Jan,"de\nVries",ACME\nD-3,C-3,Bo,Li,ACME\n`;
    const r = await rows(text, 'csv');
    expect(r.map((x) => x.line)).toEqual([2, 3, 5]);
    expect(r[0]!.record).toMatchObject({ debtor: { firstName: 'Anna, Maria', lastName: 'O"Brien' } });
    expect(r[1]!.record).toMatchObject({ debtor: { lastName: 'de\nVries' } });
    expect(r[2]!.record).toMatchObject({ debtId: 'D-3' });
  });

  it('reports bad rows with their line numbers and reads every other row', async () => {
    const lines = [
      HEADER,
      'D-1,C-1,Anna,a@example.com,true,R-1,420.50,EUR,2026-11-01,good,1', // 2 ok
      'D-2,C-2,Jan,j@example.com,true,R-2,"12,50",EUR,2026-11-01,good,1', // 3 decimal comma
      'D-3,C-3,Bo,"b@example.com,true,R-3,10,EUR,2026-11-01,good,1', // 4 unterminated quote
      'D-4,C-4,Li,l@example.com,yes,R-4,10,EUR,2026-11-01,good,1', // 5 bad boolean
      'D-5,C-5,Ed,e@example.com,true,R-5,10,EUR,2026-11-01,good', // 6 one value short
      '',
      'D-6,C-6,Al,"al@example.com",true,R-6,10,EUR,2026-11-01,late,1.5', // 8 not an int
      'D-7,C-7,Cy,c@example.com,true,R-7,99.9,USD,2026-11-01,bad,3', // 9 ok
      'D-8,C-8,Di,d"i@example.com,true,R-8,1,USD,2026-11-01,bad,3', // 10 stray quote
      'D-9,C-9,Ev,ev@example.com,true,R-9,1,USD,2026-11-01,bad,3', // 11 ok
    ];
    const r = await rows(lines.join('\r\n'), 'csv');
    expect(r.map((x) => [x.line, x.error ?? 'ok'])).toEqual([
      [2, 'ok'],
      [3, 'debt.amountDue is not a number (write digits with . as the decimal separator, e.g. 420.50)'],
      [4, 'unterminated quoted value: a " opens a value that never closes on this line'],
      [5, 'debtor.consent.sms must be true or false'],
      [6, 'has 10 values, the header has 11 columns'],
      [8, 'attributes.openInvoices is not a whole number'],
      [9, 'ok'],
      [10, expect.stringContaining('a " inside an unquoted value') as string],
      [11, 'ok'],
    ]);
    // No message repeats a cell (it could be personal data).
    for (const x of r) expect(x.error ?? '').not.toMatch(/example\.com|12,50|yes/);
    expect(r[6]!.record).toMatchObject({ debtId: 'D-7', debt: { amountDue: 99.9 } });
  });

  it('an unterminated quote on the last row is reported too', async () => {
    const r = await rows(`${HEADER}\nD-1,C-1,"Anna,a@example.com,true,R-1,1,EUR,2026-11-01,good,1\n`, 'csv');
    expect(r).toEqual([{ line: 2, error: expect.stringContaining('unterminated quoted value') as string }]);
  });

  it('refuses a header naming an unknown or undeclared column, with a hint', async () => {
    await expect(rows('debtId,debtor.emial\nD-1,x', 'csv')).rejects.toThrow(
      /column "debtor.emial" is not a field of an enrollment record — did you mean "debtor.email"\?/,
    );
    await expect(rows('debtId,attributes.segment\nD-1,x', 'csv')).rejects.toThrow(
      /"attributes.segment" is not declared in journeys\/attributes.yaml/,
    );
    await expect(rows('debtId,debt.daysPastDue\nD-1,3', 'csv')).rejects.toThrow(/derived/);
    await expect(rows('debtId,debtId\nD-1,D-1', 'csv')).rejects.toBeInstanceOf(PortfolioError);
  });

  it('reads the example portfolio: 33 valid records', async () => {
    const all: PortfolioRow[] = [];
    for await (const r of readPortfolio(join(ROOT, 'examples', 'portfolio.csv'), ATTRS)) all.push(r);
    expect(all).toHaveLength(33);
    for (const r of all) expect(validateRecord(r.record, ATTRS)).toEqual([]);
    // Empty cells are absent: no time zone (line 26), no last name (line 24).
    expect(all.find((r) => r.line === 26)!.record).not.toHaveProperty('debtor.timezone');
    expect(all.find((r) => r.line === 24)!.record).not.toHaveProperty('debtor.lastName');
    // debtor.region (the debtor's own regional holidays) only on the German rows.
    const regions = all.map((r) => (r.record as EnrollmentData).debtor.region).filter((x) => x !== undefined);
    expect(regions).toEqual(['BY', 'BE', 'DE-NW']);
  });
});

const REC = (id: string, amount: unknown = 10) =>
  JSON.stringify({
    debtId: id,
    debtor: { id: `C-${id}`, firstName: 'A' },
    debt: { reference: id, amountDue: amount, currency: 'EUR', dueDate: '2026-11-01' },
  });

describe('JSON and NDJSON portfolios', () => {
  it('NDJSON: one record per line; a bad line is reported without its text, the rest read', async () => {
    const text = [
      REC('D-1'),
      '',
      '{"debtId": "D-2", "debtor": {"id": "secret@example.com"',
      REC('D-3'),
      '[1]',
      REC('D-4', 'x'),
    ].join('\n');
    const r = await rows(text, 'ndjson');
    expect(r.map((x) => [x.line, x.error === undefined ? 'ok' : 'error'])).toEqual([
      [1, 'ok'],
      [3, 'error'],
      [4, 'ok'],
      [5, 'error'],
      [6, 'ok'],
    ]);
    expect(r[1]!.error).toMatch(/^not valid JSON/);
    expect(r[1]!.error).not.toContain('secret');
    expect(r[3]!.error).toMatch(/is not a record/);
    // Read, but not valid: that is validateRecord's job (it names the field).
    expect(validateRecord(r[4]!.record, ATTRS)).toEqual([{ field: 'debt.amountDue', message: 'must be number' }]);
  });

  it('JSON array: records keep the line they start on; a broken record does not stop the others', async () => {
    const text = `[\n  ${REC('D-1')},\n  {"debtId": "D-2", "debtor": {"id": "C-2", "firstName": "B"},\n  ${REC('D-3')},\n  {"debtId": "D-4", "debtor": {"id": "C-4\n  },\n  {\n    "debtId": "D-5",\n    "debtor": {"id": "C-5", "firstName": "E"},\n    "debt": {"reference": "R", "amountDue": 1, "currency": "EUR", "dueDate": "2026-11-01"}\n  }\n]\n`;
    const r = await rows(text, 'json');
    expect(r.map((x) => [x.line, x.error === undefined ? (x.record as { debtId: string }).debtId : 'error'])).toEqual([
      [2, 'D-1'],
      [3, 'error'],
      [4, 'D-3'],
      [5, 'error'],
      [7, 'D-5'],
    ]);
  });

  it('JSON: a file that is not an array is refused as a whole; an unclosed array is reported', async () => {
    await expect(rows(REC('D-1'), 'json')).rejects.toThrow(/array of records/);
    const r = await rows(`[${REC('D-1')},\n${REC('D-2')}`, 'json');
    expect(r.map((x) => x.error ?? 'ok')).toEqual(['ok', 'ok', 'the array is not closed: the file ends before its ]']);
  });

  it('chooses the format by extension', () => {
    expect(portfolioFormat('a/b.CSV')).toBe('csv');
    expect(portfolioFormat('b.json')).toBe('json');
    expect(portfolioFormat('b.jsonl')).toBe('ndjson');
    expect(portfolioFormat('b.ndjson')).toBe('ndjson');
    expect(() => portfolioFormat('b.xlsx')).toThrow(/\.csv, \.json .* or \.ndjson/);
  });

  it('reads files from disk', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'settle-read-'));
    const file = join(dir, 'p.ndjson');
    writeFileSync(file, `${REC('D-1')}\n${REC('D-2')}\n`);
    const out: PortfolioRow[] = [];
    for await (const r of readPortfolio(file, ATTRS)) out.push(r);
    expect(out.map((r) => r.line)).toEqual([1, 2]);
  });
});
