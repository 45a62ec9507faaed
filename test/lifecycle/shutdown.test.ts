/**
 * The process stop helpers of src/lifecycle/shutdown.ts: the first signal asks for a graceful stop,
 * a second one forces the exit; a clean-up step reports done, failed or abandoned and never throws.
 * Signals are SIGUSR2/SIGHUP emitted on this process, so the test runner's own SIGINT stays alone.
 */
import { describe, expect, it } from 'vitest';
import { handleShutdownSignals, signalExitCode, step } from '../../src/lifecycle/shutdown.js';

describe('handleShutdownSignals', () => {
  it('resolves on the first signal and forces the exit on the second, with one line', async () => {
    const exits: number[] = [];
    const lines: string[] = [];
    const firsts: string[] = [];
    const s = handleShutdownSignals({
      signals: ['SIGUSR2', 'SIGHUP'],
      exit: (code) => exits.push(code),
      write: (line) => lines.push(line),
      onFirst: (r) => firsts.push(r),
    });
    try {
      expect(s.reason).toBeUndefined();
      process.emit('SIGUSR2', 'SIGUSR2');
      expect(await s.requested).toBe('SIGUSR2');
      expect(firsts).toEqual(['SIGUSR2']);
      expect(exits).toEqual([]);
      process.emit('SIGHUP', 'SIGHUP');
      expect(exits).toEqual([1]);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^settle: SIGHUP again while stopping: exiting now/);
      expect(lines[0]!.endsWith('\n') && lines[0]!.indexOf('\n') === lines[0]!.length - 1).toBe(true);
    } finally {
      s.dispose();
    }
    expect(process.listenerCount('SIGUSR2')).toBe(0);
  });

  it('a signal after a timer-triggered stop forces the exit; trigger is idempotent', async () => {
    const exits: number[] = [];
    const s = handleShutdownSignals({ signals: ['SIGUSR2'], exit: (c) => exits.push(c), write: () => undefined });
    try {
      s.trigger('timer');
      s.trigger('failure');
      expect(await s.requested).toBe('timer');
      expect(s.reason).toBe('timer');
      process.emit('SIGUSR2', 'SIGUSR2');
      expect(exits).toEqual([1]);
    } finally {
      s.dispose();
    }
  });

  it('exit codes follow the shell convention for the signals Settle stops on', () => {
    expect(signalExitCode('SIGINT')).toBe(130);
    expect(signalExitCode('SIGTERM')).toBe(143);
  });
});

describe('step', () => {
  it('reports done, failed and abandoned steps without throwing', async () => {
    const lines: string[] = [];
    const log = (l: string) => lines.push(l);
    expect(await step('quick', 1_000, async () => 'ok', log)).toBe('done');
    expect(
      await step(
        'broken',
        1_000,
        async () => {
          throw new Error('boom');
        },
        log,
      ),
    ).toBe('failed');
    expect(await step('stuck', 10, () => new Promise(() => undefined), log)).toBe('timeout');
    expect(lines).toEqual(['shutdown: broken failed: boom', 'shutdown: stuck did not finish within 10 ms: abandoned']);
  });
});
