/**
 * A deliberately incompatible journeyWorkflow for the replay test's negative check: the real
 * interpreter plus one search-attribute upsert before the first step — the kind of small
 * change (say, "record the step on every step") that breaks every journey already running.
 */
import { upsertSearchAttributes } from '@temporalio/workflow';
import { journeyWorkflow as current } from '../../../src/workflows/journey-workflow.js';
import { SA } from '../../../src/workflows/search-attributes.js';
import type { JourneyInput, JourneyResult } from '../../../src/workflows/types.js';

export async function journeyWorkflow(input: JourneyInput): Promise<JourneyResult> {
  upsertSearchAttributes([{ key: SA.step, value: input.plan.start }]);
  return current(input);
}
