/** Writes schemas/*.json from src/dsl (the single source of truth). Run: npm run schemas */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderSchemas } from '../src/dsl/render-schemas.js';
import { KIND_VALIDATORS_FILE, renderKindValidators } from '../src/compiler/validators-source.js';

const dir = join(import.meta.dirname, '..', 'schemas');
mkdirSync(dir, { recursive: true });
for (const [file, content] of Object.entries(renderSchemas())) {
  writeFileSync(join(dir, file), content);
  console.log(`wrote schemas/${file}`);
}

const root = join(import.meta.dirname, '..');
mkdirSync(join(root, 'src', 'compiler', 'generated'), { recursive: true });
writeFileSync(join(root, KIND_VALIDATORS_FILE), renderKindValidators());
console.log(`wrote ${KIND_VALIDATORS_FILE}`);
