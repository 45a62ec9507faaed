/**
 * The SignalDispatcher over a Temporal client (contract in signals.ts). A hit answers at once; its
 * signal waits in a bounded in-memory queue that a few concurrent lanes drain, retrying transient
 * gRPC failures with exponential backoff, so a Temporal that is briefly slow or restarting loses
 * nothing. Every outcome is counted (stats()).
 *
 * What can be lost, and is counted: a hit that finds the queue full (`full`: the route still
 * answers normally — a pixel is still a pixel — but that event never reaches the journey); a
 * signal still failing after the retry budget (`failed`); what is left when a shutdown's flush
 * times out (`abandoned`). A signal for a journey that has ended is dropped on purpose
 * (`notFound`). The queue lives in this process only: a crash loses what it held, which is why it
 * is bounded and drained on SIGTERM.
 *
 * Delivery is off the request path: a push only adds the job to the queue (p-queue, its lanes
 * bounded by `concurrency`); each job starts its call on a later turn of the event loop
 * (setImmediate), after the request that queued it has been answered. Retries are p-retry's.
 *
 * Dedupe: engagement signals are remembered by (workflow id, event id) in a bounded LRU; a repeat
 * answers `duplicate` without signalling. Tracking routes derive the event id from the message
 * and the event type (event-id.ts), so the second open of an email is a repeat here, and a
 * repeat seen by another server (or after this memory forgot it) is still ignored by the
 * workflow, which keeps the event ids it has applied.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import { LRUCache } from 'lru-cache';
import PQueue from 'p-queue';
import pRetry from 'p-retry';
import { engagementSignal, optInSignal, optOutSignal } from '../workflows/definitions.js';
import type { DispatchResult, JourneySignal, SignalDispatcher } from './signals.js';
import { classifyFailure, failureLabel } from './temporal-errors.js';

export interface DispatcherOptions {
  /** Signals held at most (queued + being delivered); default 10,000. */
  capacity?: number;
  /** Signals delivered concurrently; default 16. */
  concurrency?: number;
  /** (workflow, event) pairs remembered for dedupe; default 100,000. */
  dedupeEntries?: number;
  /** First retry delay, default 200 ms (randomised up to twice that), doubling up to maxBackoffMs (default 10 s). */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** A signal still failing this long after its first attempt is given up (counted); default 5 min. */
  retryBudgetMs?: number;
  /** Deadline of one Temporal call (the SDK's own gRPC retries included); default 10 s. */
  callTimeoutMs?: number;
  /** Where failures are reported (ids of journeys are not logged: they contain debt ids). */
  log?: { warn(meta: Record<string, unknown>, message: string): void };
}

export interface DispatcherStats {
  queued: number;
  duplicate: number;
  full: number;
  delivered: number;
  notFound: number;
  failed: number;
  retried: number;
  abandoned: number;
  /** Contact fan-outs run, and the journeys they found. */
  contactLookups: number;
  contactJourneys: number;
  depth: number;
}

export interface TemporalSignalDispatcher extends SignalDispatcher {
  stats(): DispatcherStats;
  /** The queue is at least 90% full: /readyz turns unready so a load balancer sends hits elsewhere. */
  saturated(): boolean;
  readonly capacity: number;
}

type Job =
  { workflowId: string; signal: JourneySignal; dedupeKey?: string } | { contactKey: string; signal: JourneySignal };

/** Contact keys are keyed hashes (base64url); anything else would be a visibility-query injection. */
const CONTACT_KEY = /^[A-Za-z0-9_-]{8,64}$/;

