/**
 * docs/reference.md is generated (npm run reference) from the code that defines the language;
 * this fails when the committed file is not what the generator produces now, so the reference
 * cannot drift from the schemas, the CEL environment, the template engine or the diagnostics.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { STEP_SCHEMAS, Step } from '../../src/dsl/index.js';
import { BANNER, renderReference } from '../../scripts/reference/index.js';
import { checkedCodes, codesInSources, DIAGNOSTIC_CODES } from '../../scripts/reference/diagnostics.js';

const root = join(import.meta.dirname, '..', '..');

describe('docs/reference.md', () => {
  const generated = renderReference(root);

  it('is what `npm run reference` generates (run it after changing the language)', () => {
    expect(readFileSync(join(root, 'docs', 'reference.md'), 'utf8')).toBe(generated);
  });

  it('says it is generated, and covers every step type and diagnostic code', () => {
    expect(generated.startsWith(BANNER)).toBe(true);
    for (const type of Object.keys(STEP_SCHEMAS)) expect(generated).toContain(`\n### ${type}\n`);
    for (const code of Object.keys(DIAGNOSTIC_CODES)) expect(generated).toContain(`| \`${code}\` |`);
  });

  it('documents exactly the diagnostic codes the compiler can report', () => {
    expect(() => checkedCodes(root)).not.toThrow();
    expect([...codesInSources(root)].sort()).toEqual(Object.keys(DIAGNOSTIC_CODES).sort());
  });

  it('shows step examples that the schema accepts', () => {
    const ajv = new Ajv2020({ strict: false, discriminator: true });
    const validate = ajv.compile(JSON.parse(JSON.stringify(Step)) as object);
    for (const [type, schema] of Object.entries(STEP_SCHEMAS)) {
      const examples = (schema as { examples?: unknown[] }).examples ?? [];
      expect(examples.length, `an example of ${type}`).toBeGreaterThan(0);
      for (const example of examples)
        expect(validate(example), `${type}: ${ajv.errorsText(validate.errors)}`).toBe(true);
    }
  });
});
