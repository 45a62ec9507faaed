/**
 * Writes the workflow bundle ahead of time: `node --import tsx scripts/build-workflow-bundle.ts FILE`.
 * The container image runs it at build time and sets SETTLE_WORKFLOW_BUNDLE=FILE, so workers
 * start without webpack. The bundle must be built by the same @temporalio/worker version that
 * loads it (both come from the same package-lock.json).
 */
import { resolve } from 'node:path';
import { writeWorkflowBundle } from '../src/temporal/journey-worker.js';

const out = process.argv[2];
if (!out) {
  process.stderr.write('usage: node --import tsx scripts/build-workflow-bundle.ts FILE\n');
  process.exit(2);
}
await writeWorkflowBundle(resolve(out));
process.stderr.write(`workflow bundle written to ${out}\n`);
