/**
 * Blocks of a simulation run on worker threads (pool-worker.ts): each idle worker takes the next
 * block; results are handed on in block order, whichever worker finished first, and at most a few
 * blocks per worker are in flight or waiting so that memory stays bounded.
 *
 * The worker loads as the code around it does: dist/simulate/pool-worker.js from the compiled CLI
 * (bin/settle.js), src/simulate/pool-worker.ts through tsx's loader when this module runs as
 * TypeScript (tests, benches, `npx tsx`).
 */
import { Worker } from 'node:worker_threads';
import type { BlockResult, BlockRow, BlockSetup } from './blocks.js';
import type { BlockRequest } from './pool-worker.js';

type Reply = { index: number; result: BlockResult } | { index: number; error: string };

const YOUNG_GENERATION_MB = 24;

function startWorker(setup: BlockSetup): Worker {
  const typescript = import.meta.url.endsWith('.ts');
  const url = new URL(typescript ? './pool-worker.ts' : './pool-worker.js', import.meta.url);
  // Compiled workers start clean (no loader flags of the parent, e.g. a bench run through tsx).
  // A small young generation: V8's default lets each thread's heap grow to ~180 MB for ~50 MB of
  // live data; 24 MB keeps a worker near 60 MB at the same speed (bench/simulate).
  return new Worker(url, {
    workerData: setup,
    resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
    execArgv: typescript ? [...process.execArgv, '--import', 'tsx'] : [],
  });
}

/**
 * Runs `blocks` (taken one by one: `next()` gives the next block or undefined at the end) on
 * `workers` threads and passes each result to `use` in block order.
 */
export async function runOnWorkers(
  setup: BlockSetup,
  workers: number,
  next: () => BlockRow[] | undefined,
  use: (result: BlockResult) => void,
): Promise<void> {
  const threads = Array.from({ length: workers }, () => startWorker(setup));
  const done = new Map<number, BlockResult>();
  let dispatched = 0;
  let used = 0;
  let exhausted = false;
  const window = workers * 3;
  try {
    await new Promise<void>((resolve, reject) => {
      const idle: Worker[] = [];
      const feed = () => {
        while (idle.length > 0 && !exhausted && dispatched - used < window) {
          const rows = next();
          if (rows === undefined) {
            exhausted = true;
            break;
          }
          const request: BlockRequest = { index: dispatched++, rows };
          idle.pop()!.postMessage(request);
        }
        if (exhausted && used === dispatched) resolve();
      };
      for (const w of threads) {
        w.on('message', (reply: Reply) => {
          if ('error' in reply) {
            reject(new Error(`simulation worker failed on block ${reply.index}: ${reply.error}`));
            return;
          }
          done.set(reply.index, reply.result);
          for (let r = done.get(used); r !== undefined; r = done.get(used)) {
            done.delete(used);
            used++;
            try {
              use(r);
            } catch (e) {
              reject(e);
              return;
            }
          }
          idle.push(w);
          feed();
        });
        w.on('error', reject);
        w.on('exit', (code) => {
          if (!exhausted || used < dispatched) reject(new Error(`simulation worker exited (code ${code})`));
        });
        idle.push(w);
      }
      feed();
    });
  } finally {
    await Promise.all(threads.map((w) => w.terminate()));
  }
}
