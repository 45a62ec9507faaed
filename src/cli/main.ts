/**
 * The `settle` command line (DESIGN.md §2). Each command is a function of argv and an Io, so
 * tests run it in-process; exit codes: 0 ok, 1 invalid input or failed check, 2 usage, 3 unreachable.
 */
import { pathToFileURL } from 'node:url';
import { config, usage as configUsage } from './commands/config.js';
import { deploy, usage as deployUsage } from './commands/deploy.js';
import { dev, usage as devUsage } from './commands/dev.js';
import { diff, usage as diffUsage } from './commands/diff.js';
import { enroll, usage as enrollUsage } from './commands/enroll.js';
import { event, usage as eventUsage } from './commands/event.js';
import { plan, usage as planUsage } from './commands/plan.js';
import { render, usage as renderUsage } from './commands/render.js';
import { server, usage as serverUsage } from './commands/server.js';
import { simulate, usage as simulateUsage } from './commands/simulate.js';
import { status, usage as statusUsage } from './commands/status.js';
import { validate, usage as validateUsage } from './commands/validate.js';
import { worker, usage as workerUsage } from './commands/worker.js';
import { ConfigError } from '../config/env.js';
import { TemporalUnavailableError } from '../temporal/connection.js';
import { CliError, EXIT, processIo, UsageError, type Io } from './io.js';

const USAGE = `Settle — collection and dunning journeys as code

Usage:
  ${validateUsage}
  ${planUsage}
  ${diffUsage}
  ${renderUsage}
  ${enrollUsage}
  ${eventUsage}
  ${statusUsage}
  ${workerUsage}
  ${serverUsage}
  ${devUsage}
  ${simulateUsage}
  ${configUsage}
  ${deployUsage}

Run \`settle <command> --help\` for a command's options.
`;

export interface CliEnv {
  publicUrl: string;
  nowMs: number;
  /** Environment variables for loadConfig (DESIGN.md §2); none (all defaults) when absent. */
  vars?: Record<string, string | undefined>;
}

export function cliEnvFromProcess(): CliEnv {
  return { publicUrl: process.env.SETTLE_PUBLIC_URL ?? 'http://127.0.0.1:8080', nowMs: Date.now(), vars: process.env };
}

export async function run(argv: string[], io: Io, env: CliEnv): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    io.out(USAGE);
    return command === undefined ? EXIT.usage : EXIT.ok;
  }
  const commands: Record<string, { usage: string; run: () => number | Promise<number> }> = {
    validate: { usage: validateUsage, run: () => validate(rest, io) },
    plan: { usage: planUsage, run: () => plan(rest, io) },
    diff: { usage: diffUsage, run: () => diff(rest, io) },
    render: { usage: renderUsage, run: () => render(rest, io, env) },
    enroll: { usage: enrollUsage, run: () => enroll(rest, io, env) },
    event: { usage: eventUsage, run: () => event(rest, io, env) },
    status: { usage: statusUsage, run: () => status(rest, io, env) },
    worker: { usage: workerUsage, run: () => worker(rest, io, env.vars) },
    server: { usage: serverUsage, run: () => server(rest, io, env.vars) },
    dev: { usage: devUsage, run: () => dev(rest, io, env.vars) },
    simulate: { usage: simulateUsage, run: () => simulate(rest, io) },
    config: { usage: configUsage, run: () => config(rest, io, env.vars) },
    deploy: { usage: deployUsage, run: () => deploy(rest, io, env.vars) },
  };
  const cmd = commands[command];
  if (!cmd) {
    io.err(`settle: unknown command "${command}"\n\n${USAGE}`);
    return EXIT.usage;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(`Usage: ${cmd.usage}\n`);
    return EXIT.ok;
  }
  try {
    return await cmd.run();
  } catch (e) {
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`settle ${command}: ${(e as Error).message}\nUsage: ${cmd.usage}\n`);
      return EXIT.usage;
    }
    if (e instanceof CliError) {
      io.err(`settle ${command}: ${e.message}\n`);
      return e.exitCode;
    }
    if (e instanceof ConfigError) {
      io.err(`settle ${command}: ${e.message}\n`);
      return EXIT.usage;
    }
    if (e instanceof TemporalUnavailableError) {
      io.err(`settle ${command}: ${e.message}\n`);
      return EXIT.unavailable;
    }
    throw e;
  }
}

/** Runs the process's command line and sets the exit code (used by bin/settle.js). */
export function main(): Promise<void> {
  return run(process.argv.slice(2), processIo(), cliEnvFromProcess()).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`settle: internal error: ${(e as Error).stack ?? String(e)}\n`);
      process.exitCode = 70;
    },
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();

export type { Io };
