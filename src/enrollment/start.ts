/**
 * Starting one journey: workflow id `settle/<debtId>/<journey>`. The start carries
 * the enrollment record and a reference to the plan of the journey's current version, published
 * once to the plan store (src/temporal/plan-store.ts); no search attributes: the journey upserts
 * them, keyed hashes only, in its first workflow task. A start is about a kilobyte, so the server
 * takes them nearly as fast as empty ones (bench/enroll).
 *
 * Idempotency: conflict policy FAIL and reuse policy REJECT_DUPLICATE, so a second start of the
 * same id — running or closed within retention — is refused with
 * WorkflowExecutionAlreadyStartedError, which means "already enrolled". USE_EXISTING would
 * be the natural choice while the journey runs, but the SDK's `start()` (1.24) drops the response's
 * `started` flag, so with USE_EXISTING a duplicate would look like a fresh start; FAIL gives the
 * same effect on the server (nothing new, the running journey untouched) and tells them apart.
 *
 * Transient gRPC failures are retried a few times. A retried start can meet the run its own
 * earlier attempt created (the response was lost): a run that began after our first attempt is
 * counted as started, not as an old enrollment.
 */
import { setTimeout as delay } from 'node:timers/promises';
import {
  isGrpcServiceError,
  WorkflowExecutionAlreadyStartedError,
  WorkflowIdConflictPolicy,
  WorkflowIdReusePolicy,
  type Client,
} from '@temporalio/client';
import type { SearchAttributePair } from '@temporalio/common';
import type { EnrollmentData, JourneyPlan } from '../ir/index.js';
import { keyedHash, workflowIdFor } from '../temporal/ids.js';
import { planRefOf, publishPlan } from '../temporal/plan-store.js';
import { journeyAttributes } from '../workflows/search-attributes.js';
import { WORKFLOW_TYPE, type JourneyRefInput } from '../workflows/types.js';

export type StartOutcome = 'started' | 'alreadyEnrolled';

export interface StartRequest {
  taskQueue: string;
  plan: JourneyPlan;
  record: EnrollmentData;
  secret: string;
  /** Enrollment instant (epoch ms): the journey's start on its own clock. */
  nowMs: number;
  timeScale?: number;
  /** The segment that routed the record (a metric label of the journey's business figures). */
  segment?: string;
}

export interface RetryOptions {
  attempts: number;
  /** First back-off; doubles per attempt. */
  delayMs: number;
}

export const DEFAULT_RETRY: RetryOptions = { attempts: 4, delayMs: 250 };

/** How much earlier than our first attempt the server may date a run we created (clock skew). */
const CLOCK_SLACK_MS = 1_000;

// gRPC codes worth another try: UNKNOWN, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, ABORTED, UNAVAILABLE.
const TRANSIENT = new Set([2, 4, 8, 10, 14]);

/** True for a failure that may pass if tried again (the service was busy or briefly away). */
export function isTransient(e: unknown): boolean {
  for (
    let err: unknown = e, depth = 0;
    err !== undefined && depth < 4;
    err = (err as { cause?: unknown }).cause, depth++
  ) {
    if (isGrpcServiceError(err)) return TRANSIENT.has(err.code);
  }
  return false;
}

export function journeyInput(req: StartRequest): JourneyRefInput {
  const { record, secret } = req;
  const contactKeys = [
    ...(record.debtor.email !== undefined ? [keyedHash(secret, 'email', record.debtor.email)] : []),
    ...(record.debtor.phone !== undefined ? [keyedHash(secret, 'phone', record.debtor.phone)] : []),
  ];
  return {
    planRef: planRefOf(req.plan),
    enrollment: record,
    options: {
      debtorKey: keyedHash(secret, 'debtor', record.debtor.id),
      contactKeys,
      enrolledAt: req.nowMs,
      ...(req.timeScale !== undefined && { timeScale: req.timeScale }),
      ...(req.segment !== undefined && { segment: req.segment }),
    },
  };
}

/** The search attributes the journey upserts in its first workflow task (not sent with the start). */
export function searchAttributes(input: JourneyRefInput): SearchAttributePair[] {
  return journeyAttributes(input.planRef.journey, input.planRef.version, input.options);
}

/** Starts the journey of one record; resolves how it went, rejects when Temporal keeps failing. */
export async function startJourney(
  client: Client,
  req: StartRequest,
  retry: RetryOptions = DEFAULT_RETRY,
): Promise<StartOutcome> {
  const input = journeyInput(req);
  const workflowId = workflowIdFor(req.record.debtId, req.plan.journey);
  const firstAttemptAt = Date.now();
  for (let attempt = 1; ; attempt++) {
    try {
      await publishPlan(client, req.taskQueue, req.plan);
      await client.workflow.start(WORKFLOW_TYPE, {
        workflowId,
        taskQueue: req.taskQueue,
        args: [input],
        workflowIdConflictPolicy: WorkflowIdConflictPolicy.FAIL,
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      });
      return 'started';
    } catch (e) {
      if (e instanceof WorkflowExecutionAlreadyStartedError) {
        if (attempt === 1) return 'alreadyEnrolled';
        return (await startedSince(client, workflowId, firstAttemptAt)) ? 'started' : 'alreadyEnrolled';
      }
      if (!isTransient(e) || attempt >= retry.attempts) throw e;
      await delay(retry.delayMs * 2 ** (attempt - 1));
    }
  }
}

async function startedSince(client: Client, workflowId: string, sinceMs: number): Promise<boolean> {
  const desc = await client.workflow.getHandle(workflowId).describe();
  return desc.startTime.getTime() >= sinceMs - CLOCK_SLACK_MS;
}
