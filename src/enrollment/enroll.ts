/**
 * Enrolling a portfolio (`settle enroll`): every row is validated, routed to a
 * journey and started, with a bounded pool of starts in flight — each start is a round trip to
 * Temporal, so throughput comes from overlapping them, and the bound keeps memory flat and the
 * server unflooded however large the file. Rows are read in order while starts complete in any
 * order. Bad and unmatched rows are reported after the good ones were processed; only Temporal
 * failing for good stops the run (EnrollAbortedError, with what was done so far: re-running the
 * file is safe, enrollment being idempotent). One journey per debt: a row whose debt already runs
 * updates that journey (the `reenroll` signal, counted as `updated`). Before the first row the
 * project's routing table is published (src/temporal/routing-store.ts): hand-overs route with it.
 */
import type { Client } from '@temporalio/client';
import { validateRecord } from '../project/record.js';
import { declaredAttributes, type Project } from '../project/project.js';
import type { EnrollmentData, JourneyPlan } from '../ir/index.js';
import { invalidReason } from '../routing/invalid-reason.js';
import type { PortfolioRow } from '../project/record.js';
import { publishRoutingTable } from '../temporal/routing-store.js';
import { createRouter } from '../routing/route.js';
import { legacyJourneys } from './legacy.js';
import { routingTableOf } from '../routing/table.js';
import { DEFAULT_RETRY, startJourney, type RetryOptions, type StartOutcome } from './start.js';

export interface EnrollOptions {
  client: Client;
  taskQueue: string;
  /** Compiled plans by journey name (the current version of each). */
  plans: ReadonlyMap<string, JourneyPlan>;
  project: Project;
  rows: AsyncIterable<PortfolioRow>;
  /** Bypass the segments: enroll every row in this journey. */
  journey?: string;
  secret: string;
  /** The enrollment instant: segment rules are evaluated at it and journeys start from it. */
  nowMs: number;
  timeScale?: number;
  /** Starts in flight at once (default 32). */
  concurrency?: number;
  retry?: RetryOptions;
  onProgress?: (progress: EnrollProgress) => void;
}

export interface EnrollProgress {
  /** Rows fully processed (validated, routed, and started or found enrolled). */
  done: number;
  started: number;
  /** Debts whose running journey took the row's new facts (reenroll). */
  updated: number;
  alreadyEnrolled: number;
}

export interface EnrollSummary {
  started: number;
  /** Rows whose debt already had a running journey: it got the new facts (one journey per debt). */
  updated: number;
  alreadyEnrolled: number;
  /** Valid rows no segment matched. */
  unmatched: number;
  unmatchedLines: number[];
  /** Rows that could not be read or are not valid records (line: first line of the row). */
  invalid: { line: number; reason: string }[];
  /** Journeys started per journey name. */
  byJourney: Record<string, number>;
  /** Segment rules that failed to evaluate on a row (counted as no match). */
  evaluationErrors: number;
}

/** Temporal failed for good part-way: what was done until then, and why it stopped. */
export class EnrollAbortedError extends Error {
  constructor(
    readonly summary: EnrollSummary,
    override readonly cause: unknown,
  ) {
    super(`enrollment stopped: ${(cause as Error)?.message ?? String(cause)}`);
  }
}

export function emptySummary(): EnrollSummary {
  return {
    started: 0,
    updated: 0,
    alreadyEnrolled: 0,
    unmatched: 0,
    unmatchedLines: [],
    invalid: [],
    byJourney: {},
    evaluationErrors: 0,
  };
}

type Admitted = { plan: JourneyPlan; record: EnrollmentData; segment?: string } | undefined;

/** Validates and routes a row; records it in the summary when it goes no further. */
function admitter(
  o: EnrollOptions,
  summary: EnrollSummary,
): { admit: (row: PortfolioRow) => Admitted; evaluationErrors: () => number } {
  const attributes = declaredAttributes(o.project);
  const router = createRouter(o.project, o.plans, o.journey !== undefined ? { journey: o.journey } : {});
  const admit = (row: PortfolioRow): Admitted => {
    if (row.error !== undefined) {
      summary.invalid.push({ line: row.line, reason: row.error });
      return undefined;
    }
    const problems = validateRecord(row.record, attributes);
    if (problems.length > 0) {
      summary.invalid.push({ line: row.line, reason: invalidReason(problems) });
      return undefined;
    }
    const record = row.record as EnrollmentData;
    const route = router.route(record, o.nowMs);
    if ('unmatched' in route) {
      summary.unmatched += 1;
      summary.unmatchedLines.push(row.line);
      return undefined;
    }
    return {
      plan: o.plans.get(route.journey)!,
      record,
      ...(route.segment !== undefined && { segment: route.segment }),
    };
  };
  return { admit, evaluationErrors: () => router.evaluationErrors };
}

export async function enrollPortfolio(o: EnrollOptions): Promise<EnrollSummary> {
  if (o.journey !== undefined && !o.plans.has(o.journey)) throw new Error(`no compiled journey named ${o.journey}`);
  const summary = emptySummary();
  const { admit, evaluationErrors } = admitter(o, summary);
  const limit = Math.max(1, o.concurrency ?? 32);
  const inFlight = new Set<Promise<void>>();
  let done = 0;
  let failure: { error: unknown } | undefined;
  const progress = () => {
    done += 1;
    o.onProgress?.({
      done,
      started: summary.started,
      updated: summary.updated,
      alreadyEnrolled: summary.alreadyEnrolled,
    });
  };
  const count = (journey: string, outcome: StartOutcome) => {
    if (outcome === 'started') {
      summary.started += 1;
      summary.byJourney[journey] = (summary.byJourney[journey] ?? 0) + 1;
    } else if (outcome === 'updated') summary.updated += 1;
    else summary.alreadyEnrolled += 1;
    progress();
  };
  let legacy: Map<string, string>;
  try {
    const { since } = await publishRoutingTable(
      o.client,
      o.taskQueue,
      routingTableOf(o.project, o.plans),
      o.plans.values(),
    );
    legacy = await legacyJourneys(o.client, o.taskQueue, since);
  } catch (error) {
    throw new EnrollAbortedError(summary, error);
  }

  try {
    for await (const row of o.rows) {
      if (failure) break;
      const admitted = admit(row);
      if (!admitted) {
        progress();
        continue;
      }
      const { plan, record, segment } = admitted;
      const req = {
        taskQueue: o.taskQueue,
        plan,
        record,
        secret: o.secret,
        nowMs: o.nowMs,
        ...(o.timeScale !== undefined && { timeScale: o.timeScale }),
        ...(segment !== undefined && { segment }),
        ...(legacy.has(record.debtId) && { legacyWorkflowId: legacy.get(record.debtId)! }),
      };
      const tracked: Promise<void> = startJourney(o.client, req, o.retry ?? DEFAULT_RETRY)
        .then(
          (outcome) => count(plan.journey, outcome),
          (error: unknown) => void (failure ??= { error }),
        )
        .finally(() => inFlight.delete(tracked));
      inFlight.add(tracked);
      if (inFlight.size >= limit) await Promise.race(inFlight);
    }
  } finally {
    // Also when reading fails: no start is left running unobserved.
    await Promise.all(inFlight);
  }
  summary.evaluationErrors = evaluationErrors();
  summary.invalid.sort((a, b) => a.line - b.line);
  if (failure) throw new EnrollAbortedError(summary, failure.error);
  return summary;
}
