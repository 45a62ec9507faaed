/**
 * The Behaviour kind (settle simulate --behaviour) is checked by the compiler's phases and
 * reported with its diagnostics: YAML codes, schema codes with a fix, located at line and column.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkBehaviour, checkBehaviourFile } from '../../src/compiler/behaviour.js';
import type { Diagnostic } from '../../src/compiler/diagnostic.js';
import { BehaviourError, parseBehaviour } from '../../src/simulate/behaviour.js';

const doc = (spec: string[]) =>
  ['apiVersion: settle/v1', 'kind: Behaviour', 'metadata: { name: m }', 'spec:', ...spec, ''].join('\n');

function problems(text: string): Pick<Diagnostic, 'line' | 'column' | 'code' | 'message' | 'hint'>[] {
  const check = checkBehaviour({ path: 'b.yaml', text });
  if (check.ok) throw new Error('expected diagnostics');
  return check.diagnostics.map(({ line, column, code, message, hint }) => ({ line, column, code, message, hint }));
}

describe('the Behaviour kind with the compiler’s diagnostics', () => {
  it('a valid model gives its document', () => {
    const check = checkBehaviour({ path: 'b.yaml', text: doc(['  default:', '    sms: { delivered: { p: 0.9 } }']) });
    expect(check).toMatchObject({ ok: true, doc: { kind: 'Behaviour', spec: { default: { sms: {} } } } });
  });

  it('a delay of none of the three forms is INVALID_DELAY with the forms as the fix', () => {
    const [d, ...rest] = problems(doc(['  default:', '    email:', '      paid: { after: { uniform: [1d] } }']));
    expect(rest).toEqual([]);
    expect(d).toEqual({
      line: 7,
      column: 22,
      code: 'INVALID_DELAY',
      message: '`after` does not have an allowed shape',
      hint: 'a delay is a duration (20s, 2h, 1d), { uniform: [min, max] } or { exponential: mean }',
    });
  });

  it('unknown fields name the stages, the match facts, and where channel models go', () => {
    const found = problems(
      doc([
        '  channels: {}',
        '  default: {}',
        '  rules:',
        '    - match: { jorney: a }',
        '      sms: { clickd: { p: 1 } }',
      ]),
    );
    expect(found.map((d) => [d.line, d.column, d.code, d.hint])).toEqual([
      [5, 3, 'UNKNOWN_FIELD', 'write the channel models under `default:` — `default: { email: …, sms: … }`'],
      [8, 16, 'UNKNOWN_FIELD', 'did you mean `journey`?'],
      [9, 14, 'UNKNOWN_FIELD', 'did you mean `clicked`?'],
    ]);
  });

  it('the envelope: another kind, another version, and a file that is not a map', () => {
    const text = doc(['  default: {}']).replace('kind: Behaviour', 'kind: Journey').replace('v1', 'v2');
    expect(problems(text).map((d) => [d.line, d.code, d.message])).toEqual([
      [1, 'INVALID_VALUE', '`apiVersion` must be `settle/v1`'],
      [2, 'INVALID_VALUE', '`kind` must be `Behaviour`'],
    ]);
    expect(problems('- a list\n').map((d) => d.code)).toEqual(['WRONG_TYPE']);
  });

  it('YAML errors are the compiler’s: located, with their code', () => {
    expect(problems(doc(['  default: {}', '  default: {}'])).map((d) => [d.line, d.code])).toEqual([
      [6, 'DUPLICATE_KEY'],
    ]);
    expect(problems('spec: { default: [ }\n')[0]?.code).toBe('YAML_SYNTAX');
  });

  it('a file that cannot be read, or is not UTF-8, is one diagnostic at 1:1 of the path shown', () => {
    const dir = mkdtempSync(join(tmpdir(), 'settle-behaviour-'));
    const gone = checkBehaviourFile(join(dir, 'gone.yaml'), 'gone.yaml');
    expect(gone.check).toMatchObject({ ok: false, diagnostics: [{ file: 'gone.yaml', line: 1, column: 1 }] });
    writeFileSync(join(dir, 'latin1.yaml'), Buffer.from('metadata: { name: caf\xe9 }\n', 'latin1'));
    const latin1 = checkBehaviourFile(join(dir, 'latin1.yaml'));
    expect(latin1.check).toMatchObject({ ok: false, diagnostics: [{ code: 'NOT_UTF8' }] });
  });

  it('parseBehaviour throws every diagnostic formatted as settle validate prints them, code frame included', () => {
    let error: unknown;
    try {
      parseBehaviour(doc(['  partialShare: 0', '  default: {}']), 'b.yaml');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(BehaviourError);
    const e = error as BehaviourError;
    expect(e.diagnostics.map((d) => d.code)).toEqual(['OUT_OF_RANGE']);
    expect(e.message).toBe(
      [
        'b.yaml:5:17  error  OUT_OF_RANGE  `partialShare` must be > 0',
        '  4 | spec:',
        '> 5 |   partialShare: 0',
        '    |                 ^',
        '  6 |   default: {}',
        '  fix: use a value > 0  (at partialShare)',
      ].join('\n'),
    );
  });
});
