/**
 * The Temporal SDK runtime of a process, installed once before any NativeConnection or Worker
 * exists (those call Runtime.instance(), which would install the SDK's defaults). Settle owns
 * SIGINT/SIGTERM itself (src/lifecycle/shutdown.ts): the SDK's own handlers, on by default for
 * SIGINT, SIGTERM, SIGQUIT and SIGUSR2, would start a second, unbounded shutdown of the worker.
 * The SDK core's own log lines go through `logger` (stderr) rather than to stdout, where they would
 * break `settle dev --json`.
 */
import { Runtime, type RuntimeOptions, type TelemetryOptions } from '@temporalio/worker';

export type RuntimeInstall = 'installed' | 'without-telemetry' | 'existing';

/** Core's warnings and errors forwarded to the runtime's logger. */
const FORWARDED_LOGS: TelemetryOptions['logging'] = { forward: {}, filter: { core: 'WARN', other: 'ERROR' } };

/**
 * Installs the runtime with `shutdownSignals: []`; without the metrics options when those fail
 * (the SDK metrics port is taken). When a runtime exists already in this process (tests), it is
 * kept: Settle's own stop is idempotent, so the SDK's handlers, if that runtime has them, only
 * race it harmlessly.
 */
export function installRuntime(
  options: Omit<RuntimeOptions, 'shutdownSignals'>,
  onTelemetryError?: (e: Error) => void,
): RuntimeInstall {
  const logging = options.telemetryOptions?.logging ?? FORWARDED_LOGS;
  try {
    Runtime.install({ ...options, telemetryOptions: { ...options.telemetryOptions, logging }, shutdownSignals: [] });
    return 'installed';
  } catch (e) {
    if (options.telemetryOptions?.metrics === undefined) return 'existing';
    try {
      Runtime.install({ ...options, telemetryOptions: { logging }, shutdownSignals: [] });
      onTelemetryError?.(e as Error);
      return 'without-telemetry';
    } catch {
      return 'existing';
    }
  }
}
