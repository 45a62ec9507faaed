/**
 * Offsets → 1-based line and column, computed from the text itself. (The `yaml` package's
 * LineCounter is fed by its lexer, which can miss a line break while it recovers from a syntax
 * error: every position after it was then one line off.) Lines end at `\n`, as in code frames.
 */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(private readonly text: string) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }

  /** Line and column (both 1-based) of character `offset`, clamped to the text. */
  linePos(offset: number): { line: number; col: number } {
    const at = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= at) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, col: at - this.starts[lo]! + 1 };
  }
}
