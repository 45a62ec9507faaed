/** checkLiquid turns any input into data: it must never throw, and offsets stay in range. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkLiquid } from '../../src/templates/index.js';
import { scope } from './helpers.js';

const KINDS = new Set(['syntax', 'unknown-variable', 'unknown-filter']);

function wellFormed(source: string): void {
  const result = checkLiquid(source, scope);
  for (const issue of result.issues) {
    expect(KINDS.has(issue.kind)).toBe(true);
    expect(Number.isInteger(issue.offset) && issue.offset >= 0 && issue.offset <= source.length).toBe(true);
    expect(typeof issue.message).toBe('string');
  }
  expect(new Set(result.variables).size).toBe(result.variables.length);
}

// Pieces of Liquid, so that random sources reach the parser and analysis, not just the tokenizer.
const piece = fc.constantFrom(
  '{{',
  '}}',
  '{%',
  '%}',
  '{{-',
  '-%}',
  ' ',
  '\n',
  '|',
  ':',
  ',',
  '"',
  "'",
  '(',
  ')',
  '..',
  '[',
  ']',
  '=',
  '>',
  'and',
  'not',
  'if',
  'endif',
  'else',
  'for',
  'in',
  'endfor',
  'assign',
  'capture',
  'endcapture',
  'liquid',
  'echo',
  'raw',
  'endraw',
  'comment',
  'endcomment',
  'case',
  'when',
  'endcase',
  'include',
  'cycle',
  'tablerow',
  'increment',
  'debtor',
  'debt',
  'attributes',
  'links',
  '.',
  'firstName',
  'amountDue',
  'pay',
  'x',
  'money',
  'localdate',
  'upcase',
  '1',
  '2.5',
);

describe('checkLiquid never throws', () => {
  it('on 2,000 arbitrary strings', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), wellFormed), { numRuns: 2000 });
  });

  it('on 2,000 Liquid-like strings', () => {
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 40 }).map((p) => p.join('')),
        wellFormed,
      ),
      { numRuns: 2000 },
    );
  });

  it('on non-string input smuggled past the types', () => {
    expect(() => checkLiquid(undefined as unknown as string, scope)).not.toThrow();
    expect(() => checkLiquid(42 as unknown as string, scope)).not.toThrow();
  });
});
