/**
 * Maps a path into a document (the segments of a JSON pointer) back to a line and column of the
 * YAML source. Built lazily, once per file, only for files that have diagnostics: the positional
 * parse is the expensive part of validation.
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, Scalar, type Node } from 'yaml';

export interface Span {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export class Locator {
  private readonly lc = new LineCounter();
  private readonly doc;

  constructor(private readonly text: string) {
    this.doc = parseDocument(text, { lineCounter: this.lc, uniqueKeys: false });
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

  /** Source offset of character `offset` of a scalar's value, for plain, quoted and block scalars. */
  private offsetInScalar(node: Scalar, offset: number): number | undefined {
    const [start, end] = node.range ?? [0, 0];
    const raw = this.text.slice(start, end);
    switch (node.type) {
      case Scalar.PLAIN:
        return start + Math.min(offset, raw.length);
      case Scalar.QUOTE_DOUBLE:
      case Scalar.QUOTE_SINGLE:
        return start + 1 + Math.min(offset, Math.max(raw.length - 2, 0));
      case Scalar.BLOCK_LITERAL:
      case Scalar.BLOCK_FOLDED: {
        const value = String(node.value);
        const before = value.slice(0, offset);
        const lineIdx = before.split('\n').length - 1;
        const col = before.length - (before.lastIndexOf('\n') + 1);
        const lines = raw.split('\n');
        const header = lines[0]?.length ?? 0;
        const body = lines.slice(1);
        const indent = body.find((l) => l.trim() !== '')?.match(/^ */)?.[0].length ?? 0;
        let pos = start + header + 1;
        // Skip leading empty lines the value does not carry, then whole lines up to the target.
        let seen = 0;
        for (const l of body) {
          if (seen === lineIdx) return pos + indent + col;
          pos += l.length + 1;
          seen++;
        }
        return start;
      }
      default:
        return undefined;
    }
  }
}

function keyValue(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return typeof key === 'string' ? key : undefined;
}
