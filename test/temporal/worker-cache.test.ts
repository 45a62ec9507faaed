/**
 * The worker's workflow cache: bounded by default (never the SDK's heap-derived size), with the
 * reason `settle worker` logs at start.
 */
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MAX_CACHED_WORKFLOWS,
  MIB_PER_CACHED_JOURNEY,
  sharedWorkflowModules,
  workflowCacheSize,
} from '../../src/temporal/journey-worker.js';

describe('workflowCacheSize', () => {
  it('defaults to the journeys awake at once, with the memory it costs', () => {
    const c = workflowCacheSize();
    expect(c.maxCachedWorkflows).toBe(DEFAULT_MAX_CACHED_WORKFLOWS);
    expect(c.why).toContain('default');
    expect(c.why).toContain(`${Math.round(DEFAULT_MAX_CACHED_WORKFLOWS * MIB_PER_CACHED_JOURNEY)} MiB`);
    // The goal of issue 20: at most +150 MB for a worker however many journeys sleep.
    expect(DEFAULT_MAX_CACHED_WORKFLOWS * MIB_PER_CACHED_JOURNEY).toBeLessThanOrEqual(150);
  });

  it('takes --max-cached-workflows as given and says so', () => {
    const c = workflowCacheSize(1000);
    expect(c.maxCachedWorkflows).toBe(1000);
    expect(c.why).toContain('--max-cached-workflows 1000');
    expect(c.why).toContain('400 MiB');
  });
});

describe('sharedWorkflowModules', () => {
  it('shares pure code and the plan cache, never the workflow modules that hold a journey', () => {
    const modules = sharedWorkflowModules();
    expect(modules).toContain('@marcbachmann/cel-js');
    expect(modules.some((m) => /src\/core\/cel\/index\.(ts|js)$/.test(m))).toBe(true);
    expect(modules.some((m) => /src\/workflows\/shared-plans\.(ts|js)$/.test(m))).toBe(true);
    const workflows = modules.filter((m) => m.includes('/src/workflows/'));
    expect(workflows.map((m) => m.replace(/.*\/src\/workflows\//, ''))).toEqual(
      expect.arrayContaining(['shared-plans.ts']),
    );
    expect(workflows.some((m) => /journey-workflow|interpreter|state|context/.test(m))).toBe(false);
  });
});
