/**
 * Starting one journey: workflow id `settle/<debtId>`, one per debt whatever its journey. The start carries
 * the enrollment record and a reference to the plan of the journey's current version, published
 * once to the plan store (src/temporal/plan-store.ts); no search attributes: the journey upserts
 * them, keyed hashes only, in its first workflow task. A start is about a kilobyte, so the server
 * takes them nearly as fast as empty ones (bench/enroll).
 *
 * Idempotency: conflict policy FAIL and reuse policy REJECT_DUPLICATE, so a second start of the
 * same id — running or closed within retention — is refused with
 * WorkflowExecutionAlreadyStartedError. For a journey that still runs this is a re-import: the
 * journey gets the `reenroll` signal with the record's new facts and the journey the segments route
 * it to now (its plan published first, so a move can load it), and the row counts as `updated`;
 * never a second journey for the debt. A closed one means "already enrolled". USE_EXISTING would
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
  WorkflowNotFoundError,
  type Client,
} from '@temporalio/client';
import type { SearchAttributePair } from '@temporalio/common';
import { canonicalJson } from '../core/canonical-json.js';
import type { EnrollmentData, JourneyPlan } from '../ir/index.js';
import { keyedHash, workflowIdFor } from '../ids/workflow-ids.js';
import { publishPlan, startInput } from '../temporal/plan-store.js';
import { planRefOf } from '../ids/plan-ref.js';
import { reenrollSignal } from '../workflows/definitions.js';
import { journeyAttributes } from '../workflows/search-attributes.js';
import {
  WORKFLOW_TYPE,
  type JourneyRefInput,
  type JourneyStartInput,
  type ReenrollSignal,
} from '../workflows/types.js';

/** started: a new journey; updated: the debt's running journey took the new facts (reenroll); alreadyEnrolled: it ended. */
export type StartOutcome = 'started' | 'updated' | 'alreadyEnrolled';

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
  /**
   * The debt's journey enrolled before one workflow per debt (`settle/<debtId>/<journey>`), still
   * running when enrollment began: it gets the new facts; no second journey is started.
   */
  legacyWorkflowId?: string;
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
  if (req.legacyWorkflowId !== undefined) {
    await publishPlan(client, req.taskQueue, req.plan);
    return updateRunning(client, req.legacyWorkflowId, req);
  }
  const input = journeyInput(req);
  const workflowId = workflowIdFor(req.record.debtId);
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
        const desc = await client.workflow.getHandle(workflowId).describe();
        // A retried start may meet the run its own lost first attempt created.
        if (attempt > 1 && desc.startTime.getTime() >= firstAttemptAt - CLOCK_SLACK_MS) return 'started';
        if (desc.status.name !== 'RUNNING') return 'alreadyEnrolled';
        return updateRunning(client, workflowId, req, true);
      }
      if (!isTransient(e) || attempt >= retry.attempts) throw e;
      await delay(retry.delayMs * 2 ** (attempt - 1));
    }
  }
}

/** The signal a running journey of the debt gets when the debt is enrolled again. */
export function reenrollInput(req: StartRequest): ReenrollSignal {
  return {
    enrollment: req.record,
    planRef: planRefOf(req.plan),
    ...(req.segment !== undefined && { segment: req.segment }),
    at: req.nowMs,
  };
}

/**
 * True when the running journey started (this run) with this very record in the journey it routes
 * to now: re-running the same file changes nothing and sends no signal. Unreadable: false.
 */
async function sameEnrollment(client: Client, workflowId: string, req: StartRequest): Promise<boolean> {
  try {
    const input = await startInput<JourneyStartInput>(client, workflowId);
    if (!input) return false;
    const journey = 'planRef' in input ? input.planRef.journey : input.plan.journey;
    return journey === req.plan.journey && canonicalJson(input.enrollment) === canonicalJson(req.record);
  } catch {
    return false;
  }
}

/**
 * Hands the new record to the debt's running journey (unless it started with this very record);
 * a journey that ended (meanwhile) stays as it was: already enrolled.
 */
async function updateRunning(
  client: Client,
  workflowId: string,
  req: StartRequest,
  running = false,
): Promise<StartOutcome> {
  try {
    if (!running && (await client.workflow.getHandle(workflowId).describe()).status.name !== 'RUNNING')
      return 'alreadyEnrolled';
    if (await sameEnrollment(client, workflowId, req)) return 'alreadyEnrolled';
    await client.workflow.getHandle(workflowId).signal(reenrollSignal, reenrollInput(req));
    return 'updated';
  } catch (e) {
    if (e instanceof WorkflowNotFoundError) return 'alreadyEnrolled';
    throw e;
  }
}
