/**
 * What the runtime commands (enroll, event, status) share: configuration from the environment
 * with its exit codes (2 for a bad variable, 3 when Temporal cannot be reached), and finding the
 * journeys of a debt. A debt's journeys are found by their ids — `settle/<debtId>` (one workflow per
 * debt, whatever journey it is in now), and `settle/<debtId>/<journey>` for each journey name (journeys
 * enrolled before) — with describe, which is authoritative at once, unlike visibility queries.
 */
import {
  WorkflowNotFoundError,
  type Client,
  type Connection,
  type WorkflowExecutionDescription,
} from '@temporalio/client';
import { ConfigError, loadConfig, requireSecret, type Config } from '../config/env.js';
import { connectClient, TemporalUnavailableError } from '../temporal/connection.js';
import { legacyWorkflowIdFor, workflowIdFor } from '../ids/workflow-ids.js';
import { startInput } from '../temporal/plan-store.js';
import { SA } from '../temporal/search-attributes.js';
import type { JourneyStartInput } from '../workflows/types.js';
import { CliError, EXIT, UsageError } from './io.js';

export function configFrom(
  vars: Record<string, string | undefined> | undefined,
  opts: { secret?: boolean } = {},
): Config & { secret?: string } {
  try {
    const config = loadConfig(vars ?? {});
    if (opts.secret) requireSecret(config);
    return config;
  } catch (e) {
    if (e instanceof ConfigError) throw new CliError(e.message, EXIT.usage);
    throw e;
  }
}

/** Raised by connect and by calls that find Temporal gone: exit 3. */
export function unavailable(e: unknown): CliError {
  return new CliError((e as Error).message, EXIT.unavailable);
}

export async function connect(config: Config): Promise<{ client: Client; connection: Connection }> {
  try {
    return await connectClient(config.temporal);
  } catch (e) {
    if (e instanceof TemporalUnavailableError) throw unavailable(e);
    throw e;
  }
}

export interface FoundJourney {
  journey: string;
  workflowId: string;
  description: WorkflowExecutionDescription;
}

async function describe(client: Client, workflowId: string): Promise<WorkflowExecutionDescription | undefined> {
  try {
    return await client.workflow.getHandle(workflowId).describe();
  } catch (e) {
    if (e instanceof WorkflowNotFoundError) return undefined;
    throw new CliError(`cannot describe ${workflowId}: ${(e as Error).message}`, EXIT.unavailable);
  }
}

/** The journey a `settle/<debtId>` workflow is in now: SettleJourney, else its (latest run's) start input. */
async function currentJourney(client: Client, workflowId: string, d: WorkflowExecutionDescription): Promise<string> {
  const upserted = d.typedSearchAttributes.get(SA.journey);
  if (upserted !== undefined) return upserted;
  try {
    const input = await startInput<JourneyStartInput>(client, workflowId);
    if (input) return 'planRef' in input ? input.planRef.journey : input.plan.journey;
  } catch {
    // unreadable: unknown
  }
  return '(unknown)';
}

/**
 * The journeys of a debt that exist (running or closed within retention): its workflow
 * `settle/<debtId>` first, then journeys enrolled before under `settle/<debtId>/<journey>` in the
 * order of `journeys`. With `only`, the debt's workflow counts only while in one of `journeys`.
 */
export async function findJourneys(
  client: Client,
  debtId: string,
  journeys: Iterable<string>,
  only = false,
): Promise<FoundJourney[]> {
  const names = [...journeys];
  const found: FoundJourney[] = [];
  const workflowId = workflowIdFor(debtId);
  const current = await describe(client, workflowId);
  if (current) {
    const journey = await currentJourney(client, workflowId, current);
    if (!only || names.includes(journey)) found.push({ journey, workflowId, description: current });
  }
  for (const journey of names) {
    const legacyId = legacyWorkflowIdFor(debtId, journey);
    const description = await describe(client, legacyId);
    if (description) found.push({ journey, workflowId: legacyId, description });
  }
  return found;
}

export function isRunning(j: FoundJourney): boolean {
  return j.description.status.name === 'RUNNING';
}

const DEBT_ID = /^[^/\s]+$/;

export function checkDebtId(debtId: string): void {
  if (!DEBT_ID.test(debtId))
    throw new UsageError('DEBT_ID has no "/" and no spaces (it is the debtId of the enrollment record)');
}