export function createSignalDispatcher(client: Client, options: DispatcherOptions = {}): TemporalSignalDispatcher {
  const capacity = options.capacity ?? 10_000;
  const concurrency = options.concurrency ?? 16;
  const initialBackoff = options.initialBackoffMs ?? 200;
  const maxBackoff = options.maxBackoffMs ?? 10_000;
  const budget = options.retryBudgetMs ?? 300_000;
  const callTimeout = options.callTimeoutMs ?? 10_000;
  const recent = new LRUCache<string, true>({ max: options.dedupeEntries ?? 100_000 });
  const counts = {
    queued: 0,
    duplicate: 0,
    full: 0,
    delivered: 0,
    notFound: 0,
    failed: 0,
    retried: 0,
    abandoned: 0,
    contactLookups: 0,
    contactJourneys: 0,
  };
  const queue = new PQueue({ concurrency });
  let stopping = false;

  const depth = () => queue.size + queue.pending;

  function push(job: Job): boolean {
    if (depth() >= capacity) return false;
    // run() never rejects: every outcome is counted.
    void queue.add(async () => {
      await nextTurn();
      await run(job);
    });
    return true;
  }

  async function call(job: Extract<Job, { workflowId: string }>): Promise<void> {
    const handle = client.workflow.getHandle(job.workflowId);
    const s = job.signal;
    await client.connection.withDeadline(Date.now() + callTimeout, () => {
      if (s.kind === 'engagement') return handle.signal(engagementSignal, s.signal);
      const consent = { channel: s.channel, ...(s.eventId !== undefined && { eventId: s.eventId }) };
      return handle.signal(s.kind === 'optOut' ? optOutSignal : optInSignal, consent);
    });
  }

  async function contactJourneys(contactKey: string): Promise<string[]> {
    const ids: string[] = [];
    const query = `SettleContact = '${contactKey}' AND ExecutionStatus = 'Running'`;
    await client.connection.withDeadline(Date.now() + callTimeout, async () => {
      for await (const wf of client.workflow.list({ query })) ids.push(wf.workflowId);
    });
    return ids;
  }

  /** Runs `attempt` until it succeeds, the journey is gone, the failure is permanent or the budget is spent. */
  async function withRetries(what: string, attempt: () => Promise<void>): Promise<'ok' | 'not-found' | 'failed'> {
    let attempts = 0;
    try {
      await pRetry(
        (n) => {
          attempts = n;
          return attempt();
        },
        {
          retries: Number.POSITIVE_INFINITY,
          maxRetryTime: budget,
          minTimeout: initialBackoff,
          maxTimeout: maxBackoff,
          factor: 2,
          randomize: true,
          unref: true,
          // p-retry itself never retries a TypeError that is not a network error (a programming
          // error, not Temporal being away): that ends as `failed` at once.
          shouldRetry: ({ error }) => {
            if (stopping || classifyFailure(error) !== 'transient') return false;
            counts.retried += 1;
            return true;
          },
        },
      );
      return 'ok';
    } catch (error) {
      if (classifyFailure(error) === 'not-found') return 'not-found';
      options.log?.warn({ what, error: failureLabel(error), attempts, stopping }, 'signal not delivered');
      return 'failed';
    }
  }

  async function run(job: Job): Promise<void> {
    if ('contactKey' in job) {
      let ids: string[] = [];
      const outcome = await withRetries(
        'contact lookup',
        async () => void (ids = await contactJourneys(job.contactKey)),
      );
      if (outcome !== 'ok') {
        counts.failed += 1;
        return;
      }
      counts.contactLookups += 1;
      counts.contactJourneys += ids.length;
      // Each journey found becomes its own job; when the queue is full the rest are counted as lost.
      for (const workflowId of ids) if (!push({ workflowId, signal: job.signal })) counts.full += 1;
      return;
    }
    const outcome = await withRetries(job.signal.kind, () => call(job));
    if (outcome === 'ok') counts.delivered += 1;
    else if (outcome === 'not-found') counts.notFound += 1;
    else {
      counts.failed += 1;
      // Forget it, so that a later hit of the same event may try again.
      if (job.dedupeKey !== undefined) recent.delete(job.dedupeKey);
    }
  }

  return {
    capacity,
    dispatch(workflowId, signal): DispatchResult {
      const dedupeKey = signal.kind === 'engagement' ? `${workflowId}\u0000${signal.signal.eventId}` : undefined;
      if (dedupeKey !== undefined && recent.get(dedupeKey) !== undefined) {
        counts.duplicate += 1;
        return 'duplicate';
      }
      if (!push({ workflowId, signal, ...(dedupeKey !== undefined && { dedupeKey }) })) {
        counts.full += 1;
        return 'full';
      }
      if (dedupeKey !== undefined) recent.set(dedupeKey, true);
      counts.queued += 1;
      return 'queued';
    },
    dispatchToContact(contactKey, signal): DispatchResult {
      if (!CONTACT_KEY.test(contactKey)) {
        counts.failed += 1;
        options.log?.warn({ what: 'contact lookup' }, 'malformed contact key: nothing signalled');
        return 'queued';
      }
      if (!push({ contactKey, signal })) {
        counts.full += 1;
        return 'full';
      }
      counts.queued += 1;
      return 'queued';
    },
    depth,
    saturated: () => depth() >= capacity * 0.9,
    stats: () => ({ ...counts, depth: depth() }),
    async flush(timeoutMs = 10_000) {
      if (depth() === 0) return;
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
      const result = await Promise.race([queue.onIdle(), timedOut]);
      clearTimeout(timer);
      if (result === 'timeout') {
        // Stop retrying: what is still queued is lost with this process, and counted. Calls in
        // flight end by their deadline (callTimeoutMs); wait for them, so that the caller can
        // close the connection without the SDK retrying on a closed channel.
        stopping = true;
        counts.abandoned += queue.size;
        queue.clear();
        await queue.onIdle();
      }
    },
  };
}
