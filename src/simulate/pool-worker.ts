/**
 * A worker thread of `settle simulate --workers N` (pool.ts starts it): builds its block runner
 * from the run's setup (workerData: plans, segments, the behaviour document), then answers each
 * block posted to it with the block's result, or with the error that stopped it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { blockRunner, type BlockRow, type BlockSetup } from './blocks.js';

export interface BlockRequest {
  index: number;
  rows: BlockRow[];
}

const run = blockRunner(workerData as BlockSetup);
const port = parentPort!;

port.on('message', (request: BlockRequest) => {
  run(request.rows).then(
    (result) => port.postMessage({ index: request.index, result }),
    (e: unknown) =>
      port.postMessage({ index: request.index, error: e instanceof Error ? (e.stack ?? e.message) : String(e) }),
  );
});
