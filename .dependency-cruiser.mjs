// The code zones, checked by dependency-cruiser (`npm run lint:zones`, part of `npm run lint`):
// every folder of src/ is in exactly one zone, and an import is allowed only when a rule below
// allows it (an allowlist: anything else is an error). docs/ARCHITECTURE.md#three-zones-one-layer-order explains
// the zones; test/lint/zones.test.ts checks that every folder has a zone and that a wrong import
// fails. Node built-ins are recognised by dependency-cruiser itself (`core`, from node:module).

/** Each zone's folders under src/. */
export const ZONES = {
  // Runs inside Temporal's workflow sandbox: deterministic, no Node built-ins, no I/O.
  workflow: ['ir', 'core', 'workflows'],
  // Pure Node-side: the language, templates, plan views and what computes on plans (no network).
  language: ['dsl', 'project', 'ids', 'compiler', 'templates', 'routing', 'views', 'experiments', 'simulate'],
  // Adapters and processes: Temporal, channels, the HTTP server, metrics, config, the CLI.
  adapters: [
    'activities',
    'app',
    'channels',
    'cli',
    'config',
    'dev',
    'enrollment',
    'lifecycle',
    'log',
    'metrics',
    'server',
    'temporal',
  ],
};

/**
 * The folders in layers, top first: a folder may import only folders in the layers below its own
 * (never one above it, never a peer), so every arrow points down and no two folders depend on
 * each other. The zones are bands of this order: adapters on top, the language in the middle,
 * workflow-safe code at the bottom.
 */
export const LAYERS = [
  ['cli'],
  ['app'],
  ['dev'],
  ['metrics'],
  ['server'],
  ['enrollment'],
  ['temporal'],
  ['activities'],
  ['lifecycle', 'channels', 'log'],
  ['config'],
  ['simulate'],
  ['experiments', 'views'],
  ['compiler'],
  ['routing'],
  ['project', 'ids', 'templates'],
  ['dsl'],
  ['workflows'],
  ['core'],
  ['ir'],
];

/** One rule a folder: nothing in its own layer (but itself) or above. */
const layerRules = LAYERS.flatMap((layer, i) =>
  layer.map((folder) => ({
    name: 'layer-order',
    comment: `src/${folder} may import only folders in the layers below it (.dependency-cruiser.mjs LAYERS)`,
    severity: 'error',
    from: { path: `^src/${folder}/` },
    to: {
      path: `^src/(${LAYERS.slice(0, i + 1)
        .flat()
        .filter((f) => f !== folder)
        .join('|')})/`,
    },
  })),
);

/** The npm packages workflow-safe code may import (the sandbox bundles them). */
export const WORKFLOW_PACKAGES = ['@temporalio/workflow', '@temporalio/common', '@marcbachmann/cel-js'];

/** Libraries that do I/O or need a process: adapters only. */
export const ADAPTER_PACKAGES = [
  '@temporalio/client',
  '@temporalio/worker',
  '@temporalio/activity',
  '@temporalio/testing',
  'nodemailer',
  'twilio',
  'stripe',
  'fastify',
  '@fastify/.+',
  'prom-client',
  'pino',
];

const folders = (names) => `^src/(${names.join('|')})/`;
const packages = (names) => `^(${names.join('|')})(/|$)`;

/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  allowedSeverity: 'error',
  allowed: [
    // workflow-safe: itself and its few packages.
    { from: { path: folders(ZONES.workflow) }, to: { path: folders(ZONES.workflow) } },
    {
      from: { path: folders(ZONES.workflow) },
      to: { dependencyTypes: ['npm'], path: `^node_modules/${packages(WORKFLOW_PACKAGES).slice(1)}` },
    },
    // language: itself, workflow-safe code, Node built-ins, libraries other than the adapters'.
    { from: { path: folders(ZONES.language) }, to: { path: folders([...ZONES.workflow, ...ZONES.language]) } },
    { from: { path: folders(ZONES.language) }, to: { dependencyTypes: ['core'] } },
    {
      from: { path: folders(ZONES.language) },
      to: { dependencyTypes: ['npm', 'npm-dev'], pathNot: `^node_modules/${packages(ADAPTER_PACKAGES).slice(1)}` },
    },
    // adapters: anything.
    { from: { path: folders(ZONES.adapters) }, to: {} },
  ],
  forbidden: [
    ...layerRules,
    {
      name: 'no-circular',
      comment: 'no module depends on itself through others (types included): one direction per pair',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-unzoned-folder',
      comment: 'every folder of src/ is in exactly one zone (.dependency-cruiser.mjs ZONES)',
      severity: 'error',
      from: { path: '^src/', pathNot: folders(Object.values(ZONES).flat()) },
      to: {},
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
    exclude: { path: '^src/compiler/generated/' },
  },
};
