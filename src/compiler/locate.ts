/**
 * Maps a path into a document (the segments of a JSON pointer) back to a line and column of the
 * YAML source. Built lazily, once per file, only for files that have diagnostics: the positional
 * parse is the expensive part of validation.
 */
import { isMap, isPair, isScalar, isSeq, parseDocument, Scalar, type Node } from 'yaml';
import { LineIndex } from './positions.js';

export interface Span {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export class Locator {
  private readonly lc: LineIndex;
  private readonly doc;

  constructor(private readonly text: string) {
    this.lc = new LineIndex(text);
    this.doc = parseDocument(text, { uniqueKeys: false });
  }

  private span(start: number, end: number): Span {
    const a = this.lc.linePos(start);
    const b = this.lc.linePos(Math.max(start, end));
    return { line: a.line, column: a.col, endLine: b.line, endColumn: b.col };
  }

  /**
   * Locates `at`; when the path goes deeper than the document (a missing field), the deepest
   * existing node is used. `onKey` points at the key of the last map entry instead of its value;
   * `offsetInValue` points inside a scalar (an expression or a template).
   */
  locate(at: (string | number)[], onKey = false, offsetInValue?: number): Span {
    let node: unknown = this.doc.contents;
    let keyNode: Node | undefined;
    for (const seg of at) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && keyValue(p.key) === String(seg));
        if (!pair) break;
        keyNode = pair.key as Node;
        node = pair.value ?? pair.key;
      } else if (isSeq(node) && typeof seg === 'number' && node.items[seg] !== undefined) {
        keyNode = undefined;
        node = node.items[seg];
      } else break;
    }
    const target = (onKey && keyNode ? keyNode : node) as Node | null | undefined;
    if (!target?.range) return this.span(0, 0);
    if (offsetInValue !== undefined && isScalar(target)) {
      const pos = this.offsetInScalar(target, offsetInValue);
      if (pos !== undefined) return this.span(pos, pos + 1);
    }
    return this.span(target.range[0], target.range[1]);
  }

  /**
   * Source offset of character `offset` of a scalar's value, for plain, quoted and block scalars.
   * The value is aligned with its source character by character, so escapes (`\"`, `''`), folded
   * line breaks and block indentation are accounted for.
   */
  private offsetInScalar(node: Scalar, offset: number): number | undefined {
    const [start, end] = node.range ?? [0, 0];
    const text = this.text;
    const value = String(node.value);
    const target = Math.max(0, Math.min(offset, value.length));
    let j: number;
    let stop = end;
    switch (node.type) {
      case Scalar.PLAIN:
        j = start;
        break;
      case Scalar.QUOTE_DOUBLE:
      case Scalar.QUOTE_SINGLE:
        j = start + 1;
        stop = Math.max(j, end - 1);
        break;
      case Scalar.BLOCK_LITERAL:
      case Scalar.BLOCK_FOLDED: {
        const header = text.indexOf('\n', start);
        if (header < 0 || header >= end) return undefined;
        j = header + 1;
        break;
      }
      default:
        return undefined;
    }
    const double = node.type === Scalar.QUOTE_DOUBLE;
    const single = node.type === Scalar.QUOTE_SINGLE;
    let i = 0;
    while (i < target && j < stop) {
      const c = text[j];
      if (double && c === '\\') {
        const n = text[j + 1];
        if (n === '\n' || n === '\r') {
          // An escaped line break joins the lines: it and the next line's indentation give nothing.
          j += 2;
          while (j < stop && (text[j] === ' ' || text[j] === '\t' || text[j] === '\n')) j++;
          continue;
        }
        const length = n === 'x' ? 4 : n === 'u' ? 6 : n === 'U' ? 10 : 2;
        const astral = n === 'U' && parseInt(text.slice(j + 2, j + 10), 16) > 0xffff;
        i += astral ? 2 : 1;
        j += length;
        continue;
      }
      if (single && c === "'" && text[j + 1] === "'") {
        i += 1;
        j += 2;
        continue;
      }
      if (c === value[i]) i++;
      // Otherwise the source character is indentation, or a line break folded into a space.
      j++;
    }
    if (target < value.length) {
      const want = value[target];
      while (j < stop && text[j] !== want && !(double && text[j] === '\\')) j++;
    }
    return Math.min(j, Math.max(start, end - 1));
  }
}

function keyValue(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return typeof key === 'string' ? key : undefined;
}
