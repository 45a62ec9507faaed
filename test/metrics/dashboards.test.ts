import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderDashboards } from '../../scripts/dashboards/index.js';

const DIR = join(import.meta.dirname, '..', '..', 'grafana', 'dashboards');

interface Panel {
  type: string;
  title: string;
  description?: string;
  fieldConfig?: { defaults?: { unit?: string; thresholds?: { steps?: unknown[] } } };
  targets?: { expr: string; datasource?: unknown }[];
}

describe('Grafana boards as code', () => {
  it('grafana/dashboards/*.json are what scripts/dashboards generate (run `npm run dashboards`)', () => {
    for (const [file, content] of Object.entries(renderDashboards())) {
      expect(readFileSync(join(DIR, file), 'utf8'), file).toBe(content);
    }
  });

  it('every panel has a description, a unit, thresholds and at least one query', () => {
    for (const content of Object.values(renderDashboards())) {
      const panels = (JSON.parse(content) as { panels: Panel[] }).panels.filter((p) => p.type !== 'row');
      expect(panels.length).toBeGreaterThan(5);
      for (const p of panels) {
        expect(p.description, p.title).toBeTruthy();
        expect(p.fieldConfig?.defaults?.unit, p.title).toBeTruthy();
        expect(p.fieldConfig?.defaults?.thresholds?.steps?.length, p.title).toBeGreaterThan(0);
        expect(p.targets?.length, p.title).toBeGreaterThan(0);
      }
    }
  });
});
