/**
 * /readyz of the server process. Ready means: Temporal answers (a
 * cheap GetSystemInfo, cached a second so probes cannot hammer it) and the signal queue is not
 * saturated — an unready instance makes the load balancer send hits to another one.
 */
import type { Connection } from '@temporalio/client';
import type { TemporalSignalDispatcher } from './signal-dispatcher.js';

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
