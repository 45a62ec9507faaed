/**
 * Run as its own process (through the tsx loader) by lazy-load.test.ts: records every module the
 * process resolves (ESM imports and CommonJS requires alike, through node:module's in-thread
 * hooks), then either runs `settle ARGS...` in-process or, with `--import-only FILE`, imports FILE.
 * Prints one JSON line: the exit code and the npm packages that were loaded.
 */
import { registerHooks } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const loaded = new Set<string>();
registerHooks({
  resolve(specifier, context, nextResolve) {
    const resolved = nextResolve(specifier, context);
    loaded.add(resolved.url);
    return resolved;
  },
});

const ROOT = join(import.meta.dirname, '..', '..');
const argv = process.argv.slice(2);
let code = 0;
if (argv[0] === '--import-only') {
  await import(pathToFileURL(join(ROOT, argv[1]!)).href);
} else {
  const { run } = await import('../../src/cli/main.js');
  const quiet = () => undefined;
  code = await run(
    argv,
    { out: quiet, err: quiet, color: false, cwd: ROOT },
    { publicUrl: 'https://x.test', nowMs: 0 },
  );
}
const packages = new Set<string>();
for (const url of loaded) {
  const m = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (m) packages.add(m[1]!);
}
process.stdout.write(JSON.stringify({ code, packages: [...packages].sort() }) + '\n');
