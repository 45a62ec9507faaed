import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderSchemas } from '../../src/dsl/render-schemas.js';

const dir = join(import.meta.dirname, '..', '..', 'schemas');

describe('schemas/', () => {
  const rendered = renderSchemas();

  it('matches src/dsl exactly (run `npm run schemas` after changing the DSL)', () => {
    for (const [file, content] of Object.entries(rendered)) {
      expect(readFileSync(join(dir, file), 'utf8'), `schemas/${file} drifted from src/dsl`).toBe(content);
    }
  });

  it('holds no file that src/dsl does not generate', () => {
    expect(readdirSync(dir).sort()).toEqual(Object.keys(rendered).sort());
  });

  it('declares JSON Schema 2020-12 with an $id', () => {
    for (const content of Object.values(rendered)) {
      const s = JSON.parse(content) as { $schema: string; $id: string };
      expect(s.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
      expect(s.$id).toMatch(/^https:\/\/settle\.dev\/schemas\/[a-z]+\.schema\.json$/);
    }
  });
});

describe('example YAML files', () => {
  const root = join(import.meta.dirname, '..', '..', 'journeys');
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (e.name.endsWith('.yaml')) files.push(join(d, e.name));
    }
  };
  walk(root);

  it('exist', () => expect(files.length).toBeGreaterThan(10));

  it.each(files.map((f) => [f.slice(root.length + 1), f]))(
    '%s starts with a yaml-language-server $schema line that resolves',
    (_, f) => {
      const first = readFileSync(f, 'utf8').split('\n')[0]!;
      const m = /^# yaml-language-server: \$schema=(\S+)$/.exec(first);
      expect(m, `first line of ${f}`).not.toBeNull();
      const target = join(f, '..', m![1]!);
      expect(() => readFileSync(target)).not.toThrow();
    },
  );
});
