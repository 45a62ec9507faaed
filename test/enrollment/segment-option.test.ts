import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compilePaths } from '../../src/compiler/index.js';
import { journeyInput } from '../../src/enrollment/start.js';
import { createRouter } from '../../src/routing/route.js';
import { exampleRecord, ROOT } from '../support/journeys.js';

const NOW = Date.parse('2026-11-23T10:00:00Z');

describe('the routing segment travels with the journey (a metric label of its business figures)', () => {
  const compiled = compilePaths([join(ROOT, 'journeys')]);
  const record = exampleRecord('anna-rossi');

  it('the router names the segment, and the journey input carries it in its options', () => {
    const route = createRouter(compiled.project, compiled.plans).route(record, NOW);
    expect('segment' in route && typeof route.segment).toBe('string');
    const segment = (route as { segment: string }).segment;
    const plan = compiled.plans.get((route as { journey: string }).journey)!;
    const input = journeyInput({ taskQueue: 'q', plan, record, secret: 's'.repeat(32), nowMs: NOW, segment });
    expect(input.options.segment).toBe(segment);
  });

  it('without a segment (enrolled with --journey) the options have none', () => {
    const plan = compiled.plans.get('soft-collection')!;
    const input = journeyInput({ taskQueue: 'q', plan, record, secret: 's'.repeat(32), nowMs: NOW });
    expect(input.options).not.toHaveProperty('segment');
  });
});
