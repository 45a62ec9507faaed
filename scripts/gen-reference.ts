/** Writes docs/reference.md from the code that defines the language. Run: npm run reference */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderReference } from './reference/index.js';

const root = join(import.meta.dirname, '..');
writeFileSync(join(root, 'docs', 'reference.md'), renderReference(root));
console.log('wrote docs/reference.md');
