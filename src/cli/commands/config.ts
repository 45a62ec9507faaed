/**
 * settle config check [--for worker|server|client] [--format text|json]: validates the environment
 * as the named process would at start-up and prints the effective configuration, secrets masked.
 * Exit 0 when it would start, 2 (with every problem, each naming its variable) when it would not.
 */
import { parseArgs } from 'node:util';
import { describeConfig, formatConfigText } from '../../config/describe.js';
import { ConfigError, parseConfig } from '../../config/env.js';
import { loadConfigFor, ROLES } from '../../config/roles.js';
import { EXIT, oneOf, UsageError, type Io } from '../io.js';

export const usage = 'settle config check [--for worker|server|client] [--format text|json]';

export function config(argv: string[], io: Io, vars: Record<string, string | undefined> = {}): number {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { for: { type: 'string' }, format: { type: 'string' } },
    allowPositionals: true,
  });
  if (positionals.length !== 1 || positionals[0] !== 'check') throw new UsageError('the only subcommand is `check`');
  const role = oneOf(values.for, ROLES, 'for', 'worker');
  const format = oneOf(values.format, ['text', 'json'] as const, 'format', 'text');
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
