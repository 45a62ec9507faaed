import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { WORKFLOWS_PATH } from '../../src/temporal/journey-worker.js';

const silent = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };

describe('the workflow bundle (Temporal sandbox)', () => {
  it('bundles src/workflows with CEL inside and without Node built-ins, ajv, yaml or liquid', async () => {
    const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: silent });
    expect(code).toContain('journeyWorkflow');
    expect(code).toContain('@marcbachmann/cel-js');
    for (const forbidden of [
      'node_modules/ajv/',
      'node_modules/yaml/',
      'node_modules/liquidjs/',
      'node_modules/js-yaml/',
      'node_modules/nodemailer/',
    ]) {
      expect(code, forbidden).not.toContain(forbidden);
    }
  }, 60_000);

  it('refuses workflow code that imports the compiler (ajv, node:fs)', async () => {
    const dir = mkdtempSync(join(import.meta.dirname, '.tmp-bundle-'));
    const entry = join(dir, 'bad-workflows.ts');
    writeFileSync(
      entry,
      `import { compilePaths } from '../../../src/compiler/index.js';\nexport async function bad(): Promise<number> { return compilePaths([]).plans.size; }\n`,
    );
    try {
      await expect(bundleWorkflowCode({ workflowsPath: entry, logger: silent })).rejects.toThrow(
        /Webpack finished with errors/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
