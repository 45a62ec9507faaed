/**
 * The change of diverged-journey.ts made the replay-safe way: behind `patched()`, so runs that
 * started before it (no marker in their history) keep the old command sequence.
 */
import { patched, upsertSearchAttributes } from '@temporalio/workflow';
import { journeyWorkflow as current } from '../../../src/workflows/journey-workflow.js';
import { SA } from '../../../src/workflows/search-attributes.js';
import type { JourneyInput, JourneyResult } from '../../../src/workflows/types.js';

export async function journeyWorkflow(input: JourneyInput): Promise<JourneyResult> {
  if (patched('settle-step-at-start')) upsertSearchAttributes([{ key: SA.step, value: input.plan.start }]);
  return current(input);
}
