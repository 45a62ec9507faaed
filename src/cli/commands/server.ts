/**
 * settle server: the HTTP server — tracking, landing page, provider webhooks,
 * /healthz, /readyz, /metrics — on SETTLE_HTTP_ADDR, signalling journeys on Temporal. Exit 2
 * without SETTLE_SECRET (or when the address is taken), 3 when Temporal is unreachable. On
 * SIGTERM/SIGINT it stops accepting connections, answers the requests in flight, delivers the
 * signals still queued (up to SETTLE_SHUTDOWN_GRACE; what remains is counted and reported), then exits.
 */
import type { FastifyBaseLogger } from 'fastify';
import { requireSecret, type LogLevel } from '../../config/env.js';
import { loadConfigFor } from '../../config/roles.js';
import { createServerApp } from '../../server/app.js';
import { serverDepsFromConfig } from '../../server/from-config.js';
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
}

function signalled(): { promise: Promise<void>; dispose: () => void } {
  let dispose = () => {};
  const promise = new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
    dispose = () => {
      process.off('SIGINT', resolve);
      process.off('SIGTERM', resolve);
    };
  });
  return { promise, dispose };
}

export async function server(
  argv: string[],
  io: Io,
  vars: Record<string, string | undefined> = process.env,
  options: ServerRunOptions = {},
): Promise<number> {
  const { opts: values } = parseCommand<{ logLevel?: LogLevel }>('server', argv);
  const config = loadConfigFor('server', vars);
  const level = values.logLevel ?? config.logLevel;
  const secret = requireSecret(config);
  const temporal = await connectClient(config.temporal);
  // The dispatcher logs through the app's logger, which exists once the app does.
  const logs: { to?: FastifyBaseLogger } = {};
  const { deps, dispatcher, disabled } = serverDepsFromConfig(config, secret, temporal, {
    log: { level },
    dispatcherOptions: { log: { warn: (meta, message) => logs.to?.warn(meta, message) } },
  });
  const app = createServerApp(deps);
  logs.to = app.log;
  const stop = options.until ? { promise: options.until, dispose: () => {} } : signalled();
  try {
    const { host, port } = config.httpAddr;
    try {
      await app.listen({ host, port });
    } catch (e) {
      throw new CliError(
        `cannot listen on ${host}:${port} (${(e as Error).message}) — set SETTLE_HTTP_ADDR to a free host:port`,
        EXIT.usage,
      );
    }
    const address = app.server.address();
    const url = `http://${host}:${address && typeof address === 'object' ? address.port : port}`;
    for (const d of disabled) io.err(`note: not serving ${d}\n`);
    io.err(
      `server listening on ${url} (links: ${config.publicUrl}); Temporal ${config.temporal.address} namespace ${config.temporal.namespace}\n`,
    );
    options.onListening?.(url);
    await stop.promise;
    io.err('server stopping: finishing requests and delivering queued signals\n');
  } finally {
    stop.dispose();
    await app.close();
    await dispatcher.flush(options.flushTimeoutMs ?? config.shutdownGraceMs);
    const { abandoned, failed } = dispatcher.stats();
    if (abandoned + failed > 0)
      io.err(`server: ${abandoned} queued signals not delivered at shutdown, ${failed} failed\n`);
    await temporal.connection.close();
  }
  return EXIT.ok;
}
