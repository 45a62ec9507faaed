#!/usr/bin/env node
// The `settle` command: the compiled CLI in dist/ (`npm run build`; `npm ci` and `npm install` build
// it through the "prepare" script). It never compiles TypeScript at run time. Node's compile cache
// (in the system's temporary directory) spares later runs the parsing of the modules they load.
import { existsSync } from 'node:fs';
import { enableCompileCache } from 'node:module';

const built = new URL('../dist/cli/main.js', import.meta.url);
if (existsSync(built)) {
  enableCompileCache();
  const cli = await import(built.href);
  await cli.main();
} else {
  process.stderr.write('settle: the compiled CLI (dist/cli/main.js) is missing: run npm run build\n');
  process.exitCode = 2;
}
