/**
 * `settle dev` always stops: `--for D` prints its summary within D + 15 s even on a machine whose
 * CPUs are all busy, and the first SIGINT mid-demo stops it cleanly with its summary. Outcomes
 * only: how much the demo achieved depends on the machine, that it stops does not.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import type { DevSummary } from '../../src/app/dev-process.js';
import { hogCpus, spawnDev, type DevProcess } from './dev-process.js';

const running: (DevProcess | ChildProcess)[] = [];

afterEach(() => {
  for (const p of running.splice(0)) ('child' in p ? p.child : p).kill('SIGKILL');
});

describe('settle dev stops on time', () => {
  it('--for 45s on a machine with every CPU busy: exit 0 and a JSON summary within 75 s', async () => {
    const hogs = hogCpus(2);
    running.push(...hogs);
    const t0 = Date.now();
    const dev = await spawnDev(['--demo', '--for', '45s', '--json']);
    running.push(dev);
    const exit = await Promise.race([
      dev.exited,
      new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), 75_000)),
    ]);
    const wallMs = Date.now() - t0;
    expect(exit, `still running after 75 s:\n${dev.stderr().slice(-3000)}`).not.toBe('late');
    expect(exit).toEqual({ code: 0, signal: null });
    const summary = JSON.parse(dev.stdout()) as DevSummary;
    expect(summary.stoppedBy).toBe('timer');
    expect(summary.journeys.started).toBe(300);
    expect(wallMs).toBeLessThan(75_000);
  }, 120_000);

  it('SIGINT mid-demo: exit 0 and the summary within 20 s', async () => {
    const dev = await spawnDev(['--demo', '--debts', '60', '--json']);
    running.push(dev);
    await dev.waitFor('demo: 60 journeys started', 120_000);
    await dev.waitFor('messages sent', 60_000); // the first progress line: journeys are under way
    const sentAt = Date.now();
    dev.child.kill('SIGINT');
    const exit = await Promise.race([
      dev.exited,
      new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), 20_000)),
    ]);
    expect(exit, `still running 20 s after SIGINT:\n${dev.stderr().slice(-3000)}`).not.toBe('late');
    expect(exit).toEqual({ code: 0, signal: null });
    expect(Date.now() - sentAt).toBeLessThan(20_000);
    const summary = JSON.parse(dev.stdout()) as DevSummary;
    expect(summary.stoppedBy).toBe('SIGINT');
    expect(summary.journeys.started).toBe(60);
    expect(dev.stderr()).not.toMatch(/IllegalStateError|internal error/);
  }, 200_000);

  it('a second SIGINT while stopping exits at once with one line and code 130', async () => {
    const dev = await spawnDev(['--demo', '--debts', '30', '--json']);
    running.push(dev);
    await dev.waitFor('demo: 30 journeys started', 120_000);
    dev.child.kill('SIGINT');
    await dev.waitFor('stopping (SIGINT)', 10_000);
    dev.child.kill('SIGINT');
    expect(await dev.exited).toEqual({ code: 130, signal: null });
    expect(dev.stderr()).toMatch(/^settle: SIGINT again while stopping: exiting now .*$/m);
    expect(dev.stdout()).toBe('');
  }, 200_000);
});
