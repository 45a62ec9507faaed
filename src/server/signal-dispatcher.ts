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
 * Delivery is off the request path: a push only appends to the queue; the lanes start on the next
 * turn of the event loop (setImmediate), once per burst.
 *
 * Dedupe: engagement signals are remembered by (workflow id, event id) in a bounded LRU; a repeat
 * answers `duplicate` without signalling. Tracking routes derive the event id from the message
 * and the event type (event-id.ts), so the second open of an email is a repeat here, and a
 * repeat seen by another server (or after this memory forgot it) is still ignored by the
 * workflow, which keeps the event ids it has applied.
 */
import type { Client } from '@temporalio/client';
import { engagementSignal, optInSignal, optOutSignal } from '../workflows/definitions.js';
import { RecentKeys } from './lru.js';
import type { DispatchResult, JourneySignal, SignalDispatcher } from './signals.js';
import { classifyFailure, failureLabel } from './temporal-errors.js';

export interface DispatcherOptions {
  /** Signals held at most (queued + being delivered); default 10,000. */
  capacity?: number;
  /** Signals delivered concurrently; default 16. */
  concurrency?: number;
  /** (workflow, event) pairs remembered for dedupe; default 100,000. */
  dedupeEntries?: number;
  /** First retry delay, default 200 ms, doubling up to maxBackoffMs (default 10 s). */
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

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

export function createSignalDispatcher(client: Client, options: DispatcherOptions = {}): TemporalSignalDispatcher {
  const capacity = options.capacity ?? 10_000;
  const concurrency = options.concurrency ?? 16;
  const initialBackoff = options.initialBackoffMs ?? 200;
  const maxBackoff = options.maxBackoffMs ?? 10_000;
  const budget = options.retryBudgetMs ?? 300_000;
  const callTimeout = options.callTimeoutMs ?? 10_000;
  const recent = new RecentKeys(options.dedupeEntries ?? 100_000);
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
  // A FIFO as an array with a moving head (compacted now and then): O(1) take.
  let queue: Job[] = [];
  let head = 0;
  let active = 0;
  let stopping = false;
  const idle: (() => void)[] = [];

  const depth = () => queue.length - head + active;

  function take(): Job | undefined {
    if (head >= queue.length) return undefined;
    const job = queue[head++];
    if (head > 1024 && head * 2 > queue.length) {
      queue = queue.slice(head);
      head = 0;
    }
    return job;
  }

  // Calls start after the current I/O callbacks (setImmediate), not inside the request that queued
  // them: a burst of hits is answered first, then its signals go out together.
  let pumpScheduled = false;
  function schedulePump(): void {
    if (pumpScheduled) return;
    pumpScheduled = true;
    setImmediate(() => {
      pumpScheduled = false;
      pump();
    });
  }

  function push(job: Job): boolean {
    if (depth() >= capacity) return false;
    queue.push(job);
    schedulePump();
    return true;
  }

  function pump(): void {
    while (active < concurrency && head < queue.length) {
      const job = take()!;
      active += 1;
      void run(job).finally(() => {
        active -= 1;
        pump();
        if (depth() === 0) for (const resolve of idle.splice(0)) resolve();
      });
    }
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
    const started = Date.now();
    for (let n = 0; ; n++) {
      try {
        await attempt();
        return 'ok';
      } catch (error) {
        const kind = classifyFailure(error);
        if (kind === 'not-found') return 'not-found';
        if (kind === 'permanent' || stopping || Date.now() - started >= budget) {
          options.log?.warn({ what, error: failureLabel(error), attempts: n + 1, stopping }, 'signal not delivered');
          return 'failed';
        }
        counts.retried += 1;
        await sleep(Math.min(maxBackoff, initialBackoff * 2 ** n) * (0.8 + Math.random() * 0.4));
      }
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
      if (dedupeKey !== undefined && recent.seen(dedupeKey)) {
        counts.duplicate += 1;
        return 'duplicate';
      }
      if (!push({ workflowId, signal, ...(dedupeKey !== undefined && { dedupeKey }) })) {
        counts.full += 1;
        return 'full';
      }
      if (dedupeKey !== undefined) recent.add(dedupeKey);
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
      const drained = new Promise<void>((resolve) => idle.push(resolve));
      const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
      const result = await Promise.race([drained, timedOut]);
      clearTimeout(timer);
      if (result === 'timeout') {
        // Stop retrying: what is still queued is lost with this process, and counted. Calls in
        // flight end by their deadline (callTimeoutMs); wait for them, so that the caller can
        // close the connection without the SDK retrying on a closed channel.
        stopping = true;
        counts.abandoned += queue.length - head;
        queue = [];
        head = 0;
        if (active > 0) await new Promise<void>((resolve) => idle.push(resolve));
      }
    },
  };
}
