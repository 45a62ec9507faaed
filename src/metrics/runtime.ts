/**
 * Temporal's own SDK metrics (workflow and activity task latencies, failures, pollers, sticky
 * cache…) on TEMPORAL_METRICS_ADDR, exported by the Rust core under the `temporal_` prefix: the
 * operations board reads them. Pass the result to `Runtime.install({ telemetryOptions })` once per
 * process, before any worker or native connection exists.
 */
import type { TelemetryOptions } from '@temporalio/worker';

export function temporalTelemetry(addr: { host: string; port: number }): TelemetryOptions {
  const host = addr.host.includes(':') ? `[${addr.host}]` : addr.host;
  return {
    metrics: {
      metricPrefix: 'temporal_',
      prometheus: {
        bindAddress: `${host}:${addr.port}`,
        countersTotalSuffix: true,
        useSecondsForDurations: true,
        unitSuffix: true,
      },
    },
  };
}
