/** Compiler bugs found by the fuzz test that the one-mistake corpus cannot express. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileSources } from '../../src/compiler/index.js';
import { LineIndex } from '../../src/compiler/positions.js';
import { BASE } from '../corpus/corpus.js';

const journey = readFileSync(join(BASE, 'reminders.journey.yaml'), 'utf8');

describe('positions', () => {
  it('LineIndex maps offsets to 1-based lines and columns', () => {
    const index = new LineIndex('ab\ncd\n\nef');
    expect(index.linePos(0)).toEqual({ line: 1, col: 1 });
    expect(index.linePos(2)).toEqual({ line: 1, col: 3 });
    expect(index.linePos(3)).toEqual({ line: 2, col: 1 });
    expect(index.linePos(6)).toEqual({ line: 3, col: 1 });
    expect(index.linePos(8)).toEqual({ line: 4, col: 2 });
    expect(index.linePos(99)).toEqual({ line: 4, col: 3 });
  });

  it('lines stay exact after the YAML parser recovers from a broken flow map', () => {
    // The `yaml` LineCounter, fed by its lexer, missed a line break while recovering from the `&&`
    // in this flow map: the duplicate key below was reported one line too high.
    const text = journey
      .replace(
        '        - { when: "debt.amountDue > 1000.0 && attributes.openInvoices > 1", next: final-email }\n',
        'engagement(      - { when: "debt.amountDue > 1000.0", nex&& final-email }\n',
      )
      .replace('      outcome: unresolved\n', '      outcome: unresolved\n      outcome: unpaid\n');
    const lines = text.split('\n');
    const { diagnostics } = compileSources([{ path: 'j.yaml', text }]);
    const duplicate = diagnostics.find((d) => d.code === 'DUPLICATE_KEY');
    expect(duplicate).toBeDefined();
    expect(lines[duplicate!.line - 1]).toBe('      outcome: unpaid');
    expect(duplicate!.column).toBe(7);
    const syntax = diagnostics.find((d) => d.code === 'YAML_SYNTAX');
    expect(lines[syntax!.line - 1]).toMatch(/^engagement\(/);
  });
});
