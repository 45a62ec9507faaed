/**
 * `callbacks:` and `preferences:` in a journey: what they lower to (the call-back URL like a
 * webhook's, the days and slots; the languages of the journey's templates), and the worker's
 * variables `settle config check` asks for.
 */
import { describe, expect, it } from 'vitest';
import { journeyEnvVars } from '../../src/config/journey-env.js';
import { compileJourney, exit, send } from '../support/journey-yaml.js';

function compile(spec: string) {
  return compileJourney({
    name: 'contact',
    policy: 'eu-default',
    spec,
    steps: [send('first', 'email', 'overdue-friendly'), exit('done', 'unresolved')],
  });
}

describe('call-backs and preferences in a journey', () => {
  it('lower with their defaults; preferences offer the languages of the journey’s templates', () => {
    const { plan, codes } = compile('  callbacks: { url: "env:AGENT_QUEUE_URL" }\n  preferences: {}');
    expect(codes).toEqual([]);
    expect(plan!.callbacks).toEqual({
      url: { env: 'AGENT_QUEUE_URL' },
      days: 5,
      slots: ['morning', 'afternoon', 'evening'],
      retry: { maxAttempts: 5, initialIntervalMs: 30_000, backoff: 2, maxIntervalMs: 3_600_000 },
    });
    expect(plan!.preferences).toEqual({ languages: ['en', 'fr', 'nl'] });
    expect(journeyEnvVars([plan!])).toEqual([
      { name: 'AGENT_QUEUE_URL', role: 'worker', usedBy: [{ journey: 'contact', version: 1, step: 'callbacks' }] },
    ]);
  });

  it('keeps what the journey declares and refuses what is not a URL, a slot or a day count', () => {
    const { plan } = compile('  callbacks: { url: "https://agents.example.com/q", days: 2, slots: [evening] }');
    expect(plan!.callbacks).toMatchObject({
      url: { literal: 'https://agents.example.com/q' },
      days: 2,
      slots: ['evening'],
    });
    expect(compile('  callbacks: { url: "http://agents.example.com/q" }').codes).toContain('INVALID_WEBHOOK_URL');
    expect(compile('  callbacks: { url: "env:Q", slots: [night] }').codes.length).toBeGreaterThan(0);
    expect(compile('  callbacks: { url: "env:Q", days: 30 }').codes.length).toBeGreaterThan(0);
    expect(compile('  preferences: { channels: true }').codes.length).toBeGreaterThan(0);
  });
});
