/**
 * The HTTP server as a process runs it: the dependencies from the configuration (server-wiring.ts),
 * the fastify app, listening, and one bounded stop (stop accepting, answer what is in flight,
 * deliver the queued signals). `settle server` and `settle dev` both build on it.
 */
import type { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config/env.js';
import { step, type StepOutcome } from '../lifecycle/shutdown.js';
import { createServerApp } from '../server/app.js';
import type { ServerDeps } from '../server/deps.js';
import { serverDepsFromConfig, type ServerOverrides, type ServerWiring } from './server-wiring.js';

export interface HttpServer extends ServerWiring {
  app: FastifyInstance;
  /** Listens on `config.httpAddr`; resolves with the URL (the port the OS gave when 0 was asked). */
  listen(): Promise<string>;
  /**
   * Stops: closes the listener within `closeMs` (requests still unanswered are then cut; their
   * clients retry), then delivers the queued signals within `flushMs`.
   */
  drain(o: {
    closeMs: number;
    flushMs: number | (() => number);
    say: (line: string) => void;
    marginMs?: number;
  }): Promise<{
    closed: StepOutcome;
    flushed: StepOutcome;
  }>;
}

export function createHttpServer(
  config: Config,
  secret: string,
  temporal: { client: Client; connection: Connection },
  overrides: ServerOverrides = {},
  /** Wraps readiness (dev: ready only while its worker runs too). */
  ready?: (serverReady: ServerDeps['ready']) => ServerDeps['ready'],
): HttpServer {
  const wiring = serverDepsFromConfig(config, secret, temporal, overrides);
  const app = createServerApp(ready ? { ...wiring.deps, ready: ready(wiring.deps.ready) } : wiring.deps);
  return {
    ...wiring,
    app,
    listen: async () => {
      const { host, port } = config.httpAddr;
      await app.listen({ host, port });
      const address = app.server.address();
      return `http://${host}:${address && typeof address === 'object' ? address.port : port}`;
    },
    drain: async ({ closeMs, flushMs, say, marginMs = 1_000 }) => {
      const closed = await step('HTTP server close', closeMs, () => app.close(), say);
      if (closed !== 'done') app.server.closeAllConnections();
      const within = typeof flushMs === 'function' ? flushMs() : flushMs;
      const flushed = await step('signal delivery', within + marginMs, () => wiring.dispatcher.flush(within), say);
      return { closed, flushed };
    },
  };
}
