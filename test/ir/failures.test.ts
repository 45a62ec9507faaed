/**
 * Failure types are recorded in workflow histories (activity failures, the retry policies'
 * non-retryable types) and in metric labels: their names live in one place (src/ir/failures.ts)
 * and their values never change. The recorded histories under test/fixtures are the evidence.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FAILURE } from '../../src/ir/index.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');

/** Every failure type a recorded history names: retry policies' non-retryable types and failures' types. */
function recordedFailureTypes(): Set<string> {
  const found = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (node === null || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if (key === 'nonRetryableErrorTypes' && Array.isArray(value)) for (const t of value) found.add(String(t));
      if (key === 'applicationFailureInfo' && value !== null && typeof value === 'object') {
        const type = (value as { type?: unknown }).type;
        if (typeof type === 'string' && type !== '') found.add(type);
      }
      visit(value);
    }
  };
  for (const dir of readdirSync(FIXTURES).filter((d) => d.startsWith('histories'))) {
    for (const file of readdirSync(join(FIXTURES, dir)).filter((f) => f.endsWith('.json')))
      visit(JSON.parse(readFileSync(join(FIXTURES, dir, file), 'utf8')));
  }
  return found;
}

describe('failure types', () => {
  it('keep the values that workflow histories and metrics recorded', () => {
    expect(FAILURE).toEqual({
      hardBounce: 'HardBounce',
      optedOut: 'OptedOut',
      invalidInput: 'InvalidInput',
      softBounce: 'SoftBounce',
      channelUnavailable: 'ChannelUnavailable',
      webhookFailed: 'WebhookFailed',
      workerStopping: 'WorkerStopping',
    });
  });

  it('name every failure type found in the recorded histories', () => {
    const recorded = recordedFailureTypes();
    expect(recorded.size).toBeGreaterThan(0);
    const known = new Set<string>(Object.values(FAILURE));
    expect([...recorded].filter((t) => !known.has(t))).toEqual([]);
  });
});
