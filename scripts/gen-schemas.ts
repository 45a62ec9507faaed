/** Writes schemas/*.json from src/dsl (the single source of truth). Run: npm run schemas */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderSchemas } from '../src/dsl/render-schemas.js';

const dir = join(import.meta.dirname, '..', 'schemas');
mkdirSync(dir, { recursive: true });
for (const [file, content] of Object.entries(renderSchemas())) {
  writeFileSync(join(dir, file), content);
  console.log(`wrote schemas/${file}`);
}
