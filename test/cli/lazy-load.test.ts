/**
 * The offline commands load only what they use: `settle validate`, `plan`, `diff` and `render`
 * must not import Temporal, fastify, Stripe or Twilio, directly or through another module (they
 * run in CI and editors where start-up time counts). Each case is a fresh process that records
 * every module it resolves (module-probe.ts).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers.js';

const TSX_LOADER = pathToFileURL(join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
const HEAVY = /^(@temporalio\/|fastify$|@fastify\/|stripe$|twilio$)/;

function probe(args: string[]): { code: number; packages: string[] } {
  const r = spawnSync(
    process.execPath,
    ['--import', TSX_LOADER, join(ROOT, 'test', 'cli', 'module-probe.ts'), ...args],
    {
      cwd: ROOT,
      encoding: 'utf8',
    },
  );
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { code: number; packages: string[] };
}

describe('lazy command loading', () => {
  it.each([
    ['validate', ['validate', 'journeys']],
    ['plan', ['plan', 'soft-collection']],
    ['diff', ['diff', 'journeys', 'journeys']],
    ['render', ['render', 'overdue-friendly', '--data', 'examples/records/anna-rossi.json']],
  ])(
    'settle %s runs without Temporal, fastify, Stripe or Twilio',
    (_name, args) => {
      const r = probe(args);
      expect(r.code).toBe(0);
      expect(r.packages).toContain('commander');
      expect(r.packages.filter((p) => HEAVY.test(p))).toEqual([]);
    },
    60_000,
  );

  it('settle --help loads no command at all', () => {
    const r = probe(['--help']);
    expect(r.code).toBe(0);
    expect(r.packages).toEqual(['commander']);
  }, 60_000);

  it('sees a heavy import, and what it requires in turn, when there is one (the probe itself works)', () => {
    const r = probe(['--import-only', 'src/enrollment/start.ts']);
    expect(r.packages).toContain('@temporalio/client');
    expect(r.packages).toContain('@grpc/grpc-js'); // required by @temporalio/client, CommonJS
  }, 60_000);
});
