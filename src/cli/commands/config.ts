/**
 * settle config check [--for worker|server|client] [--format text|json]: validates the environment
 * as the named process would at start-up and prints the effective configuration, secrets masked.
 * Exit 0 when it would start, 2 (with every problem, each naming its variable) when it would not.
 */
import { existsSync } from 'node:fs';
import { describeConfig, formatConfigText } from '../../config/describe.js';
import { ConfigError, parseConfig } from '../../config/env.js';
import { loadConfigFor, type Role } from '../../config/roles.js';
import { compilePaths } from '../../compiler/index.js';
import { journeyEnvProblems, journeyEnvVars } from '../../config/journey-env.js';
import { EXIT, resolvePath, UsageError, type Io } from '../io.js';
import { parseCommand } from '../spec.js';

export function config(argv: string[], io: Io, vars: Record<string, string | undefined> = {}): number {
  const { args: positionals, opts } = parseCommand<{ for: Role; format: 'text' | 'json'; dir: string }>('config', argv);
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
  // The variables the journeys read (webhook steps' url: env:NAME), checked for the process that resolves them.
  const dir = resolvePath(io, opts.dir);
  const journeyVars = existsSync(dir) ? journeyEnvVars(compilePaths([dir]).plans.values()) : [];
  problems.push(...journeyEnvProblems(role, journeyVars, vars));
  const lines = describeConfig(parseConfig(vars).config, vars);
  if (format === 'json') {
    const journeys = journeyVars.map((v) => ({ name: v.name, role: v.role, set: vars[v.name]?.trim() ? true : false }));
    io.out(JSON.stringify({ role, ok: problems.length === 0, problems, variables: lines, journeys }, null, 2) + '\n');
  } else {
    io.out(`Effective configuration for the ${role} (secrets hidden):\n${formatConfigText(lines)}`);
    if (journeyVars.length > 0) {
      io.out(`\nVariables the journeys in ${opts.dir} read (webhook URLs, resolved by the ${journeyVars[0]!.role}):\n`);
      for (const v of journeyVars) io.out(`  ${v.name.padEnd(28)}${vars[v.name]?.trim() ? 'set' : '(not set)'}\n`);
    }
    if (problems.length === 0) io.out(`\nOK: the ${role} can start with this configuration.\n`);
  }
  if (problems.length > 0) {
    io.err(`settle config: ${new ConfigError(problems).message}\n`);
    return EXIT.usage;
  }
  return EXIT.ok;
}
