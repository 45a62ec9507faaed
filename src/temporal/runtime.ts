/**
 * The Temporal SDK runtime of a process, installed once before any NativeConnection or Worker
 * exists (those call Runtime.instance(), which would install the SDK's defaults). Settle owns
 * SIGINT/SIGTERM itself (src/lifecycle/shutdown.ts): the SDK's own handlers, on by default for
 * SIGINT, SIGTERM, SIGQUIT and SIGUSR2, would start a second, unbounded shutdown of the worker.
 * The SDK's log lines (worker lifecycle, workflow and activity logs, and core's own warnings) go
 * through the process's logger (src/log: JSON lines on stderr with `service`, no personal data)
 * rather than to stdout, where they would break `settle dev --json`.
 */
import { Runtime, type RuntimeOptions, type TelemetryOptions } from '@temporalio/worker';
import type { Logger } from '../log/index.js';
import { temporalLogger } from '../log/temporal.js';

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
  log: Logger,
  options: Omit<RuntimeOptions, 'shutdownSignals' | 'logger'> = {},
  onTelemetryError?: (e: Error) => void,
): RuntimeInstall {
  const logging = options.telemetryOptions?.logging ?? FORWARDED_LOGS;
  const logger = temporalLogger(log);
  try {
    Runtime.install({
      ...options,
      logger,
      telemetryOptions: { ...options.telemetryOptions, logging },
      shutdownSignals: [],
    });
    return 'installed';
  } catch (e) {
    if (options.telemetryOptions?.metrics === undefined) return 'existing';
    try {
      Runtime.install({ ...options, logger, telemetryOptions: { logging }, shutdownSignals: [] });
      onTelemetryError?.(e as Error);
      return 'without-telemetry';
    } catch {
      return 'existing';
    }
  }
}
