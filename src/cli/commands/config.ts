/**
 * settle config check [--for worker|server|client] [--format text|json]: validates the environment
 * as the named process would at start-up and prints the effective configuration, secrets masked.
 * Exit 0 when it would start, 2 (with every problem, each naming its variable) when it would not.
 */
import { describeConfig, formatConfigText } from '../../config/describe.js';
import { ConfigError, parseConfig } from '../../config/env.js';
import { loadConfigFor, type Role } from '../../config/roles.js';
import { EXIT, UsageError, type Io } from '../io.js';
import { parseCommand } from '../spec.js';

export function config(argv: string[], io: Io, vars: Record<string, string | undefined> = {}): number {
  const { args: positionals, opts } = parseCommand<{ for: Role; format: 'text' | 'json' }>('config', argv);
  if (positionals.length !== 1 || positionals[0] !== 'check') throw new UsageError('the only subcommand is `check`');
  const role = opts.for;
  const format = opts.format;
  let problems: string[] = [];
  try {
    loadConfigFor(role, vars);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    problems = e.problems;
  }
  const lines = describeConfig(parseConfig(vars).config, vars);
  if (format === 'json') {
    io.out(JSON.stringify({ role, ok: problems.length === 0, problems, variables: lines }, null, 2) + '\n');
  } else {
    io.out(`Effective configuration for the ${role} (secrets hidden):\n${formatConfigText(lines)}`);
    if (problems.length === 0) io.out(`\nOK: the ${role} can start with this configuration.\n`);
  }
  if (problems.length > 0) {
    io.err(`settle config: ${new ConfigError(problems).message}\n`);
    return EXIT.usage;
  }
  return EXIT.ok;
}
