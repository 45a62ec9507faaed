/**
 * Running journeys as `settle deploy` reports them: one pass over Temporal's visibility store
 * (`WorkflowType = 'journeyWorkflow' AND ExecutionStatus = 'Running'`), counted per journey and
 * version (SettleJourney, SettleVersion) and per step they wait in (SettleStep, upserted only when a
 * journey starts waiting, so a journey between two waits counts as "busy"). A journey enrolled by
 * reference has these attributes once a worker ran its first task; until then its journey comes
 * from its workflow id and its version from its start input. Visibility is
 * eventually consistent: a journey started a second ago may not be listed yet.
 */
import type { Client } from '@temporalio/client';
import { parseWorkflowId } from '../../ids/workflow-ids.js';
import { startInputRef } from '../../temporal/plan-store.js';
import { SA } from '../../temporal/search-attributes.js';

export const RUNNING_JOURNEYS_QUERY = "WorkflowType = 'journeyWorkflow' AND ExecutionStatus = 'Running'";

/** The step name used for running journeys that are not waiting (sending, or just started). */
export const BUSY = '(busy)';
/** The step name of journeys enrolled but not yet run by any worker (their version is read from their start input). */
export const NOT_STARTED = '(no worker ran it yet)';
/** At most this many start inputs are read per report; beyond, such journeys count under version 0. */
const START_INPUT_READS_MAX = 500;

export interface RunningVersion {
  journey: string;
  version: number;
  running: number;
  /** Journeys per step they wait in, most first. */
  steps: { step: string; count: number }[];
}

export async function countRunningJourneys(client: Client): Promise<RunningVersion[]> {
  const byKey = new Map<string, { journey: string; version: number; running: number; steps: Map<string, number> }>();
  let reads = 0;
  for await (const wf of client.workflow.list({ query: RUNNING_JOURNEYS_QUERY })) {
    let journey = wf.typedSearchAttributes.get(SA.journey);
    let version = wf.typedSearchAttributes.get(SA.version);
    let step = wf.typedSearchAttributes.get(SA.step) ?? BUSY;
    if (journey === undefined) {
      // Enrolled by reference and not yet run by a worker: no search attributes yet.
      // Its journey from the id (`settle/<debtId>/<journey>`, journeys enrolled before one workflow per debt), else its start input.
      journey = parseWorkflowId(wf.workflowId)?.journey;
      step = NOT_STARTED;
      if (reads < START_INPUT_READS_MAX) {
        reads += 1;
        const ref = await startInputRef(client, wf.workflowId);
        journey ??= ref?.journey;
        version = ref?.version;
      }
      journey ??= '(unknown)';
    }
    version ??= 0;
    const key = `${journey}\0${version}`;
    const entry = byKey.get(key) ?? { journey, version, running: 0, steps: new Map<string, number>() };
    entry.running += 1;
    entry.steps.set(step, (entry.steps.get(step) ?? 0) + 1);
    byKey.set(key, entry);
  }
  return [...byKey.values()]
    .map((e) => ({
      journey: e.journey,
      version: e.version,
      running: e.running,
      steps: [...e.steps]
        .map(([step, count]) => ({ step, count }))
        .sort((a, b) => b.count - a.count || a.step.localeCompare(b.step)),
    }))
    .sort((a, b) => a.journey.localeCompare(b.journey) || a.version - b.version);
}
