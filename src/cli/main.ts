/**
 * The `settle` command line (docs/ARCHITECTURE.md). Each command is a function of argv and an Io,
 * so tests run it in-process; exit codes: 0 ok, 1 invalid input or failed check, 2 usage or
 * configuration error, 3 service unreachable. The commands are known from the table in spec.ts;
 * only the chosen command's module is imported, so `settle validate` never loads Temporal,
 * fastify, Stripe or Twilio. Keep the imports here light.
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config/env.js';
import { CliError, EXIT, processIo, UsageError, type Io } from './io.js';
import { COMMANDS, commandFor, isCommandName, usageLine, type CommandName } from './spec.js';

export interface CliEnv {
  publicUrl: string;
  nowMs: number;
  /** Environment variables for loadConfig (docs/operations.md); none (all defaults) when absent. */
  vars?: Record<string, string | undefined>;
}

export function cliEnvFromProcess(): CliEnv {
  return { publicUrl: process.env.SETTLE_PUBLIC_URL ?? 'http://127.0.0.1:8080', nowMs: Date.now(), vars: process.env };
}

type Runner = (argv: string[], io: Io, env: CliEnv) => number | Promise<number>;

/** Each command's module, imported only when that command runs. */
const RUNNERS: Record<CommandName, () => Promise<Runner>> = {
  validate: async () => (await import('./commands/validate.js')).validate,
  plan: async () => (await import('./commands/plan.js')).plan,
  diff: async () => (await import('./commands/diff.js')).diff,
  render: async () => (await import('./commands/render.js')).render,
  enroll: async () => (await import('./commands/enroll.js')).enroll,
  event: async () => (await import('./commands/event.js')).event,
  status: async () => (await import('./commands/status.js')).status,
  migrate: async () => {
    const { migrate } = await import('./commands/migrate.js');
    return (argv, io, env) => migrate(argv, io, { vars: env.vars });
  },
  worker: async () => {
    const { worker } = await import('./commands/worker.js');
    return (argv, io, env) => worker(argv, io, env.vars);
  },
  server: async () => {
    const { server } = await import('./commands/server.js');
    return (argv, io, env) => server(argv, io, env.vars);
  },
  dev: async () => {
    const { dev } = await import('./commands/dev.js');
    return (argv, io, env) => dev(argv, io, env.vars);
  },
  simulate: async () => (await import('./commands/simulate.js')).simulate,
  experiments: async () => {
    const { experiments } = await import('./commands/experiments.js');
    return (argv, io, env) => experiments(argv, io, { vars: env.vars });
  },
  config: async () => {
    const { config } = await import('./commands/config.js');
    return (argv, io, env) => config(argv, io, env.vars);
  },
  deploy: async () => {
    const { deploy } = await import('./commands/deploy.js');
    return (argv, io, env) => deploy(argv, io, env.vars);
  },
};

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** The whole program, every command registered from the table; nothing is imported until one runs. */
function program(io: Io, chose: (name: CommandName) => void): Command {
  const p = new Command('settle')
    .description('Settle: collection and dunning journeys as code')
    .version(version(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show this help')
    .exitOverride()
    // `settle --version` is the program's; after a command, its own options (status --version N).
    .enablePositionalOptions()
    .configureOutput({
      writeOut: io.out,
      writeErr: io.err,
      getOutHasColors: () => io.color,
      getErrHasColors: () => false,
    })
    .showSuggestionAfterError()
    .addHelpText(
      'after',
      '\nRun `settle <command> --help` for its arguments and options, `settle --version` for the version.',
    );
  for (const name of Object.keys(COMMANDS) as CommandName[]) {
    const cmd = commandFor(name).copyInheritedSettings(p);
    cmd.showHelpAfterError(`${usageLine(cmd)}\nRun \`settle ${name} --help\` for every option.`);
    cmd.action(() => chose(name));
    p.addCommand(cmd);
  }
  return p;
}

/** Is `e` a TemporalUnavailableError? Checked without loading the Temporal client unless it is one. */
async function temporalUnavailable(e: unknown): Promise<boolean> {
  if (!(e instanceof Error) || e.constructor.name !== 'TemporalUnavailableError') return false;
  const { TemporalUnavailableError } = await import('../temporal/connection.js');
  return e instanceof TemporalUnavailableError;
}

export async function run(argv: string[], io: Io, env: CliEnv): Promise<number> {
  let chosen: CommandName | undefined;
  const p = program(io, (name) => (chosen = name));
  if (argv.length === 0) {
    p.outputHelp({ error: true });
    return EXIT.usage;
  }
  try {
    p.parse(argv, { from: 'user' });
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    // Help and version asked for: 0. Unknown command or option, bad or missing value: 2.
    const asked = ['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(e.code);
    return asked && e.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  const command = chosen;
  if (command === undefined || argv[0] !== command || !isCommandName(command)) return EXIT.usage;
  try {
    const runner = await RUNNERS[command]();
    return await runner(argv.slice(1), io, env);
  } catch (e) {
    if (e instanceof UsageError) {
      const cmd = p.commands.find((c) => c.name() === command);
      io.err(`settle ${command}: ${e.message}\n${cmd ? `${usageLine(cmd)}\n` : ''}`);
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
    if (await temporalUnavailable(e)) {
      io.err(`settle ${command}: ${(e as Error).message}\n`);
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
