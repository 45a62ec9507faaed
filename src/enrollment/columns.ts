/**
 * CSV columns of a portfolio: a dotted header (`debtor.email`, `debt.amountDue`,
 * `attributes.paymentHistory`) names a field of the enrollment record, and its type comes from
 * the same field table the schema and CEL use (src/ir/record.ts) or from the declared attribute
 * types — so a CSV cell becomes exactly the JSON value a .json portfolio would carry.
 *
 * The header is checked once: an unknown column would otherwise make every row invalid with the
 * same message. Coercion errors never echo the cell (it may be personal data), only the field.
 */
import { closestName } from '../core/suggest.js';
import { CONSENT_FIELDS, DEBT_FIELDS, DEBTOR_FIELDS, type FieldType, type RecordField } from '../ir/index.js';

export interface Column {
  /** Path in the record, e.g. ['debtor', 'consent', 'email']. */
  path: string[];
  name: string;
  type: FieldType;
}

/** A problem with the file as a whole (its header, its format): nothing can be read. */
export class PortfolioError extends Error {
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(message);
  }
}

/** Every column a portfolio may have, with its type. */
export function knownColumns(attributeTypes: Readonly<Record<string, FieldType>>): Map<string, FieldType> {
  const known = new Map<string, FieldType>([['debtId', 'string']]);
  const add = (prefix: string, fields: Record<string, RecordField>) => {
    for (const [name, f] of Object.entries(fields)) if (!f.derived) known.set(`${prefix}.${name}`, f.type);
  };
  add('debtor', DEBTOR_FIELDS);
  add('debtor.consent', CONSENT_FIELDS);
  add('debt', DEBT_FIELDS);
  for (const [name, type] of Object.entries(attributeTypes)) known.set(`attributes.${name}`, type);
  return known;
}

/** The columns of a header row; throws PortfolioError naming the bad column and the fix. */
export function headerColumns(
  names: string[],
  attributeTypes: Readonly<Record<string, FieldType>>,
  line: number,
): Column[] {
  const known = knownColumns(attributeTypes);
  const seen = new Set<string>();
  return names.map((raw, i) => {
    const name = raw.trim();
    if (name === '') throw new PortfolioError(`column ${i + 1} of the header has no name`, line);
    if (seen.has(name)) throw new PortfolioError(`column "${name}" appears twice in the header`, line);
    seen.add(name);
    const type = known.get(name);
    if (type === undefined) throw new PortfolioError(unknownColumn(name, known), line);
    return { path: name.split('.'), name, type };
  });
}

function unknownColumn(name: string, known: Map<string, FieldType>): string {
  if (name === 'debt.daysPastDue') return 'column "debt.daysPastDue" is derived by Settle from debt.dueDate: remove it';
  if (name.startsWith('attributes.')) {
    const hint = closestName(name, known.keys());
    return `column "${name}" is not declared in journeys/attributes.yaml${hint ? ` — did you mean "${hint}"?` : ' — declare it there with its type'}`;
  }
  const hint = closestName(name, known.keys());
  return `column "${name}" is not a field of an enrollment record${hint ? ` — did you mean "${hint}"?` : ''}`;
}

const DOUBLE = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
const INT = /^[+-]?\d+$/;

/** A cell as the JSON value of its field; undefined = absent (empty cell). Throws a message on a bad value. */
export function coerceCell(cell: string, column: Column): string | number | boolean | undefined {
  if (cell === '') return undefined;
  switch (column.type) {
    case 'string':
    case 'timestamp':
      return cell;
    case 'double':
      if (DOUBLE.test(cell)) return Number(cell);
      throw new Error(`${column.name} is not a number (write digits with . as the decimal separator, e.g. 420.50)`);
    case 'int':
      if (INT.test(cell) && Number.isSafeInteger(Number(cell))) return Number(cell);
      throw new Error(`${column.name} is not a whole number`);
    case 'bool': {
      const v = cell.toLowerCase();
      if (v === 'true') return true;
      if (v === 'false') return false;
      throw new Error(`${column.name} must be true or false`);
    }
  }
}

/** A CSV row (already split into cells) as an enrollment record. Throws the first bad cell. */
export function rowToRecord(cells: string[], columns: Column[]): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  columns.forEach((column, i) => {
    const value = coerceCell(cells[i] ?? '', column);
    if (value === undefined) return;
    let node = record;
    for (const key of column.path.slice(0, -1)) {
      const child = node[key];
      if (typeof child === 'object' && child !== null) node = child as Record<string, unknown>;
      else node = node[key] = {};
    }
    node[column.path[column.path.length - 1]!] = value;
  });
  return record;
}
