/**
 * Process entry point of a journey worker (the container image runs this; `settle worker` is the
 * same thing behind the CLI). Configuration comes from the environment only (docs/operations.md).
 */
import { ConfigError } from '../src/config/env.js';
import { worker } from '../src/cli/commands/worker.js';
import { processIo } from '../src/cli/io.js';
import { TemporalUnavailableError } from '../src/temporal/connection.js';

try {
  process.exitCode = await worker(process.argv.slice(2), processIo());
} catch (e) {
  if (e instanceof ConfigError) {
    process.stderr.write(`settle worker: ${e.message}\n`);
    process.exitCode = 2;
  } else if (e instanceof TemporalUnavailableError) {
    process.stderr.write(`settle worker: ${e.message}\n`);
    process.exitCode = 3;
  } else {
    throw e;
  }
}
