/** The line diff behind template changes in the pull-request comment. */
import { describe, expect, it } from 'vitest';
import { diffLines, formatUnifiedDiff } from '../../src/views/index.js';

describe('diffLines', () => {
  it('keeps common lines and marks removed and added ones', () => {
    expect(diffLines('a\nb\nc\n', 'a\nB\nc\nd')).toEqual([
      { op: ' ', text: 'a' },
      { op: '-', text: 'b' },
      { op: '+', text: 'B' },
      { op: ' ', text: 'c' },
      { op: '+', text: 'd' },
    ]);
  });

  it('aligns on the longest common subsequence', () => {
    const ops = diffLines('x\na\nb\nc', 'a\nb\ny\nc').map((l) => `${l.op}${l.text}`);
    expect(ops).toEqual(['-x', ' a', ' b', '+y', ' c']);
  });

  it('treats an empty side as all added or all removed', () => {
    expect(diffLines('', 'one\ntwo')).toEqual([
      { op: '+', text: 'one' },
      { op: '+', text: 'two' },
    ]);
    expect(diffLines('one', '')).toEqual([{ op: '-', text: 'one' }]);
  });
});

describe('formatUnifiedDiff', () => {
  it('writes hunks with context and @@ headers', () => {
    const before = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10'].join('\n');
    const after = ['1', '2', 'three', '4', '5', '6', '7', '8', '9', '10', '11'].join('\n');
    expect(formatUnifiedDiff(diffLines(before, after), 1)).toBe(
      ['@@ -2,3 +2,3 @@', ' 2', '-3', '+three', ' 4', '@@ -10,1 +10,2 @@', ' 10', '+11'].join('\n'),
    );
  });

  it('numbers a pure insertion after the preceding line', () => {
    expect(formatUnifiedDiff(diffLines('', 'new'))).toBe('@@ -0,0 +1,1 @@\n+new');
    expect(formatUnifiedDiff(diffLines('same', 'same'))).toBe('');
  });
});
