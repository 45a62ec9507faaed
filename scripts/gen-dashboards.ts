/** Writes grafana/dashboards/*.json from scripts/dashboards (boards as code). Run: npm run dashboards */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderDashboards } from './dashboards/index.js';

const dir = join(import.meta.dirname, '..', 'grafana', 'dashboards');
mkdirSync(dir, { recursive: true });
for (const [file, content] of Object.entries(renderDashboards())) {
  writeFileSync(join(dir, file), content);
  console.log(`wrote grafana/dashboards/${file}`);
}
