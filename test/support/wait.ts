/** Polling helpers for tests against real servers and processes (no fixed sleeps as assertions). */
import { setTimeout as delay } from 'node:timers/promises';

/**
 * Runs `check` until it stops throwing (an assertion that becomes true), then returns its value;
 * after `timeoutMs` rethrows the last failure.
 */
export async function eventually<T>(
  check: () => T | Promise<T>,
  { timeoutMs = 20_000, intervalMs = 100 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (e) {
      if (Date.now() > deadline) throw e;
    }
    await delay(intervalMs);
  }
}
