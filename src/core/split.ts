/**
 * Sticky A/B assignment (docs/reference.md#split): a variant is a pure function of debt id, journey name and
 * step id, so the same debt always gets the same variant — across retries, replays, versions
 * and the simulator — and weights hold over a portfolio. Workflow-safe: no crypto, no randomness.
 */

/** 53-bit string hash (cyrb53 construction): well spread, deterministic, cheap. */
export function hash53(text: string, seed = 0): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** Bucket in [0, 10000) for a debt at a split step. */
export function splitBucket(debtId: string, journey: string, stepId: string): number {
  return hash53(`${journey}\u0000${stepId}\u0000${debtId}`) % 10_000;
}

/** The chosen variant: cumulative weights (percent) over the bucket. */
export function assignVariant<V extends { name: string; weight: number }>(
  debtId: string,
  journey: string,
  stepId: string,
  variants: readonly V[],
): V {
  const bucket = splitBucket(debtId, journey, stepId);
  let upper = 0;
  for (const v of variants) {
    upper += v.weight * 100;
    if (bucket < upper) return v;
  }
  return variants[variants.length - 1]!;
}
