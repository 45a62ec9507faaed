/**
 * /readyz and the placeholder /metrics of the server process. Ready means: Temporal answers (a
 * cheap GetSystemInfo, cached a second so probes cannot hammer it) and the signal queue is not
 * saturated — an unready instance makes the load balancer send hits to another one.
 */
import type { Connection } from '@temporalio/client';
import type { DispatcherStats, TemporalSignalDispatcher } from './signal-dispatcher.js';

export function serverReadiness(
  connection: Connection,
  dispatcher: Pick<TemporalSignalDispatcher, 'saturated'>,
  { cacheMs = 1_000, timeoutMs = 2_000 } = {},
): () => Promise<boolean> {
  let last: { at: number; ok: Promise<boolean> } | undefined;
  return async () => {
    if (dispatcher.saturated()) return false;
    const now = Date.now();
    if (!last || now - last.at >= cacheMs) {
      const ok = connection
        .withDeadline(now + timeoutMs, () => connection.workflowService.getSystemInfo({}))
        .then(
          () => true,
          () => false,
        );
      last = { at: now, ok };
    }
    return last.ok;
  };
}

/**
 * Prometheus text for the dispatcher's counters, until the metrics module (src/metrics) takes
 * over /metrics: `settle_server_signals_total{outcome}` and the queue depth.
 */
export function dispatcherMetricsText(stats: DispatcherStats): string {
  const outcomes = ['queued', 'duplicate', 'full', 'delivered', 'notFound', 'failed', 'retried', 'abandoned'] as const;
  return [
    '# HELP settle_up Whether this Settle process is up.',
    '# TYPE settle_up gauge',
    'settle_up 1',
    '# HELP settle_server_signals_total Signals of tracking hits and webhooks, by what became of them.',
    '# TYPE settle_server_signals_total counter',
    ...outcomes.map((o) => `settle_server_signals_total{outcome="${o}"} ${stats[o]}`),
    '# HELP settle_server_signal_queue_depth Signals waiting to be delivered to Temporal.',
    '# TYPE settle_server_signal_queue_depth gauge',
    `settle_server_signal_queue_depth ${stats.depth}`,
    '',
  ].join('\n');
}
