/** settle worker: runs a Temporal worker for journeys until SIGINT/SIGTERM (then drains in-flight activities). */
import { parseArgs } from 'node:util';
import { loadConfig } from '../../config/env.js';
import { activitiesFromConfig } from '../../temporal/activities-from-config.js';
import { connectWorker, createJourneyWorker } from '../../temporal/worker.js';
import { EXIT, type Io } from '../io.js';

export const usage = 'settle worker [--max-cached-workflows N]';

export async function worker(argv: string[], io: Io, vars: Record<string, string | undefined> = process.env): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { 'max-cached-workflows': { type: 'string' } } });
  const config = loadConfig(vars);
  const wiring = activitiesFromConfig(config);
  const connection = await connectWorker(config.temporal);
  const max = values['max-cached-workflows'] !== undefined ? Number(values['max-cached-workflows']) : undefined;
  const w = await createJourneyWorker({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    activities: wiring.activities,
    ...(max !== undefined && Number.isFinite(max) && { maxCachedWorkflows: max }),
  });
  for (const n of wiring.notes) io.err(`note: ${n}\n`);
  io.err(`worker ready: ${config.temporal.address} namespace ${config.temporal.namespace} task queue ${config.temporal.taskQueue}\n`);
  const stop = () => w.shutdown();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    await w.run();
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await wiring.close();
    await connection.close();
  }
  return EXIT.ok;
}
