/**
 * Metrics, counted at the edges (never in workflow code): one prom-client Registry per process, created here and
 * passed down; every definition lives in definitions.ts. The worker counts around its activities
 * (activities.ts) and serves /metrics on SETTLE_WORKER_METRICS_ADDR (http.ts); the server counts
 * tracking hits and the signals it hands to journeys (server.ts) and serves its own /metrics;
 * Temporal's SDK exports its own metrics on TEMPORAL_METRICS_ADDR (runtime.ts). No default Node
 * metrics: `promtool check metrics` lints the project's registry clean.
 */
import { Registry } from 'prom-client';
import { createSettleMetrics, type MetricSources, type SettleMetrics } from './definitions.js';

export interface ProcessMetrics {
  registry: Registry;
  metrics: SettleMetrics;
  /** The Prometheus text exposition of this process's registry. */
  text(): Promise<string>;
}

export function createProcessMetrics(sources: MetricSources = {}): ProcessMetrics {
  const registry = new Registry();
  const metrics = createSettleMetrics(registry, sources);
  return { registry, metrics, text: () => registry.metrics() };
}

export { instrumentActivities, contactRuleMetrics } from './activities.js';
export { createSettleMetrics, type MetricSources, type SettleMetrics } from './definitions.js';
export { startMetricsServer, type MetricsServer } from './http.js';
export { temporalTelemetry } from './runtime.js';
export { createServerMetrics, journeyLabel, stepLabel, type ServerMetrics } from './server.js';
export { activeJourneysFromTemporal, dispatcherSignals } from './sources.js';
