/** What the server reads at scrape time: running journeys from Temporal visibility, the dispatcher's totals. */
import type { Client } from '@temporalio/client';
import type { DispatcherStats } from '../server/signal-dispatcher.js';

const OUTCOMES = ['queued', 'duplicate', 'full', 'delivered', 'notFound', 'failed', 'retried', 'abandoned'] as const;

/** settle_server_signals_total{outcome} and the queue depth from the dispatcher's stats. */
export function dispatcherSignals(
  stats: () => DispatcherStats,
): () => { counts: Record<string, number>; depth: number } {
  return () => {
    const s = stats();
    return { counts: Object.fromEntries(OUTCOMES.map((o) => [o, s[o]])), depth: s.depth };
  };
}

/**
 * Running journeys (a visibility count), cached so that scrapes every second cost one count every
 * `cacheMs`; undefined (the gauge keeps its last value) when Temporal does not answer in time.
 */
export function activeJourneysFromTemporal(
  client: Pick<Client, 'workflow'>,
  { cacheMs = 5_000, timeoutMs = 2_000 } = {},
): () => Promise<number | undefined> {
  let last: { at: number; value: Promise<number | undefined> } | undefined;
  return () => {
    const now = Date.now();
    if (!last || now - last.at >= cacheMs) {
      const timeout = new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), timeoutMs).unref());
      const count = client.workflow
        .count('WorkflowType = "journeyWorkflow" AND ExecutionStatus = "Running"')
        .then((r) => r.count)
        .catch(() => undefined);
      last = { at: now, value: Promise.race([count, timeout]) };
    }
    return last.value;
  };
}
