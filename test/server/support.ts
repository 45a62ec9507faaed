/** Fixtures for the server tests: a recording dispatcher, tokens, an app with captured logs. */
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { signLinkToken, type LinkClaims } from '../../src/channels/tokens.js';
import { createLogger } from '../../src/log/index.js';
import { createServerApp } from '../../src/server/app.js';
import type { HitKind, HitTags, ServerDeps } from '../../src/server/deps.js';
import type { DispatchResult, JourneySignal, SignalDispatcher } from '../../src/server/signals.js';

export const SECRET = 'server-test-secret-0123456789abcdefghij';
export const PUBLIC_URL = 'https://settle.example.test';
/** A browser's user agent: not a machine. */
export const BROWSER =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15';

export interface Recorded {
  workflowId?: string;
  contactKey?: string;
  signal: JourneySignal;
}

/** A dispatcher that records what it is given and answers `result` (default queued). */
export function recordingDispatcher(
  result: () => DispatchResult = () => 'queued',
): SignalDispatcher & { calls: Recorded[] } {
  const calls: Recorded[] = [];
  return {
    calls,
    dispatch(workflowId, signal) {
      calls.push({ workflowId, signal });
      return result();
    },
    dispatchToContact(contactKey, signal) {
      calls.push({ contactKey, signal });
      return result();
    },
    depth: () => 0,
    flush: async () => {},
  };
}

export const MESSAGE = { w: 'settle/INV-7/soft', s: 'first-email', c: 'email', k: 'settle/INV-7/soft/first-email/1' };

/** A link token issued `ageMs` before `now` (default: a minute, well past the machine window). */
export function token(
  claims: Partial<LinkClaims> & Pick<LinkClaims, 'p'>,
  now = Date.now(),
  ageMs = 60_000,
  ttlMs?: number,
): string {
  return signLinkToken(SECRET, { ...MESSAGE, ...claims }, ttlMs, now - ageMs);
}

export interface TestApp {
  app: FastifyInstance;
  dispatcher: ReturnType<typeof recordingDispatcher>;
  hits: { kind: HitKind; tags: HitTags }[];
  logs: string[];
}

export function testApp(overrides: Partial<ServerDeps> = {}, result?: () => DispatchResult): TestApp {
  const dispatcher = recordingDispatcher(result);
  const hits: TestApp['hits'] = [];
  const logs: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      logs.push(chunk.toString('utf8'));
      done();
    },
  });
  const app = createServerApp({
    secret: SECRET,
    publicUrl: PUBLIC_URL,
    dispatcher,
    lookup: { view: async () => undefined },
    ready: async () => true,
    metrics: async () => 'settle_up 1\n',
    hits: { onHit: (kind, tags) => void hits.push({ kind, tags }) },
    log: createLogger({ service: 'settle-server', level: 'info', stream }),
    ...overrides,
  });
  return { app, dispatcher, hits, logs };
}
