/**
 * The JourneyLookup over the `state` query (contract in signals.ts): what the landing page shows
 * about a journey. Answers are cached for a few seconds (a visitor reloading the page, or several
 * tabs, cost one query), concurrent lookups of one journey share one query, and the cache is
 * bounded. A journey that does not exist answers undefined; other failures reject (the page
 * answers 503 rather than pretend the debt is unknown).
 */
import type { Client } from '@temporalio/client';
import { queryJourneyState } from '../temporal/query-state.js';
import type { JourneyStateView } from '../workflows/types.js';
import type { JourneyLookup } from './signals.js';
import { classifyFailure } from './temporal-errors.js';

export interface JourneyLookupOptions {
  /** How long an answer is reused; default 5 s. */
  ttlMs?: number;
  /** Journeys cached at most; default 10,000. */
  maxEntries?: number;
  /** Deadline of one query; default 5 s. */
  callTimeoutMs?: number;
  clock?: () => number;
}

export function createJourneyLookup(client: Client, options: JourneyLookupOptions = {}): JourneyLookup {
  const ttl = options.ttlMs ?? 5_000;
  const max = options.maxEntries ?? 10_000;
  const timeout = options.callTimeoutMs ?? 5_000;
  const clock = options.clock ?? Date.now;
  const cache = new Map<string, { at: number; view: Promise<JourneyStateView | undefined> }>();

  async function query(workflowId: string): Promise<JourneyStateView | undefined> {
    try {
      // A journey between its start (or a continue-as-new) and its plan's loading is asked again.
      return await queryJourneyState(client, workflowId, timeout);
    } catch (error) {
      if (classifyFailure(error) === 'not-found') return undefined;
      throw error;
    }
  }

  return {
    view(workflowId) {
      const now = clock();
      const hit = cache.get(workflowId);
      if (hit && now - hit.at < ttl) return hit.view;
      const view = query(workflowId);
      cache.delete(workflowId);
      cache.set(workflowId, { at: now, view });
      if (cache.size > max) cache.delete(cache.keys().next().value!);
      // A failed query is not cached: the next visitor tries again.
      view.catch(() => {
        if (cache.get(workflowId)?.view === view) cache.delete(workflowId);
      });
      return view;
    },
  };
}
