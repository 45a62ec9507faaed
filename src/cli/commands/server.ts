/**
 * settle server: the HTTP server — tracking, landing page, provider webhooks,
 * /healthz, /readyz, /metrics — on SETTLE_HTTP_ADDR, signalling journeys on Temporal. Exit 2
 * without SETTLE_SECRET (or when the address is taken), 3 when Temporal is unreachable. On
 * SIGTERM/SIGINT it stops accepting connections, answers the requests in flight, delivers the
 * signals still queued (up to SETTLE_SHUTDOWN_GRACE; what remains is counted and reported), then exits.
 * Logs are JSON lines on stderr (`service: settle-server`, src/log), as the worker's.
 */
import type { DestinationStream } from 'pino';
import { requireSecret, type LogLevel } from '../../config/env.js';
import { loadConfigFor } from '../../config/roles.js';
import { createLogger } from '../../log/index.js';
import { createHttpServer } from '../../app/server-process.js';
import { handleShutdownSignals, step, watchdog } from '../../lifecycle/shutdown.js';
import { connectClient } from '../../temporal/connection.js';
import { CliError, EXIT, type Io } from '../io.js';
import { parseCommand } from '../spec.js';

export interface ServerRunOptions {
  /** Resolves when the server should stop (tests); SIGTERM/SIGINT otherwise. */
  until?: Promise<unknown>;
  /** Called once listening, with the address (tests). */
  onListening?: (url: string) => void;
  /** How long a shutdown waits for queued signals; default SETTLE_SHUTDOWN_GRACE. */
  flushTimeoutMs?: number;
  /** Where the JSON log lines go (tests); default stderr. */
  logStream?: DestinationStream;
}

/** The first SIGINT/SIGTERM stops the server gracefully; a second one exits at once (src/lifecycle/shutdown.ts). */
function signalled(): { promise: Promise<unknown>; dispose: () => void } {
  const signals = handleShutdownSignals();
  return { promise: signals.requested, dispose: signals.dispose };
}

export async function server(
  argv: string[],
  _io: Io,
  vars: Record<string, string | undefined> = process.env,
  options: ServerRunOptions = {},
): Promise<number> {
  const { opts: values } = parseCommand<{ logLevel?: LogLevel }>('server', argv);
  const config = loadConfigFor('server', vars);
  const level = values.logLevel ?? config.logLevel;
  const secret = requireSecret(config);
  const temporal = await connectClient(config.temporal);
  const log = createLogger({
    service: 'settle-server',
    level,
    ...(options.logStream !== undefined && { stream: options.logStream }),
  });
  const http = createHttpServer(config, secret, temporal, {
    log,
    dispatcherOptions: { log: { warn: (meta, message) => log.warn(meta, message) } },
  });
  const stop = options.until ? { promise: options.until, dispose: () => {} } : signalled();
  try {
    let url: string;
    try {
      url = await http.listen();
    } catch (e) {
      const { host, port } = config.httpAddr;
      throw new CliError(
        `cannot listen on ${host}:${port} (${(e as Error).message}) — set SETTLE_HTTP_ADDR to a free host:port`,
        EXIT.usage,
      );
    }
    for (const d of http.disabled) log.info(`not serving ${d}`);
    const { address: temporalAddress, namespace } = config.temporal;
    log.info({ url, publicUrl: config.publicUrl, temporal: temporalAddress, namespace }, 'server listening');
    options.onListening?.(url);
    await stop.promise;
    log.info('server stopping: finishing requests and delivering queued signals');
  } finally {
    // Every step has a deadline within SETTLE_SHUTDOWN_GRACE (plus the connection's close).
    const graceMs = options.flushTimeoutMs ?? config.shutdownGraceMs;
    const cancelWatchdog = watchdog(graceMs + 5_000, 'settle server: stopping overran its deadline: exiting now');
    const say = (line: string) => log.warn(line.trim());
    const t0 = Date.now();
    // Requests still not answered after the close are cut (their clients retry); the signals they queued are delivered.
    const { closed, flushed } = await http.drain({
      closeMs: Math.max(1_000, graceMs / 2),
      flushMs: () => Math.max(1_000, graceMs - (Date.now() - t0)),
      say,
    });
    const { abandoned, failed } = http.dispatcher.stats();
    if (abandoned + failed > 0) log.warn({ abandoned, failed }, 'queued signals not delivered at shutdown');
    // The client retries on timers that throw once its channel is closed: closed only when nothing uses it.
    if (closed === 'done' && flushed === 'done')
      await step('Temporal connection close', 2_000, () => temporal.connection.close(), say);
    // Something abandoned above must not keep the process alive (not when a test runs the server in-process).
    else if (!options.until) setTimeout(() => process.exit(), 1_000).unref();
    stop.dispose();
    cancelWatchdog();
  }
  return EXIT.ok;
}
