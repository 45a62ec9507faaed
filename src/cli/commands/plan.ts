/** settle plan NAME|FILE [--format text|mermaid|json] [--dir DIR]: the compiled plan of one journey. */
import { existsSync } from 'node:fs';
import { formatPlanMermaid, formatPlanText } from '../../views/index.js';
import { closestName } from '../../core/suggest.js';
import { CliError, EXIT, resolvePath, UsageError, type Io } from '../io.js';
import { displayPath, failOnErrors, loadProject, loadProjectOf } from '../project.js';
import { parseCommand } from '../spec.js';

interface Options {
  format: 'text' | 'mermaid' | 'json';
  dir: string;
}

export function plan(argv: string[], io: Io): number {
  const { args: positionals, opts: values } = parseCommand<Options>('plan', argv);
  const format = values.format;
  if (positionals.length !== 1) throw new UsageError('plan takes exactly one journey name or file');
  const target = positionals[0]!;
  const isFile = /\.ya?ml$/i.test(target) || existsSync(resolvePath(io, target));
  // A file is compiled with its own project (the nearest folder with an attributes.yaml), not --dir.
  const result = isFile ? loadProjectOf(target, io) : loadProject(values.dir ?? 'journeys', io);
  let name = target;
  if (isFile) {
    if (!existsSync(resolvePath(io, target))) throw new CliError(`${target}: no such file`, EXIT.usage);
    const shown = displayPath(target, io);
    const found = [...result.project.journeys.values()].find((j) => j.file === shown);
    if (!found) {
      failOnErrors(result, new Set([shown]), io, shown);
      throw new CliError(`${shown} does not define a Journey`, EXIT.invalid);
    }
    name = found.doc.metadata.name;
  }
  const res = result.project.journeys.get(name);
  if (!res) {
    const hint = closestName(name, result.project.journeys.keys());
    throw new CliError(`no journey named "${name}"${hint ? ` — did you mean "${hint}"?` : ''}`, EXIT.invalid);
  }
  const compiled = result.plans.get(name);
  if (!compiled) {
    failOnErrors(result, new Set(result.diagnostics.map((d) => d.file)), io, `journey ${name}`);
    throw new CliError(`journey ${name} does not compile`, EXIT.invalid);
  }
  if (format === 'json') io.out(JSON.stringify(compiled, null, 2) + '\n');
  else if (format === 'mermaid') io.out(formatPlanMermaid(compiled) + '\n');
  else io.out(formatPlanText(compiled) + '\n');
  return EXIT.ok;
}
