/**
 * The zone check (.dependency-cruiser.mjs, `npm run lint:zones`): every folder of src/ is in
 * exactly one zone, the tree passes, and the allowlist refuses a wrong import — shown on a small
 * scratch tree laid out like src/ and cruised with the same rules.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cruise, type ICruiseResult, type IViolation } from 'dependency-cruiser';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/journeys.js';

type Zones = Record<string, string[]>;
// The configuration itself (plain JavaScript, read by dependency-cruiser's CLI too).
const {
  default: config,
  ZONES,
  LAYERS,
} = (await import(pathToFileURL(join(ROOT, '.dependency-cruiser.mjs')).href)) as {
  default: { options: Record<string, unknown> } & Record<string, unknown>;
  ZONES: Zones;
  LAYERS: string[][];
};

async function violations(baseDir: string): Promise<IViolation[]> {
  const cwd = process.cwd();
  process.chdir(baseDir);
  try {
    const { options, ...ruleSet } = config;
    const result = await cruise(['src'], {
      ...options,
      ...(baseDir !== ROOT && { tsConfig: undefined, tsPreCompilationDeps: true }),
      ruleSet,
      validate: true,
    } as never);
    return (result.output as ICruiseResult).summary.violations;
  } finally {
    process.chdir(cwd);
  }
}

function zoneOf(folder: string): string {
  return Object.entries(ZONES).find(([, folders]) => folders.includes(folder))?.[0] ?? 'none';
}

function scratch(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'settle-zones-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

describe('code zones', () => {
  it('puts every folder of src/ in exactly one zone', () => {
    const zoned = Object.values(ZONES).flat();
    expect(new Set(zoned).size).toBe(zoned.length);
    const folders = readdirSync(join(ROOT, 'src'), { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
    expect([...zoned].sort()).toEqual(folders);
  });

  it('puts every folder in exactly one layer, the zones in bands (adapters, language, workflow-safe)', () => {
    const layered = LAYERS.flat();
    expect(new Set(layered).size).toBe(layered.length);
    expect([...layered].sort()).toEqual(Object.values(ZONES).flat().sort());
    const band = (folder: string) => ['adapters', 'language', 'workflow'].indexOf(zoneOf(folder));
    const bands = layered.map(band);
    expect(bands).toEqual([...bands].sort((a, b) => a - b));
  });

  it('names every folder in the README layout and in the architecture table', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const layout = readme.slice(readme.indexOf('Layout, top layer first'));
    const architecture = readFileSync(join(ROOT, 'docs', 'ARCHITECTURE.md'), 'utf8');
    for (const folder of LAYERS.flat()) {
      expect(layout, folder).toContain(`\`src/${folder}\``);
      expect(architecture, folder).toMatch(new RegExp(`\\| \\d+ \\| [^|]*\`src/${folder}\``));
    }
  });

  it('passes on the tree as it is', async () => {
    expect(await violations(ROOT)).toEqual([]);
  }, 120_000);

  it('refuses workflow code importing a Node built-in or an adapter, and a folder with no zone', async () => {
    const dir = scratch({
      'src/workflows/ok.ts': "import { x } from '../core/x.js';\nexport const y = x;\n",
      'src/core/x.ts': 'export const x = 1;\n',
      'src/workflows/bad-node.ts': "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n",
      'src/workflows/bad-adapter.ts': "import { app } from '../server/app.js';\nexport const a = app;\n",
      'src/server/app.ts': "import { x } from '../core/x.js';\nexport const app = x;\n",
      'src/compiler/bad-language.ts': "import { app } from '../server/app.js';\nexport const c = app;\n",
      'src/newfolder/thing.ts': "import { x } from '../core/x.js';\nexport const t = x;\n",
    });
    const found = (await violations(dir)).map((v) => `${v.rule.name}: ${v.from} → ${v.to}`).sort();
    // An adapter imported from below breaks the layer order too.
    expect(found).toEqual([
      'layer-order: src/compiler/bad-language.ts → src/server/app.ts',
      'layer-order: src/workflows/bad-adapter.ts → src/server/app.ts',
      'no-unzoned-folder: src/newfolder/thing.ts → src/core/x.ts',
      'not-in-allowed: src/compiler/bad-language.ts → src/server/app.ts',
      'not-in-allowed: src/newfolder/thing.ts → src/core/x.ts',
      'not-in-allowed: src/workflows/bad-adapter.ts → src/server/app.ts',
      'not-in-allowed: src/workflows/bad-node.ts → fs',
    ]);
  }, 60_000);

  it('refuses an import of a folder above, or beside, the importing one, and a circle of modules', async () => {
    const dir = scratch({
      'src/workflows/ok.ts': "import { x } from '../core/x.js';\nexport const y = x;\n",
      'src/core/x.ts': 'export const x = 1;\n',
      'src/core/up.ts': "import { y } from '../workflows/ok.js';\nexport const u = y;\n",
      'src/channels/c.ts': "import { x } from '../core/x.js';\nexport const c = x;\n",
      'src/log/beside.ts': "import { c } from '../channels/c.js';\nexport const b = c;\n",
      'src/server/down.ts': "import { c } from '../channels/c.js';\nexport const d = c;\n",
      'src/server/ping.ts': "import type { Pong } from './pong.js';\nexport type Ping = { pong?: Pong };\n",
      'src/server/pong.ts': "import type { Ping } from './ping.js';\nexport type Pong = { ping?: Ping };\n",
    });
    const found = (await violations(dir)).map((v) => `${v.rule.name}: ${v.from} → ${v.to}`).sort();
    expect(found).toEqual([
      'layer-order: src/core/up.ts → src/workflows/ok.ts',
      'layer-order: src/log/beside.ts → src/channels/c.ts',
      'no-circular: src/server/ping.ts → src/server/pong.ts',
    ]);
  }, 60_000);
});
