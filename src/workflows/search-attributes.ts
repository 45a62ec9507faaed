/**
 * Search attributes of journeys: keyed hashes only, never personal data. Defined
 * here (workflow-safe) because the workflow upserts SettleStep; clients import them from here too.
 */
import { defineSearchAttributeKey, SearchAttributeType, type SearchAttributePair } from '@temporalio/common';
import type { JourneyOptions } from './types.js';

export const SA = {
  journey: defineSearchAttributeKey('SettleJourney', SearchAttributeType.KEYWORD),
  version: defineSearchAttributeKey('SettleVersion', SearchAttributeType.INT),
  step: defineSearchAttributeKey('SettleStep', SearchAttributeType.KEYWORD),
  debtor: defineSearchAttributeKey('SettleDebtor', SearchAttributeType.KEYWORD),
  contact: defineSearchAttributeKey('SettleContact', SearchAttributeType.KEYWORD_LIST),
} as const;

/** A journey's search attributes but SettleStep: journey, version and the debtor's keyed hashes. */
export function journeyAttributes(journey: string, version: number, options: JourneyOptions): SearchAttributePair[] {
  return [
    { key: SA.journey, value: journey },
    { key: SA.version, value: version },
    { key: SA.debtor, value: options.debtorKey },
    ...(options.contactKeys.length > 0 ? [{ key: SA.contact, value: options.contactKeys }] : []),
  ];
}

/**
 * The search-attribute changes of one workflow task as one upsert command (one history event):
 * `set` collects (a later value of a key replaces an earlier one), `flush` sends what is pending,
 * called by the workflow before anything that can end the task (an activity, a timer, its return).
 * Unbatched, `set` upserts at once: the behaviour of journeys recorded before batching.
 */
export class SearchAttributeBatch {
  private readonly pending = new Map<string, SearchAttributePair>();

  constructor(
    private readonly upsert: (pairs: SearchAttributePair[]) => void,
    private readonly batched: boolean,
  ) {}

  set(pairs: SearchAttributePair[]): void {
    if (!this.batched) {
      this.upsert(pairs);
      return;
    }
    for (const p of pairs) this.pending.set(p.key.name, p);
  }

  flush(): void {
    if (this.pending.size === 0) return;
    const pairs = [...this.pending.values()];
    this.pending.clear();
    this.upsert(pairs);
  }
}
