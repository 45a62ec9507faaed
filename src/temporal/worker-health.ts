/**
 * The worker's liveness for container health checks: while the worker runs, a small file is
 * rewritten every few seconds with its state; the image's HEALTHCHECK fails when the file is
 * older than 30 s (the process hangs or stopped polling). No port to open or secure.
 */
import { rmSync, writeFileSync } from 'node:fs';
import type { Worker } from '@temporalio/worker';

export function startHealthFile(worker: Pick<Worker, 'getState'>, path: string, intervalMs = 5_000): () => void {
  const beat = () => {
    const state = worker.getState();
    if (state === 'RUNNING') writeFileSync(path, JSON.stringify({ state, at: new Date().toISOString() }) + '\n');
  };
  const timer = setInterval(beat, intervalMs);
  timer.unref();
  return () => {
    clearInterval(timer);
    rmSync(path, { force: true });
  };
}
