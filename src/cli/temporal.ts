/**
 * What the runtime commands (enroll, event, status) share: configuration from the environment
 * with its exit codes (2 for a bad variable, 3 when Temporal cannot be reached), and finding the
 * journeys of a debt. A debt's journeys are found by their ids — `settle/<debtId>/<journey>` for
 * each journey name — with describe, which is authoritative at once, unlike visibility queries.
 */
import {
  WorkflowNotFoundError,
  type Client,
  type Connection,
  type WorkflowExecutionDescription,
} from '@temporalio/client';
import { ConfigError, loadConfig, requireSecret, type Config } from '../config/env.js';
import { connectClient, TemporalUnavailableError } from '../temporal/connection.js';
import { workflowIdFor } from '../temporal/ids.js';
import { CliError, EXIT } from './io.js';

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

/** The journeys of a debt that exist (running or closed within retention), in the order of `journeys`. */
export async function findJourneys(
  client: Client,
  debtId: string,
  journeys: Iterable<string>,
): Promise<FoundJourney[]> {
  const found: FoundJourney[] = [];
  for (const journey of journeys) {
    const workflowId = workflowIdFor(debtId, journey);
    try {
      found.push({ journey, workflowId, description: await client.workflow.getHandle(workflowId).describe() });
    } catch (e) {
      if (e instanceof WorkflowNotFoundError) continue;
      throw new CliError(`cannot describe ${workflowId}: ${(e as Error).message}`, EXIT.unavailable);
    }
  }
  return found;
}

export function isRunning(j: FoundJourney): boolean {
  return j.description.status.name === 'RUNNING';
}
