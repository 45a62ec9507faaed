/**
 * Tiny workflows that prove the Temporal servers work (test/temporal/servers.test.ts); they
 * know nothing about journeys. Bundled by the worker from `workflowsPath`.
 */
import { condition, defineQuery, defineSignal, setHandler, sleep } from '@temporalio/workflow';

/** Returns a greeting at once: one workflow task, no timers. */
export async function greet(name: string): Promise<string> {
  return `hello ${name}`;
}

/** Sleeps for `ms` of workflow time and reports the workflow clock before and after. */
export async function sleepFor(ms: number): Promise<{ startedAt: number; wokeAt: number }> {
  const startedAt = Date.now();
  await sleep(ms);
  return { startedAt, wokeAt: Date.now() };
}

export const releaseSignal = defineSignal('release');
export const releasedQuery = defineQuery<boolean>('released');

/** Waits (durably, for as long as it takes) until signalled, then returns. */
export async function waitForRelease(): Promise<string> {
  let released = false;
  setHandler(releaseSignal, () => {
    released = true;
  });
  setHandler(releasedQuery, () => released);
  await condition(() => released);
  return 'released';
}

export const stateNamedQuery = defineQuery<{ current: string }>('state');

/**
 * Answers the `state` query only once released, as a journey answers it only once its plan is
 * loaded (src/temporal/query-state.ts): before that, a `state` query is not registered.
 */
export async function stateAfterRelease(): Promise<string> {
  let released = false;
  setHandler(releaseSignal, () => {
    released = true;
  });
  setHandler(releasedQuery, () => released);
  await condition(() => released);
  setHandler(stateNamedQuery, () => ({ current: 'ready' }));
  await condition(() => false);
  return 'never';
}
