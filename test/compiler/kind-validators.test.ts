/**
 * The kinds' precompiled validators (src/compiler/generated/kind-validators.ts) are what ajv
 * generates from src/dsl today, and they judge documents exactly as validators compiled at run
 * time do (same errors, so the same diagnostics).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KIND_NAMES } from '../../src/dsl/index.js';
import { validatorFor } from '../../src/compiler/structural.js';
import { KIND_VALIDATORS_FILE, renderKindValidators } from '../../src/compiler/validators-source.js';
import { ROOT } from '../support/journeys.js';

describe('precompiled kind validators', () => {
  it('match src/dsl exactly (run `npm run schemas` after changing the DSL)', () => {
    expect(readFileSync(join(ROOT, KIND_VALIDATORS_FILE), 'utf8')).toBe(renderKindValidators());
  });

  it('give the same errors as validators compiled at run time', () => {
    const docs: unknown[] = [
      {},
      { apiVersion: 'settle/v1', kind: 'Journey', metadata: { name: 'x', version: 1 }, spec: { steps: [] } },
      {
        apiVersion: 'settle/v1',
        kind: 'Journey',
        metadata: { name: 'Bad Name', version: 0, extra: true },
        spec: {
          policy: 7,
          steps: [
            { id: 's', type: 'send', channel: 'fax' },
            { id: 'w', type: 'wait', duration: '3 days' },
          ],
        },
      },
      {
        apiVersion: 'settle/v1',
        kind: 'Template',
        metadata: { name: 't' },
        spec: { channel: 'sms', locales: { en: {} } },
      },
      { apiVersion: 'settle/v1', kind: 'Policy', metadata: { name: 'p' }, spec: { sendWindow: { from: '25:00' } } },
      { apiVersion: 'settle/v1', kind: 'Segment', metadata: { name: 's' }, spec: { when: 1, priority: 'x' } },
      { apiVersion: 'settle/v1', kind: 'Attributes', metadata: { name: 'a' }, spec: { x: 'strin' } },
    ];
    for (const kind of KIND_NAMES) {
      const pre = validatorFor(kind);
      const compiled = validatorFor(kind, true);
      for (const doc of docs) {
        expect(pre(doc), kind).toBe(compiled(doc));
        // As data (the run-time schemas also carry TypeBox's symbol keys, which no diagnostic reads).
        expect(JSON.parse(JSON.stringify(pre.errors ?? null)), kind).toEqual(
          JSON.parse(JSON.stringify(compiled.errors ?? null)),
        );
      }
    }
  });
});
