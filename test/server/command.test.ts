/** `settle server` start-up failures: its exit codes (its running life is in e2e.test.ts). */
import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import { freePort } from '../support/temporal.js';
import { SECRET } from './support.js';

function io() {
  const err: string[] = [];
  return { err, io: { out: () => {}, err: (s: string) => void err.push(s), color: false, cwd: process.cwd() } };
}

describe('settle server', () => {
  it('exits 2 without SETTLE_SECRET, naming it', async () => {
    const { err, io: o } = io();
    expect(await run(['server'], o, { publicUrl: '', nowMs: 0, vars: {} })).toBe(2);
    expect(err.join('')).toContain('SETTLE_SECRET is not set');
  });

  it('exits 2 on an unknown flag', async () => {
    const { io: o } = io();
    expect(await run(['server', '--nope'], o, { publicUrl: '', nowMs: 0, vars: { SETTLE_SECRET: SECRET } })).toBe(2);
  });

  it('exits 3 when Temporal is unreachable', async () => {
    const { err, io: o } = io();
    const vars = { SETTLE_SECRET: SECRET, TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}` };
    expect(await run(['server'], o, { publicUrl: '', nowMs: 0, vars })).toBe(3);
    expect(err.join('')).toMatch(/cannot reach Temporal/);
  }, 20_000);
});
