/**
 * Bridges to pino for the Temporal SDK: its Runtime logger (worker lifecycle, workflow and
 * activity logs with workflowId, runId, activityType…), the activities' own lines (email sent,
 * webhook failed…), and an activity interceptor that writes one line per activity attempt with
 * the journey, version and step it belongs to.
 */
import type { LogLevel as TemporalLogLevel, LogMetadata, Logger as TemporalLogger } from '@temporalio/common';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import type { Logger } from 'pino';

const LEVELS: Record<TemporalLogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/** The SDK's Logger interface (message first, then fields) on top of a pino logger. */
export function activityLog(log: Logger): TemporalLogger {
  const at =
    (level: TemporalLogLevel) =>
    (message: string, meta?: LogMetadata): void =>
      log[LEVELS[level]]({ ...meta }, message);
  return {
    log: (level, message, meta) => at(level)(message, meta),
    trace: at('TRACE'),
    debug: at('DEBUG'),
    info: at('INFO'),
    warn: at('WARN'),
    error: at('ERROR'),
  };
}

/** The Temporal SDK's Runtime logger: its lines (`source: temporal`) through a pino logger. */
export function temporalLogger(log: Logger): TemporalLogger {
  return activityLog(log.child({ source: 'temporal' }));
}

/** The ids of a journey activity's input (MessageContext), if it has them. */
function journeyFields(args: unknown[]): Record<string, unknown> {
  const input = args[0];
  if (typeof input !== 'object' || input === null) return {};
  const { workflowId, journey, version, step } = input as Record<string, unknown>;
  return { workflowId, journey, version, step };
}

/** One line per activity attempt: what ran, for which journey step, how it ended. */
export function activityLogInterceptor(log: Logger): ActivityInterceptorsFactory {
  return (ctx) => ({
    inbound: {
      async execute(input, next) {
        const started = Date.now();
        const fields = {
          activity: ctx.info.activityType,
          attempt: ctx.info.attempt,
          ...journeyFields(input.args),
          workflowId: ctx.info.workflowExecution?.workflowId,
        };
        try {
          const result = await next(input);
          log.debug({ ...fields, outcome: 'completed', durationMs: Date.now() - started }, 'activity completed');
          return result;
        } catch (e) {
          log.warn({ ...fields, outcome: 'failed', durationMs: Date.now() - started, err: e }, 'activity failed');
          throw e;
        }
      },
    },
  });
}
